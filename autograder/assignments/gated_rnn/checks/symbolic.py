"""Checks against the sympy derivations: lstm_state_jacobian, lstm_backward, gru_backward.

The expected answers come from derived.py (of the assignment's folder), NumPy code that sympy printed from the
derivations in reference/gated_rnn/derivations.py (`python reference/gated_rnn/generate_derived.py`),
not from the reference solution: the two oracles share no code, so a bug in the reference cannot
hide a student's same bug here. Each check has a probe of its own on the fixed small sizes that
derived.py was printed for (H >= 2, D != H; the batch size N is free), with values from the
grade's Draw. A failing case names the outputs (or, for J, the blocks) that differ, where and by
what order of magnitude, and shows the symbolic form to match; it never shows an expected number.
"""
from __future__ import annotations

import numpy as np

from autograder import i18n
from autograder.engine import cases as C
from autograder.engine.checks import CallResult, Case, Check, Probe, Verdict
from autograder.engine.derivation import difference, verdict

from .. import derived
from ..contract import GRU_KEYS, LSTM_KEYS
from .gru import gru_backward_case as gru_case
from .lstm import BLOCKS, jacobian_case, lstm_backward_case

N_SYMBOLIC = 2                 # the batch size of the backward cases (the derivation holds for any N)
FORGET_BIAS = 5.0              # one Jacobian case with f_t near 1

JACOBIAN_FORM = i18n.N_(
    "J = [[J_hh, J_hc], [J_ch, J_cc]] as sympy's Matrix.jacobian of s_t = [h_t, c_t] with respect to "
    "[h_{t-1}, c_{t-1}] (numerator layout) gives it: J_cc = diag(f_t), J_hc = diag(o_t (1 - tanh(c_t)^2) f_t), "
    "J_ch = diag(g_t i_t (1 - i_t)) (W_h^i)^T + diag(c_{t-1} f_t (1 - f_t)) (W_h^f)^T + diag(i_t (1 - g_t^2)) "
    "(W_h^g)^T, J_hh = diag(tanh(c_t) o_t (1 - o_t)) (W_h^o)^T + diag(o_t (1 - tanh(c_t)^2)) J_ch")
LSTM_FORM = i18n.N_(
    "the gradients sympy obtains by differentiating L = sum(dh * h) + sum(dc * c) through the unrolled LSTM "
    "a_t = x_t W_x + h_{t-1} W_h + b, [i_t, f_t, o_t] = sigma(quarters 1-3 of a_t), g_t = tanh(quarter 4), "
    "c_t = f_t * c_{t-1} + i_t * g_t, h_t = o_t * tanh(c_t), with respect to every parameter, x, h0 and c0 "
    "(sums over the batch and over time)")
GRU_FORM = i18n.N_(
    "the gradients sympy obtains by differentiating L = sum(dh * h) through the unrolled GRU "
    "r_t = sigma(x_t W_xr + h_{t-1} W_hr + b_r), z_t = sigma(x_t W_xz + h_{t-1} W_hz + b_z), "
    "n_t = tanh(x_t W_xn + (r_t * h_{t-1}) W_hn + b_n), h_t = (1 - z_t) * h_{t-1} + z_t * n_t, with respect to "
    "every parameter, x and h0 (sums over the batch and over time)")


