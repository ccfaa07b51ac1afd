"""How answers are judged (SPEC "How answers are judged"), and how differences are shown.

Pure functions of plain data: a leaf the worker sent back ({"array": ndarray} or
{"str": ...} or {"problem": ...}) and the expected value computed by the reference.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RTOL = 1e-5
ATOL_FACTOR = 1e-8
SHOW_FULL = 12          # arrays with at most this many entries are printed in full


@dataclass(frozen=True)
class Verdict:
    passed: bool
    message: str = ""


PASS = Verdict(True)


def tolerance(expected: np.ndarray) -> np.ndarray:
    """|a - e| <= 1e-5 |e| + 1e-8 max(1e-4, max|e|), elementwise."""
    scale = max(1e-4, float(np.max(np.abs(expected)))) if expected.size else 1e-4
    return RTOL * np.abs(expected) + ATOL_FACTOR * scale


def fmt(value: float) -> str:
    return f"{value:.6g}"


def show(a: np.ndarray) -> str:
    if a.ndim == 0:
        return fmt(float(a))
    return np.array2string(a, precision=5, suppress_small=False, max_line_width=100, threshold=SHOW_FULL)


def index_str(name: str, idx: tuple) -> str:
    return f"{name}[{', '.join(str(i) for i in idx)}]" if idx else name


def compare(leaf: dict | None, expected: np.ndarray, name: str) -> Verdict:
    """Judge one numeric output against the expected array (shape, finiteness, values)."""
    expected = np.asarray(expected, dtype=np.float64)
    if leaf is None:
        return Verdict(False, f"{name} is missing from the answer")
    if "problem" in leaf:
        return Verdict(False, f"{name}: {leaf['problem']}")
    got = leaf.get("array")
    if not isinstance(got, np.ndarray):
        return Verdict(False, f"{name}: expected numbers, got {leaf.get('type', 'something else')}")
    if got.shape != expected.shape:
        kind = "a number" if expected.ndim == 0 else f"shape {expected.shape}"
        hint = ""
        if sorted(got.shape) == sorted(expected.shape) and got.ndim == expected.ndim:
            hint = " (the same sizes in another order: check the axis order of the convention)"
        return Verdict(False, f"{name} should have {kind}, got shape {got.shape}{hint}")
    if not np.all(np.isfinite(got)):
        bad = np.argwhere(~np.isfinite(got))
        where = index_str(name, tuple(bad[0])) if got.ndim else name
        return Verdict(False, f"{name} has {len(bad)} non-finite entries (e.g. {where} = {got[tuple(bad[0])]})")
    err = np.abs(got - expected)
    bad = err > tolerance(expected)
    if not bad.any():
        return PASS
    return Verdict(False, describe_difference(got, expected, name, bad))


def describe_difference(got: np.ndarray, expected: np.ndarray, name: str, bad: np.ndarray) -> str:
    rel = np.abs(got - expected) / np.maximum(np.abs(expected), 1e-12)
    if expected.size <= SHOW_FULL:
        if expected.ndim <= 1:
            return (f"{name} has the wrong values ({int(bad.sum())} of {bad.size} entries differ).\n"
                    f"  expected: {show(expected)}\n  got:      {show(got)}")
        indent = "\n    "
        return (f"{name} has the wrong values ({int(bad.sum())} of {bad.size} entries differ).\n"
                f"  expected:{indent}{show(expected).replace(chr(10), indent)}\n"
                f"  got:{indent}{show(got).replace(chr(10), indent)}")
    order = np.argsort(-np.where(bad, np.abs(got - expected), -1.0), axis=None)[:3]
    lines = [f"{name} of shape {expected.shape}: {int(bad.sum())} of {bad.size} entries differ; the largest:"]
    for flat in order:
        idx = np.unravel_index(flat, expected.shape)
        lines.append(f"  {index_str(name, tuple(int(i) for i in idx))}: expected {fmt(expected[idx])}, "
                     f"got {fmt(got[idx])}")
    lines.append(f"  max relative error {fmt(float(rel[bad].max()))}")
    return "\n".join(lines)
