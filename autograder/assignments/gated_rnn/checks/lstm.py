"""Checks of lstm.py: lstm_forward, lstm_backward, lstm_state_jacobian (handout §2-§4).

- lstm_forward: the states h and c against the reference, and finite and warning-free on cases
  with every gate saturated (biases +-1000: a naive sigmoid overflows, handout §2.3);
- lstm_backward: every gradient against the reference's, given the reference's forward states
  (also with dc = 0), and all of them against central finite differences of the loss through the
  reference forward; at a realistic size, within the time limit;
- lstm_state_jacobian: each of the four H x H blocks on its own (cases with a large forget-gate
  bias, f near 1, among them), and the whole J against finite differences of one step;
- inputs left alone (credit gated by a value check); T = 1 and H = 1 are cases of the value
  probes, and a non-finite answer fails the value checks.

The sympy derivations' checks of lstm_backward and lstm_state_jacobian are in symbolic.py.
"""
from __future__ import annotations

import numpy as np

from autograder import i18n
from autograder.engine import cases as C
from autograder.engine import checks as engine  # all_of, warning_free: the saturating gates
from autograder.engine.checks import (
    CallResult,
    Case,
    Check,
    Judge,
    Probe,
    Verdict,
    example_check,
    inputs_check,
    matches,
)
from autograder.engine.expected import Expected, ReferenceCall
from autograder.engine.judge import compare

from ..contract import ARG_NAMES, LSTM_KEYS
from ..inputs import initial_cell, initial_state, lstm_params, normal
from ..reference import load as ref
from .common import (
    SATURATING_SIZES,
    SATURATING_TITLE,
    FiniteDifferences,
    agrees_with_finite_differences,
    all_match,
    draw_sizes,
    expected_output,
    fd_check,
    finite,
    grad_paths,
    gradient_checks,
    realistic_title,
    saturating,
    size_label,
)

LSTM_SIZES = [(2, 4, 3, 3), (3, 5, 2, 2), (1, 6, 4, 4), (3, 1, 2, 3), (2, 4, 3, 1), (4, 2, 1, 2)]   # (N, T, D, H)
LSTM_RANGES = dict(N=(1, 3), T=(1, 5), D=(1, 4), H=(1, 4))
LSTM_FD_SIZES = [(2, 3, 2, 2), (1, 4, 3, 1), (2, 1, 2, 3)]
LSTM_GRADS = grad_paths(LSTM_KEYS, ("dh0", "dc0"))
LSTM_LOSS = i18n.N_("L = sum(dh * h) + sum(dc * c)")


def lstm_forward_case(N, T, D, H, seed, scale) -> Case:
    g = np.random.default_rng(seed)
    x = normal(g, scale, (N, T, D))
    h0, c0 = initial_state(g, N, H), initial_cell(g, N, H)
    params = lstm_params(g, D, H, scale)
    args = (x, h0, c0, params)
    return Case(args, label=size_label(N=N, T=T, D=D, H=H),
                meta={"expected": Expected(lambda: dict(zip(("h", "c"), ref().lstm_forward(*args))))})


def lstm_backward_case(N, T, D, H, seed, scale, dc_zero: bool = False) -> Case:
    """Inputs of lstm_backward with the reference's forward states (drawn from seeds of this
    probe's own, so they answer no call of lstm_forward)."""
    x, h0, c0, params = lstm_forward_case(N, T, D, H, seed, scale).args
    h, c = ref().lstm_forward(x, h0, c0, params)
    g = np.random.default_rng([seed, 1])
    dh = g.normal(0.0, 1.0, size=(N, T, H))
    dc = np.zeros((N, T, H)) if dc_zero else g.normal(0.0, 1.0, size=(N, T, H))
    args = (dh, dc, x, h0, c0, h, c, params)

    def names(answer: tuple) -> dict:
        dx, dh0, dc0, grads = answer
        return {"dx": dx, "dh0": dh0, "dc0": dc0, **grads}

    label = size_label(N=N, T=T, D=D, H=H) + (", dc = 0" if dc_zero else "")
    return Case(args, label=label, meta={"expected": ReferenceCall(lambda: ref().lstm_backward(*args), names)})


def lstm_fd_cases(draw: C.Draw) -> list[Case]:
    out = []
    for i, sizes in enumerate(LSTM_FD_SIZES):
        case = lstm_backward_case(*sizes, draw.seed(f"lstm_backward.finite_differences/{i}"), 1.0)
        dh, dc, x, h0, c0, _, _, params = case.args

        def loss(v, dh=dh, dc=dc):
            h, c = ref().lstm_forward(v["dx"], v["dh0"], v["dc0"], {k: v[k] for k in LSTM_KEYS})
            return float(np.sum(dh * h) + np.sum(dc * c))

        case.meta["fd"] = FiniteDifferences(loss, {"dx": x, "dh0": h0, "dc0": c0, **params})
        out.append(case)
    return out