def _paths(keys: tuple[str, ...], states: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """derived key -> (the worker's output path, the name students read)."""
    return {"dx": ("dx", "dx"), **{s: (s, s) for s in states}, **{k: (f"grads[{k!r}]", f"d{k}") for k in keys}}


LSTM_OUTPUTS = _paths(LSTM_KEYS, ("dh0", "dc0"))
GRU_OUTPUTS = _paths(GRU_KEYS, ("dh0",))


# ---- probes: the sizes derived.py was printed for ---------------------------------------------
def jacobian_cases(draw: C.Draw) -> list[Case]:
    specs = [(D, H, 0.0) for D, H in derived.LSTM_STATE_JACOBIAN]
    specs.append((*next(iter(derived.LSTM_STATE_JACOBIAN)), FORGET_BIAS))
    return [jacobian_case(D, H, draw.seed(f"lstm_state_jacobian.sympy/{i}"), 1.0, bias)
            for i, (D, H, bias) in enumerate(specs)]


def lstm_cases(draw: C.Draw) -> list[Case]:
    return [lstm_backward_case(N_SYMBOLIC, T, D, H, draw.seed(f"lstm_backward.sympy/{i}"), 1.0)
            for i, (T, D, H) in enumerate(derived.LSTM_BACKWARD)]


def gru_cases(draw: C.Draw) -> list[Case]:
    return [gru_case(N_SYMBOLIC, T, D, H, draw.seed(f"gru_backward.sympy/{i}"), 1.0)
            for i, (T, D, H) in enumerate(derived.GRU_BACKWARD)]


# ---- judges -------------------------------------------------------------------------------------
def _derivation(table: dict, sizes: tuple[int, ...]):
    if sizes not in table:        # a grader configuration error, caught by the tests
        raise LookupError(f"derived.py has no derivation for {sizes}: add the sizes in "
                          "reference/gated_rnn/generate_derived.py and regenerate")
    return table[sizes]


def jacobian_judge(case: Case, result: CallResult) -> Verdict:
    x_t, h_prev, c_prev, params = case.args
    H = h_prev.shape[0]
    expected = _derivation(derived.LSTM_STATE_JACOBIAN, (x_t.shape[0], H))(x_t, h_prev, c_prev, params)
    leaf = result.leaf("output")
    got = leaf.get("array") if leaf else None
    if not isinstance(got, np.ndarray) or got.shape != expected.shape:
        problem = difference(leaf, expected, "J")
        return verdict([problem] if problem else [], JACOBIAN_FORM)
    problems = []
    for block, (_, row, col) in BLOCKS.items():
        part = (slice(row * H, (row + 1) * H), slice(col * H, (col + 1) * H))
        problems.append(difference({"array": got[part]}, expected[part], f"J_{block}"))
    return verdict([p for p in problems if p], JACOBIAN_FORM)


def lstm_inputs(args: tuple) -> tuple[tuple[int, int, int], tuple]:
    """((T, D, H), the derivation's arguments) of an lstm_backward case (dh, dc, x, h0, c0, h, c, params)."""
    dh, dc, x, h0, c0, _, _, params = args
    return (*np.shape(x)[1:], np.shape(h0)[1]), (dh, dc, x, h0, c0, params)


def gru_inputs(args: tuple) -> tuple[tuple[int, int, int], tuple]:
    """((T, D, H), the derivation's arguments) of a gru_backward case (dh, x, h0, h, params)."""
    dh, x, h0, _, params = args
    return (*np.shape(x)[1:], np.shape(h0)[1]), (dh, x, h0, params)


def backward_judge(table: dict, split, outputs: dict[str, tuple[str, str]], form: str):
    def judge(case: Case, result: CallResult) -> Verdict:
        sizes, inputs = split(case.args)
        expected = _derivation(table, sizes)(*inputs)
        problems = [difference(result.leaf(path), expected[key], name) for key, (path, name) in outputs.items()]
        return verdict([p for p in problems if p], form)

    return judge


PROBES = [
    Probe("lstm_state_jacobian.sympy", "lstm_state_jacobian", jacobian_cases),
    Probe("lstm_backward.sympy", "lstm_backward", lstm_cases),
    Probe("gru_backward.sympy", "gru_backward", gru_cases),
]

CHECKS = [
    Check("lstm_state_jacobian.sympy", "lstm_state_jacobian",
          "equals the sympy derivation of d [h_t, c_t] / d [h_{t-1}, c_{t-1}], block by block",
          "lstm_state_jacobian.sympy", jacobian_judge),
    Check("lstm_backward.sympy", "lstm_backward", "equals the sympy derivation of the LSTM's BPTT",
          "lstm_backward.sympy", backward_judge(derived.LSTM_BACKWARD, lstm_inputs, LSTM_OUTPUTS, LSTM_FORM)),
    Check("gru_backward.sympy", "gru_backward", "equals the sympy derivation of the GRU's BPTT",
          "gru_backward.sympy", backward_judge(derived.GRU_BACKWARD, gru_inputs, GRU_OUTPUTS, GRU_FORM)),
]
