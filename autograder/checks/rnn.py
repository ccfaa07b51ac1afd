"""Checks of rnn.py: rnn_forward and rnn_backward (BPTT).

rnn_backward is always called with the reference's forward states h, so a forward bug does not
cascade into the backward grade. Its gradients are judged against the reference and, on small
cases, against central finite differences of L = sum(dh * h) + sum(dy * y).
"""
from __future__ import annotations

import numpy as np

from autograder import cases as C
from autograder.checks import CallResult, Case, Check, Probe, Verdict, inputs_check, matches
from autograder.contract import PARAM_KEYS
from autograder.judge import PASS, compare
from autograder.reference import load as ref

FIXED_SIZES = [  # (N, T, D, H, O): generic sizes where every mistake shows
    (2, 4, 3, 4, 2),
    (3, 5, 2, 3, 3),
    (1, 6, 4, 5, 1),
    (4, 2, 1, 2, 2),
]


def _label(N, T, D, H, O) -> str:
    return f"N={N}, T={T}, D={D}, H={H}, O={O}"


def _sizes(n_generated: int) -> list[tuple]:
    out = [(*s, C.zlib.crc32(repr(s).encode()), 1.0) for s in FIXED_SIZES]
    for s in C.generated_sizes(n_generated, N=(1, 3), T=(1, 5), D=(1, 4), H=(1, 4), O=(1, 3)):
        out.append((s["N"], s["T"], s["D"], s["H"], s["O"], s["seed"], s["scale"]))
    return out


def forward_case(N, T, D, H, O, seed, scale) -> Case:
    g = np.random.default_rng(seed)
    x = g.normal(0.0, scale, size=(N, T, D))
    h0 = np.tanh(g.normal(0.0, scale, size=(N, H)))
    params = C.rnn_params(g, D, H, O, scale)
    return Case((x, h0, params), label=_label(N, T, D, H, O))


def backward_case(N, T, D, H, O, seed, scale) -> Case:
    f = forward_case(N, T, D, H, O, seed, scale)
    x, h0, params = f.args
    h, _ = ref().rnn_forward(x, h0, params)
    g = np.random.default_rng(seed + 1)
    dh = g.normal(0.0, 1.0, size=(N, T, H))
    dy = g.normal(0.0, 1.0, size=(N, T, O))
    dx, dh0, grads = ref().rnn_backward(dh, dy, x, h0, h, params)
    return Case((dh, dy, x, h0, h, params), label=f.label,
                meta={"expected": {"dx": dx, "dh0": dh0, **grads}})


def finite_difference_gradients(dh, dy, x, h0, params, eps: float = 1e-5) -> dict[str, np.ndarray]:
    """Central differences of L = sum(dh * h) + sum(dy * y) through the reference forward pass."""

    def loss(x_, h0_, p_):
        h, y = ref().rnn_forward(x_, h0_, p_)
        return float(np.sum(dh * h) + np.sum(dy * y))

    inputs = {"dx": x, "dh0": h0, **{k: params[k] for k in PARAM_KEYS}}
    out = {}
    for name, arr in inputs.items():
        grad = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            values = []
            for sign in (1.0, -1.0):
                bumped = {k: v.copy() for k, v in inputs.items()}
                bumped[name][idx] += sign * eps
                values.append(loss(bumped["dx"], bumped["dh0"], {k: bumped[k] for k in PARAM_KEYS}))
            grad[idx] = (values[0] - values[1]) / (2 * eps)
        out[name] = grad
    return out


def fd_cases() -> list[Case]:
    out = []
    for sizes in [(2, 3, 2, 3, 2), (1, 4, 3, 2, 1)]:
        case = backward_case(*sizes, C.zlib.crc32(b"fd" + repr(sizes).encode()), 1.0)
        dh, dy, x, h0, _, params = case.args
        case.meta["fd"] = finite_difference_gradients(dh, dy, x, h0, params)
        out.append(case)
    return out


GRAD_PATHS = {"dx": "dx", "dh0": "dh0", **{k: f"grads[{k!r}]" for k in PARAM_KEYS}}
GRAD_LABELS = {"dx": "dx", "dh0": "dh0", **{k: f"d{k}" for k in PARAM_KEYS}}


def agrees_with_finite_differences(case: Case, result: CallResult) -> Verdict:
    fd = case.meta["fd"]
    wrong = []
    for name, path in GRAD_PATHS.items():
        leaf = result.leaf(path)
        got = leaf.get("array") if leaf else None
        if not isinstance(got, np.ndarray) or got.shape != fd[name].shape or not np.all(np.isfinite(got)):
            wrong.append(compare(leaf, fd[name], GRAD_LABELS[name]).message.split("\n")[0])
            continue
        scale = max(1e-6, float(np.abs(fd[name]).max()))
        err = float(np.abs(got - fd[name]).max())
        if err > 1e-5 * scale + 1e-7:
            wrong.append(f"{GRAD_LABELS[name]} (max difference {err:.3g}, gradient scale {scale:.3g})")
    if wrong:
        return Verdict(False, "these gradients disagree with central finite differences of "
                              "L = sum(dh * h) + sum(dy * y): " + "; ".join(wrong))
    return PASS


def _grad(name: str):
    return lambda case: case.meta["expected"][name]


def _forward_expected(index: int):
    return lambda case: ref().rnn_forward(*case.args)[index]


PROBES = [
    Probe("rnn_forward.cases", "rnn_forward", lambda: [forward_case(*s) for s in _sizes(12)]),
    Probe("rnn_backward.cases", "rnn_backward", lambda: [backward_case(*s) for s in _sizes(12)]),
    Probe("rnn_backward.finite_differences", "rnn_backward", fd_cases),
]

BACKWARD_POINTS_ORDER = ("dx", "dh0", "W_xh", "W_hh", "b_h", "W_hy", "b_y")

CHECKS = [
    Check("rnn_forward.h", "rnn_forward", "hidden states h match the reference", "rnn_forward.cases",
          matches("h", _forward_expected(0))),
    Check("rnn_forward.y", "rnn_forward", "outputs y match the reference", "rnn_forward.cases",
          matches("y", _forward_expected(1))),
    inputs_check(PROBES, "rnn_forward", "rnn_forward.cases", ("x", "h0", "params"), gate="rnn_forward.h"),
    *[Check(f"rnn_backward.{name}", "rnn_backward", f"{GRAD_LABELS[name]} matches the reference",
            "rnn_backward.cases", matches(GRAD_PATHS[name], _grad(name), GRAD_LABELS[name]))
      for name in BACKWARD_POINTS_ORDER],
    Check("rnn_backward.finite_differences", "rnn_backward",
          "all gradients agree with central finite differences", "rnn_backward.finite_differences",
          agrees_with_finite_differences),
    inputs_check(PROBES, "rnn_backward", "rnn_backward.cases", ("dh", "dy", "x", "h0", "h", "params"),
                 gate="rnn_backward.W_hy"),
]
