"""Answers of trusted functions (the reference, misconception models) in the worker's plain-data form.

run_trusted calls a function of the trusted process on a copy of a case's inputs, the way the
worker calls a student function (NumPy's default error state, warnings recorded), and returns a
CallResult whose leaves have the worker's paths ("output", "h", "grads['W_hh']",
"clipped['b_y']"...). agree() says whether two leaves are the same answer under the grader's
tolerance. Never used on student code: that runs only in the worker.
"""
from __future__ import annotations

import warnings

import numpy as np

from autograder.engine.checks import CallResult, Case, flatten_inputs
from autograder.engine.judge import tolerance

NP_DEFAULT_ERRSTATE = {"divide": "warn", "over": "warn", "under": "ignore", "invalid": "warn"}


def leaves_of(value, schema: dict, path: str = "") -> dict[str, dict]:
    """The answer's leaves by path, as the worker flattens it along the contract's schema."""
    kind = schema["kind"]
    if kind in ("tuple", "dict"):
        names = schema["names"] if kind == "tuple" else schema["keys"]
        out: dict[str, dict] = {}
        for name, child in zip(names, schema["items"]):
            sub = (f"{path}.{name}" if path else name) if kind == "tuple" else f"{path}[{name!r}]"
            try:
                item = value[names.index(name)] if kind == "tuple" else value[name]
            except (KeyError, IndexError, TypeError):
                out[sub] = {"problem": "missing"}
                continue
            out.update(leaves_of(item, child, sub))
        return out
    path = path or "output"
    if kind == "str":
        return {path: {"str": value} if isinstance(value, str) else {"problem": "not a string"}}
    try:
        return {path: {"array": np.array(value, dtype=np.float64)}}
    except (TypeError, ValueError):
        return {path: {"problem": "not numbers"}}


def run_trusted(fn, case: Case, schema: dict) -> CallResult:
    """Call a trusted fn on copies of the case's inputs; the result as the worker would report it."""
    args, kwargs = _fresh(case.args), _fresh(case.kwargs)
    with warnings.catch_warnings(record=True) as caught, np.errstate(**NP_DEFAULT_ERRSTATE):
        warnings.simplefilter("always")
        try:
            value = fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a model, like the reference, may reject invalid inputs
            mro = [c.__name__ for c in type(exc).__mro__]
            raised = {"type": type(exc).__name__, "message": str(exc), "mro": mro}
            return CallResult("raised", raised=raised, inputs_after=_snapshot(args, kwargs))
    found = sorted({f"{type(w.message).__name__}: {w.message}" for w in caught})
    return CallResult("ok", leaves=leaves_of(value, schema), warnings=found, inputs_after=_snapshot(args, kwargs))


def _fresh(value):
    """A copy of the arrays (in dicts, tuples and lists) of a case, so nothing can change the case."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_fresh(v) for v in value)
    return value


def _snapshot(args, kwargs) -> dict[str, dict]:
    return {path: {"array": np.array(a, dtype=np.float64)} for path, a in flatten_inputs(tuple(args), kwargs).items()}


def agree(leaf: dict | None, expected: dict | None) -> bool:
    """Same answer: equal strings, or arrays of one shape with the same non-finite entries and
    finite entries within the grader's tolerance of `expected`'s."""
    if leaf is None or expected is None:
        return False
    if "str" in expected:
        return leaf.get("str") == expected["str"]
    a, e = leaf.get("array"), expected.get("array")
    if not isinstance(a, np.ndarray) or not isinstance(e, np.ndarray) or a.shape != e.shape:
        return False
    fa, fe = np.isfinite(a), np.isfinite(e)
    if fa.all() and fe.all():
        return bool(np.all(np.abs(a - e) <= tolerance(e)))
    if not np.array_equal(fa, fe) or not np.array_equal(a[~fa], e[~fe], equal_nan=True):
        return False
    if not fe.any():
        return True
    return bool(np.all(np.abs(a[fe] - e[fe]) <= tolerance(e[fe])))
