"""Checks of rnn.py: rnn_forward and rnn_backward (BPTT).

rnn_backward is always called with the reference's forward states h, so a forward bug does not
cascade into the backward grade. Its gradients are judged against the reference and, on small
cases, against central finite differences of L = sum(dh * h) + sum(dy * y).
"""
from __future__ import annotations

import numpy as np

from autograder import i18n
from autograder.engine import cases as C
from autograder.engine.checks import CallResult, Case, Check, Probe, Verdict, example_check, inputs_check, matches
from autograder.engine.expected import Expected, ReferenceCall
from autograder.engine.judge import PASS, compare
from autograder.engine.numerics import central_differences, long_memory_recurrence

from ..contract import PARAM_KEYS
from ..inputs import rnn_params
from ..reference import ref

FIXED_SIZES = [  # (N, T, D, H, O): generic sizes where every mistake shows
    (2, 4, 3, 4, 2),
    (3, 5, 2, 3, 3),
    (1, 6, 4, 5, 1),
    (4, 2, 1, 2, 2),
]


REALISTIC_SIZE = (4, 400, 64, 128, 10)    # (N, T, D, H, O): BPTT takes milliseconds here, numerical
                                           # differentiation of a forward pass hours, finite differences
                                           # of whole rollouts from every h_t about 90 s (long_memory_forward)


def _label(N, T, D, H, O) -> str:
    return f"N={N}, T={T}, D={D}, H={H}, O={O}"


def _sizes(draw: C.Draw, name: str, n_generated: int) -> list[tuple]:
    """(N, T, D, H, O, seed, scale): the fixed sizes, then Hypothesis's; values seeded from the draw."""
    sizes = [(*s, 1.0) for s in FIXED_SIZES]
    for s in C.generated_sizes(n_generated, N=(1, 3), T=(1, 5), D=(1, 4), H=(1, 4), O=(1, 3)):
        sizes.append((s["N"], s["T"], s["D"], s["H"], s["O"], s["scale"]))
    return [(*s[:5], draw.seed(f"{name}/{i}"), s[5]) for i, s in enumerate(sizes)]


def forward_case(N, T, D, H, O, seed, scale) -> Case:
    g = np.random.default_rng(seed)
    x = g.normal(0.0, scale, size=(N, T, D))
    h0 = np.tanh(g.normal(0.0, scale, size=(N, H)))
    params = rnn_params(g, D, H, O, scale)
    return Case((x, h0, params), label=_label(N, T, D, H, O))


def backward_case(N, T, D, H, O, seed, scale, forward: Case | None = None) -> Case:
    """Inputs of rnn_backward, with the reference's forward states h (never another probe's inputs:
    each probe draws its own seeds, so these states answer no call of rnn_forward). FORWARD: the
    forward inputs to use (default forward_case's)."""
    f = forward or forward_case(N, T, D, H, O, seed, scale)
    x, h0, params = f.args
    h, _ = ref().rnn_forward(x, h0, params)
    g = np.random.default_rng([seed, 1])
    dh = g.normal(0.0, 1.0, size=(N, T, H))
    dy = g.normal(0.0, 1.0, size=(N, T, O))
    return Case((dh, dy, x, h0, h, params), label=f.label,
                meta={"expected": expected_gradients((dh, dy, x, h0, h, params))})


def expected_gradients(args: tuple) -> ReferenceCall:
    """The reference's gradients for one case by name (dx, dh0, dW_xh...), computed when a judge first
    asks or ahead (engine/expected.py); its raw answer is also what grade.reference_leaves asks for
    (the realistic-size gates), so the reference runs once per case."""
    return ReferenceCall(lambda: ref().rnn_backward(*args), lambda answer: {"dx": answer[0], "dh0": answer[1],
                                                                           **answer[2]})


def finite_difference_gradients(dh, dy, x, h0, params, eps: float = 1e-5) -> dict[str, np.ndarray]:
    """Central differences of L = sum(dh * h) + sum(dy * y) through the reference forward pass."""

    def loss(bumped: dict) -> float:
        h, y = ref().rnn_forward(bumped["dx"], bumped["dh0"], {k: bumped[k] for k in PARAM_KEYS})
        return float(np.sum(dh * h) + np.sum(dy * y))

    return central_differences(loss, {"dx": x, "dh0": h0, **{k: params[k] for k in PARAM_KEYS}}, eps)


FD_SIZES = [(2, 3, 2, 3, 2), (1, 4, 3, 2, 1)]   # fixed shapes (the sympy derivations are generated for them)


