"""Checks of truncated.py: rnn_backward_truncated (handout §6).

The truncation is judged per kind of k: k = 1, k dividing T, k not dividing T (a shorter last
chunk) and k >= T (full BPTT), each against the reference; all gradients against central finite
differences of the loss through the detached forward (h_mk entering step mk+1 as a constant); at a
realistic size, within the time limit; inputs left alone (credit gated by a value check).
"""
from __future__ import annotations

import numpy as np

from autograder import i18n
from autograder.engine import cases as C
from autograder.engine.checks import Case, Check, Probe, example_check, inputs_check
from autograder.engine.expected import ReferenceCall
from autograder.engine.numerics import long_memory_recurrence

from ..contract import ARG_NAMES, RNN_KEYS
from ..inputs import initial_state, normal, rnn_params
from ..reference import load as ref
from .common import (
    FiniteDifferences,
    all_match,
    fd_check,
    grad_paths,
    realistic_title,
    size_label,
)

TRUNCATED_GRADS = grad_paths(RNN_KEYS, ("dh0",))
TRUNCATED_LOSS = i18n.N_("L = sum(dh * h) + sum(dy * y) through the detached forward (h_k, h_2k, ... entering "
                          "the next step as constants)")
DIMS = dict(N=(1, 3), D=(1, 4), H=(1, 4), O=(1, 3))


def rnn_states(x, h0, params, k: int | None = None, frozen: np.ndarray | None = None) -> np.ndarray:
    """The vanilla RNN's states h (N, T, H). With k and frozen (N, T, H): the detached forward, in
    which step mk+1 reads frozen's h_mk (a constant) instead of the live state (m >= 1)."""
    h, prev = np.zeros(x.shape[:2] + h0.shape[1:]), h0
    for t in range(1, x.shape[1] + 1):
        if frozen is not None and t - 1 >= 1 and (t - 1) % k == 0:
            prev = frozen[:, t - 2]
        prev = np.tanh(x[:, t - 1] @ params["W_xh"] + prev @ params["W_hh"] + params["b_h"])
        h[:, t - 1] = prev
    return h


def truncated_case(N, T, D, H, O, k, seed, scale, long_memory: bool = False) -> Case:
    """LONG_MEMORY: the realistic-size case's inputs, small, with W_hh 0.98 times an orthogonal matrix
    (numerics.long_memory_recurrence), so that a gradient lives through a whole chunk of k steps."""
    g = np.random.default_rng(seed)
    if long_memory:
        x, h0 = g.normal(0.0, 0.1, size=(N, T, D)), np.tanh(g.normal(0.0, 0.1, size=(N, H)))
        params = rnn_params(g, D, H, O, scale)
        params["W_hh"], params["b_h"] = long_memory_recurrence(g, H), 0.1 * params["b_h"]
    else:
        x = normal(g, scale, (N, T, D))
        h0 = initial_state(g, N, H)
        params = rnn_params(g, D, H, O, scale)
    h = rnn_states(x, h0, params)
    dh, dy = g.normal(0.0, 1.0, size=(N, T, H)), g.normal(0.0, 1.0, size=(N, T, O))
    args = (dh, dy, x, h0, h, params, k)

    def names(answer: tuple) -> dict:
        dx, dh0, grads = answer
        return {"dx": dx, "dh0": dh0, **grads}

    return Case(args, label=size_label(N=N, T=T, D=D, H=H, O=O, k=k),
                meta={"expected": ReferenceCall(lambda: ref().rnn_backward_truncated(*args), names)})


def _divisors(T: int) -> list[int]:
    return [k for k in range(2, T) if T % k == 0]


def _non_divisors(T: int) -> list[int]:
    return [k for k in range(2, T) if T % k]


def chunk_lengths(kind: str, i: int) -> tuple[int, int]:
    """(T, k) of the i-th generated case of a kind, from STRUCTURE (the same for every submission)."""
    g = C.STRUCTURE.rng(f"rnn_backward_truncated/{kind}/{i}")
    if kind == "k_1":
        return int(g.integers(1, 7)), 1
    if kind == "k_divides":
        T = int(g.choice([4, 6, 8, 9, 10, 12]))
        return T, int(g.choice(_divisors(T)))
    if kind == "k_not_dividing":
        T = int(g.integers(3, 10))
        return T, int(g.choice(_non_divisors(T)))
    T = int(g.integers(1, 7))
    return T, T + int(g.integers(0, 4))


