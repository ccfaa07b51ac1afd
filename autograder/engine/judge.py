"""How answers are judged (docs/contracts/rnn_bptt.md, "How answers are judged", which every
assignment's contract adopts), and how differences are shown.

Pure functions of plain data: a leaf the worker sent back ({"array": ndarray} or
{"str": ...} or {"problem": ...}) and the expected value computed by the reference.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from autograder.engine import worker_text
from autograder.i18n import N_, _, ngettext

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


def compare(leaf: dict | None, expected: np.ndarray, name: str, visible: bool = False) -> Verdict:
    """Judge one numeric output against the expected array (shape, finiteness, values).

    On a hidden case the message never holds a number from which the expected value (or an
    input) could be recovered: shapes, which entries differ, a pattern and a bucketed error.
    On a visible example it shows expected and got in full.
    """
    expected = np.asarray(expected, dtype=np.float64)
    if leaf is None:
        return Verdict(False, _("{name} is missing from the answer").format(name=name))
    if "problem" in leaf:
        return Verdict(False, f"{name}: {worker_text.translate(leaf['problem'])}")
    got = leaf.get("array")
    if not isinstance(got, np.ndarray):
        return Verdict(False, _("{name}: expected numbers, got {kind}").format(
            name=name, kind=worker_text.phrase(leaf.get("type")) or _("something else")))
    if got.shape != expected.shape:
        kind = _("a number") if expected.ndim == 0 else _("shape {shape}").format(shape=expected.shape)
        hint = ""
        if sorted(got.shape) == sorted(expected.shape) and got.ndim == expected.ndim:
            hint = _(" (the same sizes in another order: check the axis order of the convention)")
        return Verdict(False, _("{name} should have {kind}, got shape {shape}{hint}").format(
            name=name, kind=kind, shape=got.shape, hint=hint))
    if not np.all(np.isfinite(got)):
        bad = np.argwhere(~np.isfinite(got))
        where = index_str(name, tuple(int(i) for i in bad[0])) if got.ndim else name
        kinds = sorted({"nan" if np.isnan(v) else "inf" for v in got[~np.isfinite(got)]})
        return Verdict(False, _("{name} has {count} non-finite entries ({kinds}; e.g. {where})").format(
            name=name, count=len(bad), kinds=_(" and ").join(kinds), where=where))
    err = np.abs(got - expected)
    bad = err > tolerance(expected)
    if not bad.any():
        return PASS
    if visible:
        return Verdict(False, describe_difference(got, expected, name, bad))
    return Verdict(False, describe_hidden_difference(got, expected, name, bad))


def describe_difference(got: np.ndarray, expected: np.ndarray, name: str, bad: np.ndarray) -> str:
    """Expected and got in full (small arrays) or as the worst entries: for visible examples only."""
    rel = np.abs(got - expected) / np.maximum(np.abs(expected), 1e-12)
    if expected.size <= SHOW_FULL:
        if expected.ndim <= 1:
            return (_("{name} has the wrong values ({bad} of {size} entries differ).").format(
                name=name, bad=int(bad.sum()), size=bad.size) + "\n"
                + _("  expected: {expected}\n  got:      {got}").format(expected=show(expected), got=show(got)))
        indent = "\n    "
        return (_("{name} has the wrong values ({bad} of {size} entries differ).").format(
            name=name, bad=int(bad.sum()), size=bad.size) + "\n"
                + _("  expected:{expected}\n  got:{got}").format(
                    expected=indent + show(expected).replace(chr(10), indent),
                    got=indent + show(got).replace(chr(10), indent)))
    order = np.argsort(-np.where(bad, np.abs(got - expected), -1.0), axis=None)[:3]
    lines = [_("{name} of shape {shape}: {bad} of {size} entries differ; the largest:").format(
        name=name, shape=expected.shape, bad=int(bad.sum()), size=bad.size)]
    for flat in order:
        idx = np.unravel_index(flat, expected.shape)
        lines.append(_("  {entry}: expected {expected}, got {got}").format(
            entry=index_str(name, tuple(int(i) for i in idx)), expected=fmt(expected[idx]), got=fmt(got[idx])))
    lines.append(_("  max relative error {error}").format(error=fmt(float(rel[bad].max()))))
    return "\n".join(lines)


ERROR_BUCKETS = ((1e-3, N_("just outside the tolerance (by less than 0.1% of the values' scale)")),
                 (0.1, N_("by up to 10% of the values' scale")),
                 (10.0, N_("by more than 10% of the values' scale")),
                 (np.inf, N_("by more than 10 times the values' scale")))


def error_bucket(got: np.ndarray, expected: np.ndarray, bad: np.ndarray) -> str:
    """How far off the wrong entries are, as one of four buckets (never a number)."""
    scale = max(float(np.max(np.abs(expected))), 1e-12) if expected.size else 1.0
    worst = float(np.max(np.abs(got - expected)[bad])) / scale
    return _(next(text for limit, text in ERROR_BUCKETS if worst <= limit))


def difference_pattern(got: np.ndarray, expected: np.ndarray) -> str | None:
    """A shape of the mistake that gives no value away: sign, transpose, scale, zeros."""
    close = lambda a: bool(np.all(np.abs(a - expected) <= tolerance(expected)))  # noqa: E731
    if not np.any(got):
        return _("your answer is all zeros")
    if close(-got):
        return _("your answer has the opposite sign of the expected one everywhere")
    if got.ndim == 2 and got.shape[0] == got.shape[1] and close(got.T):
        return _("your answer is the transpose of the expected matrix")
    flat_e, flat_g = expected.ravel(), got.ravel()
    if flat_e.size > 1 and np.any(flat_e):
        c = float(flat_g @ flat_e) / float(flat_e @ flat_e)
        if c != 0 and close(got / c):
            return _("your answer is a constant multiple of the expected one (each entry scaled by the same "
                     "factor)")
    return None


def which_entries(bad: np.ndarray, name: str) -> str:
    """Which entries differ: all of them, or the indices along the axes where they lie."""
    if bad.ndim == 0 or bad.all():
        return _("every entry differs") if bad.size > 1 else ""
    parts = []
    for axis in range(bad.ndim):
        hit = np.flatnonzero(np.any(bad, axis=tuple(a for a in range(bad.ndim) if a != axis)))
        if hit.size < bad.shape[axis]:
            shown = ", ".join(str(i) for i in hit[:6]) + (", ..." if hit.size > 6 else "")
            parts.append(ngettext("index {shown} of axis {axis}", "indices {shown} of axis {axis}", hit.size
                                  ).format(shown=shown, axis=axis))
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    square = bad.ndim == 2 and bad.shape[0] == bad.shape[1] > 1
    off_diagonal = square and not np.diag(bad).any()
    on_diagonal = square and int(np.diag(bad).sum()) > 1 and int(np.diag(bad).sum()) == int(bad.sum())
    where = (_("only on the diagonal (every off-diagonal entry is right)") if on_diagonal else
             _("only at {places}").format(places=_(" and ").join(parts)) if parts else
             _("only off the diagonal (every diagonal entry is right)") if off_diagonal else
             _("spread over every row and column"))
    return _("the wrong entries lie {where} (the first is {first})").format(where=where, first=index_str(name, first))


def describe_hidden_difference(got: np.ndarray, expected: np.ndarray, name: str, bad: np.ndarray) -> str:
    """What differs on a hidden case, without a number from which the expected value can be recovered."""
    shape = "" if expected.ndim == 0 else _(" of shape {shape}").format(shape=expected.shape)
    count = "" if expected.ndim == 0 else _(" ({bad} of {size} entries)").format(bad=int(bad.sum()), size=bad.size)
    lines = [_("{name}{shape} has the wrong values{count}: off {bucket}.").format(
        name=name, shape=shape, count=count, bucket=error_bucket(got, expected, bad))]
    entries = which_entries(bad, name) if expected.ndim else ""
    if entries:
        lines.append(f"  {entries[0].upper()}{entries[1:]}.")
    pattern = difference_pattern(got, expected)
    if pattern:
        lines.append(_("  Pattern: {pattern}.").format(pattern=pattern))
    return "\n".join(lines)
