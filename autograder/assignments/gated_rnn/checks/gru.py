"""Checks of gru.py: gru_forward, gru_backward (handout §5).

- gru_forward: the states h against the reference, and finite and warning-free on cases with every
  gate saturated (biases +-1000: a naive sigmoid overflows, handout §2.3);
- gru_backward: every gradient against the reference's, given the reference's forward states, and
  all of them against central finite differences of the loss through the reference forward; at a
  realistic size, within the time limit;
- inputs left alone (credit gated by a value check); T = 1 is a case of the value probes (H = 1 is
  not, see GRU_SIZES), and a non-finite answer fails the value checks.

The sympy derivation's check of gru_backward is in symbolic.py.
"""
from __future__ import annotations

import numpy as np

from autograder import i18n
from autograder.engine import cases as C
from autograder.engine import checks as engine  # all_of, warning_free: the saturating gates
from autograder.engine.checks import Case, Check, Probe, example_check, inputs_check, matches
from autograder.engine.expected import Expected, ReferenceCall

from ..contract import ARG_NAMES, GRU_KEYS
from ..inputs import gru_params, initial_state, normal
from ..reference import load as ref
from .common import (
    SATURATING_SIZES,
    SATURATING_TITLE,
    FiniteDifferences,
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

# No H = 1: with one unit the reset gate is a scalar, r_t * (h_{t-1} W_hn) = (r_t * h_{t-1}) W_hn, and the
# PyTorch convention would pass (handout §5.2).
GRU_SIZES = [(2, 4, 3, 3), (3, 5, 2, 2), (1, 6, 4, 4), (3, 1, 2, 3), (2, 4, 3, 2), (4, 2, 1, 2)]   # (N, T, D, H)
GRU_RANGES = dict(N=(1, 3), T=(1, 5), D=(1, 4), H=(2, 4))
GRU_FD_SIZES = [(2, 3, 2, 2), (1, 4, 2, 3), (2, 1, 3, 2)]
GRU_GRADS = grad_paths(GRU_KEYS, ("dh0",))
GRU_LOSS = i18n.N_("L = sum(dh * h)")


def gru_forward_case(N, T, D, H, seed, scale) -> Case:
    g = np.random.default_rng(seed)
    x = normal(g, scale, (N, T, D))
    h0 = initial_state(g, N, H)
    params = gru_params(g, D, H, scale)
    args = (x, h0, params)
    return Case(args, label=size_label(N=N, T=T, D=D, H=H),
                meta={"expected": Expected(lambda: {"h": ref().gru_forward(*args)})})


def gru_saturating_cases(draw: C.Draw) -> list[Case]:
    out = []
    for i, sizes in enumerate(SATURATING_SIZES):
        seed = draw.seed(f"gru_forward.saturating/{i}")
        case = gru_forward_case(*sizes, seed, 1.0)
        out.append(saturating(case, case.args[2], ("b_r", "b_z", "b_n"), seed))
    return out


def gru_backward_case(N, T, D, H, seed, scale) -> Case:
    x, h0, params = gru_forward_case(N, T, D, H, seed, scale).args
    h = ref().gru_forward(x, h0, params)
    dh = np.random.default_rng([seed, 1]).normal(0.0, 1.0, size=(N, T, H))
    args = (dh, x, h0, h, params)

    def names(answer: tuple) -> dict:
        dx, dh0, grads = answer
        return {"dx": dx, "dh0": dh0, **grads}

    return Case(args, label=size_label(N=N, T=T, D=D, H=H),
                meta={"expected": ReferenceCall(lambda: ref().gru_backward(*args), names)})


def gru_fd_cases(draw: C.Draw) -> list[Case]:
    out = []
    for i, sizes in enumerate(GRU_FD_SIZES):
        case = gru_backward_case(*sizes, draw.seed(f"gru_backward.finite_differences/{i}"), 1.0)
        dh, x, h0, _, params = case.args

        def loss(v, dh=dh):
            return float(np.sum(dh * ref().gru_forward(v["dx"], v["dh0"], {k: v[k] for k in GRU_KEYS})))

        case.meta["fd"] = FiniteDifferences(loss, {"dx": x, "dh0": h0, **params})
        out.append(case)
    return out


# ---- a realistic size (one case: run last, with a CPU budget of its own; common.py says why) --------
REALISTIC_GRU = (16, 100, 64, 128)           # (N, T, D, H)


def realistic_gru(draw: C.Draw) -> list[Case]:
    return [gru_backward_case(*REALISTIC_GRU, draw.seed("gru_backward.realistic_size"), 1.0)]


# ---- worked examples (the public VISIBLE draw; no points) -------------------------------------
# H >= 2 and D != H in every one: at H = 1 (or D = H) a transposed or misplaced weight, or a gate
# applied after the product, can give the right answer (tests/test_misconceptions_visible.py).
def example_gru_forward(draw: C.Draw) -> list[Case]:
    return [gru_forward_case(1, 2, 3, 2, draw.seed("gru_forward.example"), 1.0)]


def example_gru_backward(draw: C.Draw) -> list[Case]:
    return [gru_backward_case(1, 2, 3, 2, draw.seed("gru_backward.example"), 1.0)]


GB = "gru_backward"

PROBES = [
    Probe("gru_forward.saturating", "gru_forward", gru_saturating_cases),
    Probe("gru_forward.cases", "gru_forward",
          lambda d: [gru_forward_case(*s) for s in draw_sizes(d, "gru_forward", GRU_SIZES, 8, **GRU_RANGES)]),
    Probe("gru_backward.cases", "gru_backward",
          lambda d: [gru_backward_case(*s) for s in draw_sizes(d, "gru_backward", GRU_SIZES, 8, **GRU_RANGES)]),
    Probe("gru_backward.finite_differences", "gru_backward", gru_fd_cases),
    Probe("gru_backward.realistic_size", "gru_backward", realistic_gru, report_inputs=False, realistic=True),
    Probe("gru_forward.example", "gru_forward", example_gru_forward, visible=True),
    Probe("gru_backward.example", "gru_backward", example_gru_backward, visible=True),
]

CHECKS = [
    Check("gru_forward.h", "gru_forward", "hidden states h match the reference", "gru_forward.cases",
          matches("output", expected_output("h"), "h")),
    Check("gru_forward.saturating", "gru_forward", SATURATING_TITLE, "gru_forward.saturating",
          engine.all_of(engine.warning_free, finite(("output",))), gated_by="gru_forward.h"),
    inputs_check(PROBES, "gru_forward", "gru_forward.cases", ARG_NAMES["gru_forward"], gate="gru_forward.h"),
    *gradient_checks(GB, "gru_backward.cases", GRU_GRADS),
    fd_check(GB, GRU_GRADS, GRU_LOSS),
    inputs_check(PROBES, GB, "gru_backward.cases", ARG_NAMES[GB], gate="gru_backward.dx"),
    Check(f"{GB}.realistic_size", GB, realistic_title("N={}, T={}, D={}, H={}".format(*REALISTIC_GRU)),
          f"{GB}.realistic_size", all_match(GRU_GRADS)),
    example_check("gru_forward", "gru_forward.example", matches("output", expected_output("h"), "h")),
    example_check(GB, "gru_backward.example", all_match(GRU_GRADS)),
]