# lstm_state_jacobian: J (2H, 2H) = [[J_hh, J_hc], [J_ch, J_cc]]
BLOCKS = {"hh": ("d h_t / d h_{t-1}", 0, 0), "hc": ("d h_t / d c_{t-1}", 0, 1),
          "ch": ("d c_t / d h_{t-1}", 1, 0), "cc": ("d c_t / d c_{t-1}", 1, 1)}
JACOBIAN_SIZES = [(3, 3), (2, 4), (4, 2), (1, 1), (2, 1), (3, 2)]   # (D, H)
FORGET_BIAS_SIZES = [(2, 3), (3, 2), (1, 4)]                      # f near 1: the cell path near the identity
JACOBIAN_FD_SIZES = [(2, 3, 0.0), (3, 2, 5.0), (1, 1, 0.0), (2, 2, 0.0)]   # (D, H, forget bias)


def jacobian_case(D, H, seed, scale, forget_bias: float = 0.0) -> Case:
    g = np.random.default_rng(seed)
    x_t = normal(g, scale, (D,))
    h_prev, c_prev = initial_state(g, 1, H)[0], initial_cell(g, 1, H)[0]
    params = lstm_params(g, D, H, scale, forget_bias)
    label = size_label(D=D, H=H) + (i18n._(", large forget-gate bias (f near 1)") if forget_bias else "")
    return Case((x_t, h_prev, c_prev, params), label=label)


def jacobian_cases(draw: C.Draw) -> list[Case]:
    specs = [(D, H, 1.0, 0.0) for D, H in JACOBIAN_SIZES]
    specs += [(s["D"], s["H"], s["scale"], 0.0) for s in C.generated_sizes(6, D=(1, 4), H=(1, 4))]
    specs += [(D, H, 1.0, 5.0) for D, H in FORGET_BIAS_SIZES]
    return [jacobian_case(D, H, draw.seed(f"lstm_state_jacobian/{i}"), scale, bias)
            for i, (D, H, scale, bias) in enumerate(specs)]


def one_step(x_t, h_prev, c_prev, params) -> np.ndarray:
    """s_t = [h_t, c_t] (2H,) through the reference's forward of one step."""
    h, c = ref().lstm_forward(x_t[None, None, :], h_prev[None, :], c_prev[None, :], params)
    return np.concatenate([h[0, 0], c[0, 0]])


def jacobian_fd_cases(draw: C.Draw) -> list[Case]:
    out = []
    for i, (D, H, bias) in enumerate(JACOBIAN_FD_SIZES):
        case = jacobian_case(D, H, draw.seed(f"lstm_state_jacobian.finite_differences/{i}"), 1.0, bias)
        x_t, h_prev, c_prev, params = case.args
        case.meta["fd"] = JacobianDifferences(x_t, h_prev, c_prev, params)
        out.append(case)
    return out


class JacobianDifferences(Expected):
    """{'J': central differences of s_t = [h_t, c_t] with respect to [h_{t-1}, c_{t-1}]}, on demand."""

    def __init__(self, x_t, h_prev, c_prev, params, eps: float = 1e-6):
        super().__init__(lambda: {"J": step_jacobian_differences(x_t, h_prev, c_prev, params, eps)})


def step_jacobian_differences(x_t, h_prev, c_prev, params, eps: float) -> np.ndarray:
    """J (2H, 2H): central differences of one step's [h_t, c_t] in [h_{t-1}, c_{t-1}] (reference forward)."""
    H = h_prev.shape[0]
    s = np.concatenate([h_prev, c_prev])
    J = np.zeros((2 * H, 2 * H))
    for j in range(2 * H):
        cols = []
        for sign in (1.0, -1.0):
            b = s.copy()
            b[j] += sign * eps
            cols.append(one_step(x_t, b[:H], b[H:], params))
        J[:, j] = (cols[0] - cols[1]) / (2 * eps)
    return J


def block_matches(block: str) -> Judge:
    """One H x H block of J against the reference's (the whole J when the shape is wrong)."""
    _, row, col = BLOCKS[block]

    def judge(case: Case, result: CallResult) -> Verdict:
        expected = ref().lstm_state_jacobian(*case.args)
        H = expected.shape[0] // 2
        leaf = result.leaf("output")
        got = leaf.get("array") if leaf else None
        if not isinstance(got, np.ndarray) or got.shape != expected.shape:
            return compare(leaf, expected, "J", case.visible, case.sizes)
        part = (slice(row * H, (row + 1) * H), slice(col * H, (col + 1) * H))
        return compare({"array": got[part]}, expected[part], f"J_{block}", case.visible)

    return judge


def jacobian_matches(case: Case, result: CallResult) -> Verdict:
    return compare(result.leaf("output"), ref().lstm_state_jacobian(*case.args), "J", case.visible, case.sizes)


def lstm_saturating_cases(draw: C.Draw) -> list[Case]:
    out = []
    for i, sizes in enumerate(SATURATING_SIZES):
        seed = draw.seed(f"lstm_forward.saturating/{i}")
        case = lstm_forward_case(*sizes, seed, 1.0)
        out.append(saturating(case, case.args[3], ("b",), seed))
    return out


# ---- a realistic size (one case: run last, with a CPU budget of its own; common.py says why) --------
REALISTIC_LSTM = (16, 100, 64, 128)          # (N, T, D, H)


