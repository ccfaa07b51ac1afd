"""Checks of clipping.py: clip_grad_norm (global L2 norm clipping)."""
from __future__ import annotations

import numpy as np

from autograder import i18n
from autograder.engine import cases as C
from autograder.engine.checks import (
    CallResult,
    Case,
    Check,
    Probe,
    Verdict,
    all_of,
    example_check,
    inputs_check,
    matches,
    warning_free,
)
from autograder.engine.judge import PASS, compare

from ..contract import PARAM_KEYS
from ..reference import ref

SHAPES = {"W_xh": (3, 4), "W_hh": (4, 4), "b_h": (4,), "W_hy": (4, 2), "b_y": (2,)}


def grads_dict(g: np.random.Generator, scales: dict | None = None) -> dict[str, np.ndarray]:
    scales = scales or {}
    return {k: g.normal(0.0, scales.get(k, 1.0), size=SHAPES[k]) for k in PARAM_KEYS}


def norm(grads: dict) -> float:
    return float(np.sqrt(sum(np.sum(v * v) for v in grads.values())))


def above_cases(draw: C.Draw) -> list[Case]:
    """Norm above max_norm; arrays of very different sizes so per-tensor clipping shows."""
    out = []
    for i, (lo, hi) in enumerate([(0.4, 0.6), (0.05, 0.15), (0.8, 0.95), (0.25, 0.35), (0.02, 0.08), (0.6, 0.8)]):
        g = draw.rng(f"clip_grad_norm/above/{i}")
        grads = grads_dict(g, {"W_xh": 5.0, "b_y": 0.1} if i % 2 else {"W_hh": 3.0, "b_h": 0.2})
        tau = float(g.uniform(lo, hi)) * norm(grads)
        out.append(Case((grads, tau), label=i18n._("total norm above max_norm")))
    return out


def below_cases(draw: C.Draw) -> list[Case]:
    out = []
    for i, (lo, hi) in enumerate([(1.3, 2.0), (5.0, 20.0), (1.005, 1.02)]):
        g = draw.rng(f"clip_grad_norm/below/{i}")
        grads = grads_dict(g)
        tau = float(g.uniform(lo, hi)) * norm(grads)
        out.append(Case((grads, tau), label=i18n._("total norm below max_norm")))
    return out


def zero_cases(draw: C.Draw) -> list[Case]:
    zeros = {k: np.zeros(SHAPES[k]) for k in PARAM_KEYS}
    return [Case((zeros, 1.0), label=i18n._("all-zero gradients, max_norm {max_norm}").format(max_norm="1.0")),
            Case(({k: v.copy() for k, v in zeros.items()}, 1e-3),
                 label=i18n._("all-zero gradients, max_norm {max_norm}").format(max_norm="0.001"))]


def invalid_cases(draw: C.Draw) -> list[Case]:
    g = draw.rng("clip_grad_norm/invalid")
    grads = grads_dict(g)
    return [Case(({k: v.copy() for k, v in grads.items()}, tau), label=label)
            for tau, label in ((0.0, "max_norm = 0"), (-float(g.uniform(0.5, 2.0)), i18n._("a negative max_norm")),
                               (-float(g.uniform(1e-4, 1e-2)), i18n._("a small negative max_norm")))]


def example_cases(draw: C.Draw) -> list[Case]:
    grads = {k: np.full(SHAPES[k], 0.5) for k in PARAM_KEYS}
    return [Case((grads, 1.0), label=i18n._("every gradient entry 0.5 (total norm 3.5), max_norm 1.0"))]


def _clipped(key: str):
    return lambda case: ref().clip_grad_norm(*case.args)[0][key]


def _total(case: Case) -> np.ndarray:
    return np.float64(ref().clip_grad_norm(*case.args)[1])


def clipped_matches(case: Case, result: CallResult) -> Verdict:
    for key in PARAM_KEYS:
        v = matches(f"clipped[{key!r}]", _clipped(key), f"clipped[{key!r}]")(case, result)
        if not v.passed:
            return v
    return PASS


def zero_unchanged(case: Case, result: CallResult) -> Verdict:
    v = compare(result.leaf("total_norm"), np.float64(0.0), "total_norm")
    return v if not v.passed else clipped_matches(case, result)


def raises_value_error(case: Case, result: CallResult) -> Verdict:
    if result.status == "raised" and result.raised and "ValueError" in result.raised.get("mro", []):
        return PASS
    if result.status == "raised":
        return Verdict(False, i18n._("expected ValueError for {case}, got {kind}").format(
            case=case.label, kind=result.raised.get("type", i18n._("an exception"))))
    return Verdict(False, i18n._("{case} was accepted; raise ValueError when max_norm <= 0").format(case=case.label))


def example_matches(case: Case, result: CallResult) -> Verdict:
    v = matches("total_norm", _total, "total_norm")(case, result)
    return v if not v.passed else clipped_matches(case, result)


PROBES = [
    Probe("clip_grad_norm.above", "clip_grad_norm", above_cases),
    Probe("clip_grad_norm.below", "clip_grad_norm", below_cases),
    Probe("clip_grad_norm.zero", "clip_grad_norm", zero_cases),
    Probe("clip_grad_norm.invalid", "clip_grad_norm", invalid_cases),
    Probe("clip_grad_norm.example", "clip_grad_norm", example_cases, visible=True),
]

CHECKS = [
    Check("clip_grad_norm.total_norm", "clip_grad_norm", "total_norm is the global L2 norm before clipping",
          "clip_grad_norm.above", matches("total_norm", _total, "total_norm")),
    Check("clip_grad_norm.clipped", "clip_grad_norm", "every array scaled by max_norm / total_norm",
          "clip_grad_norm.above", clipped_matches),
    Check("clip_grad_norm.below_threshold", "clip_grad_norm", "leaves gradients below max_norm unchanged",
          "clip_grad_norm.below", all_of(clipped_matches, matches("total_norm", _total, "total_norm"))),
    Check("clip_grad_norm.zero_gradient", "clip_grad_norm", "a zero gradient comes back as zeros, warning-free",
          "clip_grad_norm.zero", all_of(warning_free, zero_unchanged),
          gated_by="clip_grad_norm.total_norm"),
    Check("clip_grad_norm.validation", "clip_grad_norm", "raises ValueError when max_norm <= 0",
          "clip_grad_norm.invalid", raises_value_error, expects_exception=True, gated_by="clip_grad_norm.clipped"),
    inputs_check(PROBES, "clip_grad_norm", "clip_grad_norm.above", ("grads", "max_norm"),
                 gate="clip_grad_norm.total_norm"),
    example_check("clip_grad_norm", "clip_grad_norm.example", example_matches),
]
