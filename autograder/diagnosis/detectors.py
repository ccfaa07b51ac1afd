"""Detectors of property-style mistakes, read from a function's own results (see registry.py).

Each returns a predicate on a FunctionView. They look only at what the calls did (warnings,
non-finite answers, inputs after the call, exceptions, returned strings), never at source code,
and they fire only when the function otherwise works (it answers the ordinary cases), so a
stub that raises NotImplementedError everywhere is never "diagnosed".
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from autograder.engine.checks import CallResult, flatten_inputs

FLOAT_TROUBLE = ("overflow", "invalid value", "divide by zero")


FLOAT_ERRORS = ("OverflowError", "FloatingPointError", "ZeroDivisionError")


def _numeric_trouble(result: CallResult) -> bool:
    """An answer with a floating-point RuntimeWarning or a non-finite entry, or a floating-point
    exception (math.exp raises OverflowError where np.exp warns)."""
    if result.status == "raised":
        return any(e in (result.raised or {}).get("mro", []) for e in FLOAT_ERRORS)
    if any(w.startswith("RuntimeWarning") and any(t in w for t in FLOAT_TROUBLE) for w in result.warnings):
        return True
    return any(isinstance(leaf.get("array"), np.ndarray) and not np.all(np.isfinite(leaf["array"]))
               for leaf in result.leaves.values())


def _answers(results: list[CallResult]) -> bool:
    return any(r.status == "ok" for r in results)


def overflows(extreme_probe: str, moderate_probe: str) -> Callable:
    """Warnings, non-finite answers or OverflowError at |x| up to 1000, none at moderate x."""

    def detector(view) -> bool:
        moderate = view.results[moderate_probe]
        calm = _answers(moderate) and not any(_numeric_trouble(r) for r in moderate)
        return calm and any(_numeric_trouble(r) for r in view.results[extreme_probe])

    return detector


def modifies_input() -> Callable:
    """Some input array differs after a call, in any probe (a key removed from its dict is not this
    mistake: checks.key_change names it)."""

    def detector(view) -> bool:
        for case, result in (pair for probe in view.cases for pair in view.answered(probe)):
            if result.status not in ("ok", "raised") or not result.inputs_after:
                continue
            for path, original in flatten_inputs(case.args, case.kwargs).items():
                if path not in result.inputs_after:
                    continue
                after = result.inputs_after[path].get("array")
                if not isinstance(after, np.ndarray) or after.shape != original.shape \
                        or not np.array_equal(after, original, equal_nan=True):
                    return True
        return False

    return detector


def divides_by_zero(probe: str, working_probe: str) -> Callable:
    """All-zero inputs give a division warning, a non-finite answer or ZeroDivisionError."""

    def detector(view) -> bool:
        if not _answers(view.results[working_probe]):
            return False
        return any(_numeric_trouble(r) for r in view.results[probe])

    return detector


def accepts_invalid(probe: str, working_probe: str) -> Callable:
    """An invalid argument returned normally instead of raising."""

    def detector(view) -> bool:
        return _answers(view.results[working_probe]) and any(r.status == "ok" for r in view.results[probe])

    return detector


def raises_other_than(exception: str, probe: str, working_probe: str) -> Callable:
    """An invalid argument rejected with another exception than the one asked for."""

    def detector(view) -> bool:
        if not _answers(view.results[working_probe]):
            return False
        return any(r.status == "raised" and exception not in (r.raised or {}).get("mro", [])
                   for r in view.results[probe])

    return detector


def strings_outside(allowed: tuple[str, ...], probe: str) -> Callable:
    """A returned string that is none of the allowed ones."""

    def detector(view) -> bool:
        return any(r.status == "ok" and isinstance(r.leaf("output"), dict) and "str" in r.leaf("output")
                   and r.leaf("output")["str"] not in allowed for r in view.results[probe])

    return detector
