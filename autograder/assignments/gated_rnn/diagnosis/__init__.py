"""gated_rnn's misconception catalogue: models and entries, one module per student file.

lstm.py, gru.py, truncated.py: the models (the reference with switches) and MISTAKES, the entries
(the reference with one switch flipped, and its sentence), in priority order (earlier entries win
ties between equal explanations); common.py: the Mistake record. The machinery that uses them is
the engine's (autograder/diagnosis/).

Here every entry becomes a registry.mistake() naming the checks of checks/ it explains, i.e.
exactly the checks its model fails (tests/gated_rnn/test_gated_checks.py verifies this on the
grader's cases). An entry names the outputs a mistake may change ("dx", "W_h", "hc"...);
explained_checks() turns them into check ids:

- forwards and gradient outputs are checks of their own ("lstm_backward.dc0");
- every wrong gradient also fails the function's finite-difference check and its sympy check
  (checks/symbolic.py), and (lstm_backward) the check with dc = 0 unless the mistake only concerns dc;
  so does every wrong block of the Jacobian;
- the truncation is judged per kind of k (k = 1, k dividing T, k not dividing T, k >= T), so its
  entries say which kinds of k show them (TRUNCATION below, with the reason);
- a few entries change fewer outputs than their `affects` allows for (OVERRIDES, with the reason).
"""
from __future__ import annotations

from collections.abc import Callable

from autograder.diagnosis.registry import Misconception, mistake

from . import gru, lstm, truncated
from .common import GB, GF, LB, LF, LJ, TB, Mistake

MISTAKES: list[Mistake] = [*lstm.MISTAKES, *gru.MISTAKES, *truncated.MISTAKES]

# Each student function's model with no switch set: the reference's answers.
REFERENCE_MODELS: dict[str, Callable] = {
    LF: lstm.lstm_forward, LB: lstm.lstm_backward, LJ: lstm.lstm_state_jacobian,
    GF: gru.gru_forward, GB: gru.gru_backward, TB: truncated.rnn_backward_truncated,
}


def codes() -> set[str]:
    return {m.code for m in MISTAKES}


def for_function(function: str) -> list[Mistake]:
    return [m for m in MISTAKES if m.function == function]


BACKWARDS = ("lstm_backward", "gru_backward")

# The kinds of k whose cases show each truncation mistake, and why the others do not.
ALL_K = ("k_1", "k_divides", "k_not_dividing", "k_at_least_T")
TRUNCATION: dict[str, tuple[str, ...]] = {
    "truncation_never_detaches": ("k_1", "k_divides", "k_not_dividing"),      # k >= T detaches nothing
    "truncation_off_by_one[late]": ("k_1", "k_divides", "k_not_dividing"),    # h_{mk+1} >= h_{k+1}: beyond T
    "truncation_off_by_one[late, h_1 too]": ("k_divides", "k_not_dividing", "k_at_least_T"),  # k = 1: h_1, h_2...
    "truncation_off_by_one[early]": ALL_K,
    "truncation_chunks_from_end": ("k_not_dividing",),    # the same chunks when k divides T (or k = 1, k >= T)
    "truncation_sliding_window": ("k_divides", "k_not_dividing"),   # windows of 1 step are chunks of 1; k >= T: all
    "truncation_detaches_h0": ALL_K,
    "truncation_drops_boundary_weight_term": ("k_1", "k_divides", "k_not_dividing"),   # k >= T: no boundary
}

OVERRIDES: dict[str, tuple[str, ...]] = {
    # Swapping g and o leaves the forget gate in its place: J_cc = diag(f_t) stays right.
    "lstm_state_jacobian:lstm_gate_order[ifgo]": ("hh", "hc", "ch", "finite_differences", "sympy"),
}


def explained_checks(m: Mistake) -> tuple[str, ...]:
    """The ids (without the function prefix) of the checks the mistake's model fails."""
    if m.name in OVERRIDES:
        return OVERRIDES[m.name]
    if m.function == "rnn_backward_truncated":
        return (*TRUNCATION[m.name.split(":", 1)[1]], "finite_differences")
    out = list(m.affects)
    if m.function in BACKWARDS or m.function == "lstm_state_jacobian":
        out += ["finite_differences", "sympy"]
    if m.function == "lstm_backward" and m.code != "lstm_ignores_dc":
        out.append("dc_zero")
    return tuple(out)


CATALOGUE: tuple[Misconception, ...] = tuple(
    mistake(m.code, m.function, explained_checks(m), m.sentence, model=m.model, variant=m.variant)
    for m in MISTAKES)


def entries_for(function: str) -> list[Misconception]:
    return [e for e in CATALOGUE if e.function == function]