TRUNCATION_FIXED = {   # (N, T, D, H, O, k)
    "k_1": [(2, 5, 3, 3, 2, 1), (1, 1, 2, 2, 1, 1), (3, 4, 2, 1, 2, 1)],
    "k_divides": [(2, 6, 3, 3, 2, 2), (2, 6, 2, 3, 2, 3), (1, 8, 2, 2, 1, 4), (3, 4, 2, 1, 2, 2)],
    "k_not_dividing": [(2, 7, 3, 3, 2, 3), (1, 5, 2, 2, 1, 2), (2, 8, 2, 3, 2, 3), (3, 3, 1, 1, 2, 2)],
    "k_at_least_T": [(2, 5, 3, 3, 2, 5), (1, 4, 2, 2, 1, 7), (2, 1, 2, 3, 1, 1), (2, 3, 2, 1, 2, 100)],
}
TRUNCATION_TITLES = {
    "k_1": "k = 1 (every state detached): all gradients match the reference",
    "k_divides": "k dividing T: all gradients match the reference",
    "k_not_dividing": "k not dividing T (a shorter last chunk): all gradients match the reference",
    "k_at_least_T": "k >= T: all gradients equal full BPTT",
}
TRUNCATED_FD_SIZES = [(2, 5, 2, 3, 2, 2), (1, 6, 2, 2, 1, 4), (2, 4, 1, 2, 2, 1), (1, 3, 2, 2, 1, 5)]


def truncation_cases(draw: C.Draw, kind: str, n_generated: int = 6) -> list[Case]:
    specs = list(TRUNCATION_FIXED[kind])
    for i, s in enumerate(C.generated_sizes(n_generated, **DIMS)):
        T, k = chunk_lengths(kind, i)
        specs.append((s["N"], T, s["D"], s["H"], s["O"], k))
    return [truncated_case(*spec, draw.seed(f"rnn_backward_truncated.{kind}/{i}"), 1.0)
            for i, spec in enumerate(specs)]


def truncated_fd_cases(draw: C.Draw) -> list[Case]:
    out = []
    for i, sizes in enumerate(TRUNCATED_FD_SIZES):
        case = truncated_case(*sizes, draw.seed(f"rnn_backward_truncated.finite_differences/{i}"), 1.0)
        dh, dy, x, h0, h, params, k = case.args

        def loss(v, dh=dh, dy=dy, frozen=h, k=k):
            p = {key: v[key] for key in RNN_KEYS}
            states = rnn_states(v["dx"], v["dh0"], p, k, frozen)
            return float(np.sum(dh * states) + np.sum(dy * (states @ p["W_hy"] + p["b_y"])))

        case.meta["fd"] = FiniteDifferences(loss, {"dx": x, "dh0": h0, **params})
        out.append(case)
    return out


# ---- a realistic size (one case: run last, with a CPU budget of its own; common.py says why) --------
# (N, T, D, H, O, k), k not dividing T, with long memory: finite differences of forward rollouts from
# every h_t to its chunk's end cost N times the sum of k_c^2 over the chunks (about 80 s here), where
# backpropagation costs N T, as at N=16, T=100 (which left 4 s for chunks of 16 steps)
REALISTIC_TRUNCATED = (4, 400, 64, 128, 10, 350)


def realistic_truncated(draw: C.Draw) -> list[Case]:
    return [truncated_case(*REALISTIC_TRUNCATED, draw.seed("rnn_backward_truncated.realistic_size"), 1.0,
                           long_memory=True)]


# ---- worked examples (the public VISIBLE draw; no points) -------------------------------------
# H >= 2 and D != H in every one: at H = 1 (or D = H) a transposed or misplaced weight, or a gate
# applied after the product, can give the right answer (tests/test_misconceptions_visible.py).
def example_truncated(draw: C.Draw) -> list[Case]:
    return [truncated_case(1, 3, 3, 2, 1, 2, draw.seed("rnn_backward_truncated.example"), 1.0)]


TB = "rnn_backward_truncated"

PROBES = [
    *[Probe(f"rnn_backward_truncated.{kind}", "rnn_backward_truncated",
            lambda d, kind=kind: truncation_cases(d, kind)) for kind in TRUNCATION_FIXED],
    Probe("rnn_backward_truncated.finite_differences", "rnn_backward_truncated", truncated_fd_cases),
    Probe("rnn_backward_truncated.realistic_size", "rnn_backward_truncated", realistic_truncated,
          report_inputs=False, realistic=True),
    Probe("rnn_backward_truncated.example", "rnn_backward_truncated", example_truncated, visible=True),
]

CHECKS = [
    *[Check(f"{TB}.{kind}", TB, title, f"{TB}.{kind}", all_match(TRUNCATED_GRADS))
      for kind, title in TRUNCATION_TITLES.items()],
    fd_check(TB, TRUNCATED_GRADS, TRUNCATED_LOSS),
    inputs_check(PROBES, TB, f"{TB}.k_divides", ARG_NAMES[TB], gate=f"{TB}.k_divides"),
    Check(f"{TB}.realistic_size", TB,
          realistic_title("N={}, T={}, D={}, H={}, O={}, k={}".format(*REALISTIC_TRUNCATED)),
          f"{TB}.realistic_size", all_match(TRUNCATED_GRADS)),
    example_check(TB, "rnn_backward_truncated.example", all_match(TRUNCATED_GRADS)),
]
