"""Checks against the sympy derivations: sigmoid_derivative, tanh_derivative, hidden_jacobian, rnn_backward.

The expected answers come from derived.py (of the assignment's folder), NumPy code that sympy printed from the
derivations in reference/rnn_bptt/derivations.py (`python reference/rnn_bptt/generate_derived.py`),
not from the reference solution: the two oracles share no code, so a bug in the reference cannot
hide a student's same bug here. The checks judge the cases of existing probes (no further calls
of student code). A failing case names the entries that differ and the order of magnitude of the
difference, and shows the symbolic form to match; it never shows an expected number.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from autograder import i18n
from autograder.engine.checks import CallResult, Case, Check, Verdict
from autograder.engine.derivation import difference, size_of_difference  # noqa: F401 - part of this module's interface
from autograder.engine.derivation import verdict as _verdict

from .. import derived

SIGMOID_FORM = i18n.N_("sigma'(x) = sigma(x) (1 - sigma(x)), which sympy derives from sigma(x) = 1 / (1 + e^-x): "
                       "d sigma / dx = e^-x / (1 + e^-x)^2")
TANH_FORM = i18n.N_("tanh'(x) = 1 - tanh(x)^2, which sympy derives from tanh(x) = (e^x - e^-x) / (e^x + e^-x): "
                    "d tanh / dx = 4 / (e^x + e^-x)^2")
JACOBIAN_FORM = {
    "tanh": f"J = diag(1 - h_t^2) W_hh^T, i.e. J[i, j] = d h_t[i] / d h_{{t-1}}[j] = {derived.JACOBIAN_ENTRY['tanh']}",
    "sigmoid": ("J = diag(h_t (1 - h_t)) W_hh^T, i.e. J[i, j] = d h_t[i] / d h_{t-1}[j] = "
                f"{derived.JACOBIAN_ENTRY['sigmoid']}"),
}
BPTT_FORM = i18n.N_("the gradients sympy obtains by differentiating L = sum(dh * h) + sum(dy * y) through the "
                    "unrolled RNN h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h), y_t = h_t W_hy + b_y, with respect to "
                    "every parameter, x and h0 (sums over the batch and over time)")

GRADIENTS = {"dx": "dx", "dh0": "dh0", "W_xh": "grads['W_xh']", "W_hh": "grads['W_hh']", "b_h": "grads['b_h']",
             "W_hy": "grads['W_hy']", "b_y": "grads['b_y']"}          # derived key -> the worker's output path
GRADIENT_NAMES = {"dx": "dx", "dh0": "dh0", **{k: f"d{k}" for k in GRADIENTS if k not in ("dx", "dh0")}}


# ---- judges ---------------------------------------------------------------------------------
def activation_judge(fn: Callable[[np.ndarray], np.ndarray], name: str, form: str):
    def judge(case: Case, result: CallResult) -> Verdict:
        problem = difference(result.leaf("output"), fn(case.args[0]), name)
        return _verdict([problem] if problem else [], form)

    return judge


def _activation_of(case: Case) -> str:
    return case.kwargs.get("activation", case.args[2] if len(case.args) > 2 else "tanh")


def jacobian_judge(case: Case, result: CallResult) -> Verdict:
    activation = _activation_of(case)
    expected = derived.HIDDEN_JACOBIAN[activation](case.args[0], case.args[1])
    problem = difference(result.leaf("output"), expected, "J")
    return _verdict([problem] if problem else [], JACOBIAN_FORM[activation])


def bptt_sizes(case: Case) -> tuple[int, int, int, int, int]:
    """(N, T, D, H, O) of an rnn_backward case (dh, dy, x, h0, h, params)."""
    x, params = case.args[2], case.args[5]
    return (*np.shape(x), np.shape(params["W_hh"])[0], np.shape(params["W_hy"])[1])


def bptt_judge(case: Case, result: CallResult) -> Verdict:
    dh, dy, x, h0, _, params = case.args
    sizes = bptt_sizes(case)[1:]               # (T, D, H, O): the derivation holds for any batch size N
    if sizes not in derived.RNN_BACKWARD:      # a grader configuration error, caught by tests/test_derived_fresh.py
        raise LookupError(f"derived.py has no BPTT derivation for (T, D, H, O) = {sizes}: add the "
                          "sizes to BPTT_SIZES in reference/rnn_bptt/generate_derived.py and regenerate")
    expected = derived.RNN_BACKWARD[sizes](dh, dy, x, h0, params)
    problems = [difference(result.leaf(path), expected[key], GRADIENT_NAMES[key]) for key, path in GRADIENTS.items()]
    return _verdict([p for p in problems if p], BPTT_FORM)


# Each value check judged against the reference on cases a sympy check also judges: an answer that
# fails the first fails the second (same cases, same tolerance, equal expected values). The
# misconception catalogue uses this to list the sympy check beside the value checks a mistake fails.
SAME_ANSWERS = {
    "sigmoid_derivative.values": "sigmoid_derivative.sympy",
    "tanh_derivative.values": "tanh_derivative.sympy",
    "hidden_jacobian.tanh": "hidden_jacobian.sympy",
    "hidden_jacobian.sigmoid": "hidden_jacobian.sympy",
    "rnn_backward.finite_differences": "rnn_backward.sympy",
}

CHECKS = [
    Check("sigmoid_derivative.sympy", "sigmoid_derivative", "equals the sympy derivation of d sigma / dx",
          "sigmoid_derivative.moderate",
          activation_judge(derived.sigmoid_derivative, "sigmoid_derivative(x)", SIGMOID_FORM)),
    Check("tanh_derivative.sympy", "tanh_derivative", "equals the sympy derivation of d tanh / dx",
          "tanh_derivative.moderate", activation_judge(derived.tanh_derivative, "tanh_derivative(x)", TANH_FORM)),
    Check("hidden_jacobian.sympy", "hidden_jacobian", "equals the sympy derivation of d h_t / d h_{t-1}",
          "hidden_jacobian.tanh", jacobian_judge, extra_probes=("hidden_jacobian.sigmoid",)),
    Check("rnn_backward.sympy", "rnn_backward", "equals the sympy derivation of BPTT",
          "rnn_backward.finite_differences", bptt_judge),
]