def fd_cases(draw: C.Draw) -> list[Case]:
    out = []
    for i, sizes in enumerate(FD_SIZES):
        case = backward_case(*sizes, draw.seed(f"rnn_backward.finite_differences/{i}"), 1.0)
        dh, dy, x, h0, _, params = case.args
        case.meta["fd"] = Expected(lambda dh=dh, dy=dy, x=x, h0=h0, params=params:
                                   finite_difference_gradients(dh, dy, x, h0, params))
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
            wrong.append(compare(leaf, fd[name], GRAD_LABELS[name], sizes=case.sizes).message.split("\n")[0])
            continue
        scale = max(1e-6, float(np.abs(fd[name]).max()))
        err = float(np.abs(got - fd[name]).max())
        if err > 1e-5 * scale + 1e-7:
            size = i18n._("by more than 10% of its scale") if err > 0.1 * scale else i18n._("by up to 10% of its scale")
            wrong.append(f"{GRAD_LABELS[name]} ({size})")
    if wrong:
        return Verdict(False, i18n._("these gradients disagree with central finite differences of "
                                     "L = sum(dh * h) + sum(dy * y): ") + "; ".join(wrong))
    return PASS


def long_memory_forward(N, T, D, H, O, seed) -> Case:
    """Forward inputs whose gradients reach far back in time: W_hh 0.98 times a random orthogonal
    matrix (never symmetric), small inputs and biases, so that tanh stays near its linear part and a
    step's Jacobian keeps most of a gradient (0.98^40 is 0.45). With the usual inputs (a step keeps
    about 0.6) the gradient with respect to every h_t could be had from finite differences of
    forward passes of 40 steps, batched, within the budget (a red-team submission did, in 14 s);
    here it takes whole rollouts, whose cost grows with N T^2 where BPTT's grows with N T: hence
    REALISTIC_SIZE's long T and small N."""
    g = np.random.default_rng([seed, 2])
    x = g.normal(0.0, 0.1, size=(N, T, D))
    h0 = np.tanh(g.normal(0.0, 0.1, size=(N, H)))
    params = rnn_params(g, D, H, O, 1.0)
    params["W_hh"] = long_memory_recurrence(g, H)
    params["b_h"] = 0.1 * params["b_h"]
    return Case((x, h0, params), label=_label(N, T, D, H, O))


def realistic_case(draw: C.Draw) -> list[Case]:
    seed = draw.seed("rnn_backward.realistic_size")
    case = backward_case(*REALISTIC_SIZE, seed, 1.0, forward=long_memory_forward(*REALISTIC_SIZE, seed))
    case.label = _label(*REALISTIC_SIZE)
    return [case]


def all_gradients_match(case: Case, result: CallResult) -> Verdict:
    """Every gradient against the reference (the large case and the worked example)."""
    for name in BACKWARD_POINTS_ORDER:
        v = compare(result.leaf(GRAD_PATHS[name]), case.meta["expected"][name], GRAD_LABELS[name], case.visible,
                    case.sizes)
        if not v.passed:
            return v
    return PASS


def forward_matches(case: Case, result: CallResult) -> Verdict:
    for index, name in enumerate(("h", "y")):
        v = compare(result.leaf(name), ref().rnn_forward(*case.args)[index], name, case.visible, case.sizes)
        if not v.passed:
            return v
    return PASS


def example_forward(draw: C.Draw) -> list[Case]:
    return [forward_case(2, 3, 2, 2, 1, draw.seed("rnn_forward.example"), 1.0)]


def example_backward(draw: C.Draw) -> list[Case]:
    return [backward_case(1, 3, 2, 2, 1, draw.seed("rnn_backward.example"), 1.0)]


def _grad(name: str):
    return lambda case: case.meta["expected"][name]


def _forward_expected(index: int):
    return lambda case: ref().rnn_forward(*case.args)[index]


PROBES = [
    Probe("rnn_forward.cases", "rnn_forward", lambda d: [forward_case(*s) for s in _sizes(d, "rnn_forward", 12)]),
    Probe("rnn_backward.cases", "rnn_backward", lambda d: [backward_case(*s) for s in _sizes(d, "rnn_backward", 12)]),
    Probe("rnn_backward.finite_differences", "rnn_backward", fd_cases),
    Probe("rnn_backward.realistic_size", "rnn_backward", realistic_case, report_inputs=False, realistic=True),
    Probe("rnn_forward.example", "rnn_forward", example_forward, visible=True),
    Probe("rnn_backward.example", "rnn_backward", example_backward, visible=True),
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
    Check("rnn_backward.realistic_size", "rnn_backward",
          "all gradients match the reference at a realistic size ({}), within the time limit".format(
              "N={}, T={}, D={}, H={}".format(*REALISTIC_SIZE[:4])),
          "rnn_backward.realistic_size", all_gradients_match),
    example_check("rnn_forward", "rnn_forward.example", forward_matches),
    example_check("rnn_backward", "rnn_backward.example", all_gradients_match),
]