def realistic_lstm(draw: C.Draw) -> list[Case]:
    return [lstm_backward_case(*REALISTIC_LSTM, draw.seed("lstm_backward.realistic_size"), 1.0)]


# ---- worked examples (the public VISIBLE draw; no points) -------------------------------------
# H >= 2 and D != H in every one: at H = 1 (or D = H) a transposed or misplaced weight, or a gate
# applied after the product, can give the right answer (tests/test_misconceptions_visible.py).
def example_lstm_forward(draw: C.Draw) -> list[Case]:
    return [lstm_forward_case(1, 2, 3, 2, draw.seed("lstm_forward.example"), 1.0)]


def example_lstm_backward(draw: C.Draw) -> list[Case]:
    return [lstm_backward_case(1, 2, 3, 2, draw.seed("lstm_backward.example"), 1.0)]


def example_jacobian(draw: C.Draw) -> list[Case]:
    return [jacobian_case(3, 2, draw.seed("lstm_state_jacobian.example"), 1.0)]


def _lstm_sizes(draw, name):
    return draw_sizes(draw, name, LSTM_SIZES, 8, **LSTM_RANGES)


LB, LJ = "lstm_backward", "lstm_state_jacobian"

PROBES = [
    Probe("lstm_forward.cases", "lstm_forward",
          lambda d: [lstm_forward_case(*s) for s in _lstm_sizes(d, "lstm_forward")]),
    Probe("lstm_backward.cases", "lstm_backward",
          lambda d: [lstm_backward_case(*s) for s in _lstm_sizes(d, "lstm_backward")]),
    Probe("lstm_backward.dc_zero", "lstm_backward",
          lambda d: [lstm_backward_case(*s, dc_zero=True) for s in _lstm_sizes(d, "lstm_backward.dc_zero")[:8]]),
    Probe("lstm_backward.finite_differences", "lstm_backward", lstm_fd_cases),
    Probe("lstm_state_jacobian.cases", "lstm_state_jacobian", jacobian_cases),
    Probe("lstm_state_jacobian.finite_differences", "lstm_state_jacobian", jacobian_fd_cases),
    Probe("lstm_forward.saturating", "lstm_forward", lstm_saturating_cases),
    Probe("lstm_backward.realistic_size", "lstm_backward", realistic_lstm, report_inputs=False, realistic=True),
    Probe("lstm_forward.example", "lstm_forward", example_lstm_forward, visible=True),
    Probe("lstm_backward.example", "lstm_backward", example_lstm_backward, visible=True),
    Probe("lstm_state_jacobian.example", "lstm_state_jacobian", example_jacobian, visible=True),
]

CHECKS = [
    Check("lstm_forward.h", "lstm_forward", "hidden states h match the reference", "lstm_forward.cases",
          matches("h", expected_output("h"))),
    Check("lstm_forward.c", "lstm_forward", "cell states c match the reference", "lstm_forward.cases",
          matches("c", expected_output("c"))),
    Check("lstm_forward.saturating", "lstm_forward", SATURATING_TITLE, "lstm_forward.saturating",
          engine.all_of(engine.warning_free, finite(("h", "c"))), gated_by="lstm_forward.h"),
    inputs_check(PROBES, "lstm_forward", "lstm_forward.cases", ARG_NAMES["lstm_forward"], gate="lstm_forward.h"),
    *gradient_checks(LB, "lstm_backward.cases", LSTM_GRADS),
    Check("lstm_backward.dc_zero", LB, "all gradients match the reference when dc = 0 (a loss on h only)",
          "lstm_backward.dc_zero", all_match(LSTM_GRADS)),
    fd_check(LB, LSTM_GRADS, LSTM_LOSS),
    inputs_check(PROBES, LB, "lstm_backward.cases", ARG_NAMES[LB], gate="lstm_backward.dx"),
    Check(f"{LB}.realistic_size", LB, realistic_title("N={}, T={}, D={}, H={}".format(*REALISTIC_LSTM)),
          f"{LB}.realistic_size", all_match(LSTM_GRADS)),
    *[Check(f"{LJ}.{block}", LJ, f"the block J_{block} = {what} matches the reference", "lstm_state_jacobian.cases",
            block_matches(block)) for block, (what, _, _) in BLOCKS.items()],
    Check(f"{LJ}.finite_differences", LJ, "J agrees with central finite differences of one step",
          f"{LJ}.finite_differences",
          agrees_with_finite_differences({"J": "output"},
                                         i18n.N_("s_t = [h_t, c_t] with respect to [h_{t-1}, c_{t-1}]"), str)),
    inputs_check(PROBES, LJ, "lstm_state_jacobian.cases", ARG_NAMES[LJ], gate="lstm_state_jacobian.hh"),
    example_check("lstm_forward", "lstm_forward.example", all_match({"h": "h", "c": "c"}, str)),
    example_check(LB, "lstm_backward.example", all_match(LSTM_GRADS)),
    example_check(LJ, "lstm_state_jacobian.example", jacobian_matches),
]
