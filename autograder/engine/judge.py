"""How answers are judged (docs/contracts/rnn_bptt.md, "How answers are judged", which every
assignment's contract adopts), and how differences are shown.

Pure functions of plain data: a leaf the worker sent back ({"array": ndarray} or
{"str": ...} or {"problem": ...}) and the expected value computed by the reference.

On a hidden case every number the submission chooses is shown only through a small fixed
vocabulary, so it cannot carry a hidden input out: the answer's shape by the case's named sizes
("(N, T)", "another size", at most the expected number of dimensions + 2: shape_mismatch), how
many entries are wrong or not finite as one of five buckets (amount), where they lie as index 0,
the last index, a run from either end, one index or some (which_entries). Visible worked
examples show everything.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from math import prod

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


def compare(leaf: dict | None, expected: np.ndarray, name: str, visible: bool = False,
            sizes: Mapping[str, int] | None = None) -> Verdict:
    """Judge one numeric output against the expected array (shape, finiteness, values).

    On a hidden case the message never holds a number from which the expected value (or an
    input) could be recovered, nor one the submission chose: the expected shape, the answer's
    shape by the case's named SIZES (label_sizes), which entries differ and how many as buckets,
    a pattern and a bucketed error. On a visible example it shows expected and got in full.
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
        return Verdict(False, shape_mismatch(name, got.shape, expected.shape, sizes, visible))
    if not np.all(np.isfinite(got)):
        return Verdict(False, non_finite(got, name, visible))
    err = np.abs(got - expected)
    bad = err > tolerance(expected)
    if not bad.any():
        return PASS
    if visible:
        return Verdict(False, describe_difference(got, expected, name, bad))
    return Verdict(False, describe_hidden_difference(got, expected, name, bad))


# ---- what a hidden case may say about numbers the submission chose ---------------------------
SIZE_IN_LABEL = re.compile(r"(?<![\w.])([A-Za-z])=(\d+)(?![\w.])")
MORE_DIMENSIONS = 2     # a hidden case describes at most the expected number of dimensions + this


def label_sizes(label: str) -> dict[str, int]:
    """The named sizes a case's label states ("N=2, T=4, D=3, H=4, O=2" -> {"N": 2, "T": 4, ...}):
    one-letter names, public as the label is."""
    sizes: dict[str, int] = {}
    for name, value in SIZE_IN_LABEL.findall(label or ""):
        sizes.setdefault(name, int(value))
    return sizes


def dimension_words(expected_shape: tuple, sizes: Mapping[str, int] | None) -> Callable[[int], str | None]:
    """How a hidden case may name a dimension of size d: 0 and 1 as themselves; the one size name
    of the case equal to d ("N"); else d itself when it is public (a size of the case, a dimension
    of the expected shape or its number of entries); else None (the caller says "another size").
    Names are used only when they name every dimension of the expected shape (N=2, T=4, H=4 leave
    a 4 ambiguous: then every dimension is a number)."""
    names: dict[int, list[str]] = {}
    for name, value in (sizes or {}).items():
        names.setdefault(int(value), []).append(name)
    public = {0, 1, *(int(d) for d in expected_shape), *names, prod(int(d) for d in expected_shape)}
    if any(int(d) not in (0, 1) and len(names.get(int(d), ())) != 1 for d in expected_shape):
        names = {}

    def word(d: int) -> str | None:
        if d in (0, 1):
            return str(d)
        if len(names.get(d, ())) == 1:
            return names[d][0]
        return str(d) if d in public else None

    return word


def shape_words(shape: tuple, word: Callable[[int], str | None]) -> str:
    """SHAPE written as a tuple of WORD's names, "another size" for a dimension it cannot name."""
    parts = [word(int(d)) or _("another size") for d in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def expected_shape_text(expected_shape: tuple, sizes: Mapping[str, int] | None) -> str:
    """"(N, T, D) = (2, 4, 3)" (names where the case's sizes give one), else "(2, 4, 3)"."""
    numbers = str(tuple(int(d) for d in expected_shape))
    named = shape_words(expected_shape, dimension_words(expected_shape, sizes))
    return numbers if named == numbers else f"{named} = {numbers}"


def shape_mismatch(name: str, got_shape: tuple, expected_shape: tuple, sizes: Mapping[str, int] | None = None,
                   visible: bool = False) -> str:
    """"{name} should have shape ..., got shape ...": on a visible example the shapes as they are;
    on a hidden case the answer's dimensions only by dimension_words, and no more than the
    expected number of dimensions + MORE_DIMENSIONS of them (the submission chooses its shape:
    raw dimensions would carry any number it likes, a hidden input included)."""
    got_shape, expected_shape = tuple(int(d) for d in got_shape), tuple(int(d) for d in expected_shape)
    if not expected_shape:
        kind = _("a number")
    else:
        kind = _("shape {shape}").format(
            shape=expected_shape if visible else expected_shape_text(expected_shape, sizes))
    hint = ""
    if sorted(got_shape) == sorted(expected_shape) and len(got_shape) == len(expected_shape):
        hint = _(" (the same sizes in another order: check the axis order of the convention)")
    if visible:
        shown = str(got_shape)
    elif len(got_shape) > len(expected_shape) + MORE_DIMENSIONS:
        return _("{name} should have {kind}, got an array of more than {n} dimensions").format(
            name=name, kind=kind, n=len(expected_shape) + MORE_DIMENSIONS)
    else:
        shown = shape_words(got_shape, dimension_words(expected_shape, sizes))
    return _("{name} should have {kind}, got shape {shape}{hint}").format(name=name, kind=kind, shape=shown, hint=hint)


def amount(count: int, size: int) -> str:
    """How many of SIZE entries, as one of five buckets (a hidden case: the count is the submission's to choose)."""
    if count >= size:
        return _("its only entry") if size == 1 else _("every entry")
    if count == 1:
        return _("one entry")
    if 10 * count < size:
        return _("fewer than 10% of its entries")
    return _("up to half of its entries") if 2 * count <= size else _("more than half of its entries")


def non_finite(got: np.ndarray, name: str, visible: bool = False) -> str:
    """Which entries of GOT are nan or inf: on a visible example how many and the first; on a hidden
    case only a bucket of how many (amount)."""
    bad = ~np.isfinite(got)
    kinds = _(" and ").join(sorted({"nan" if np.isnan(v) else "inf" for v in got[bad]}))
    if not visible:
        return _("{name} has non-finite values ({kinds}) in {amount}").format(
            name=name, kinds=kinds, amount=amount(int(bad.sum()), bad.size))
    first = np.argwhere(bad)
    where = index_str(name, tuple(int(i) for i in first[0])) if got.ndim else name
    return _("{name} has {count} non-finite entries ({kinds}; e.g. {where})").format(
        name=name, count=len(first), kinds=kinds, where=where)


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


def scaled_error(got: np.ndarray, expected: np.ndarray, where: np.ndarray | None = None) -> float:
    """The largest |got - expected| (over WHERE, default everywhere) over the expected values' scale."""
    scale = max(float(np.max(np.abs(expected))), 1e-12) if expected.size else 1.0
    diff = np.abs(got - expected)
    return float(np.max(diff[where] if where is not None else diff, initial=0.0)) / scale


def just_outside(got: np.ndarray, expected: np.ndarray) -> bool:
    """GOT is off by no more than the first error bucket ("just outside the tolerance")."""
    return scaled_error(got, expected) <= ERROR_BUCKETS[0][0]


def error_bucket(got: np.ndarray, expected: np.ndarray, bad: np.ndarray) -> str:
    """How far off the wrong entries are, as one of four buckets (never a number)."""
    worst = scaled_error(got, expected, bad)
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


def axis_places(hit: np.ndarray, length: int, axis: int) -> str:
    """Where along one axis the wrong entries lie, in a fixed vocabulary (no index but 0 and the last)."""
    run = hit.size > 1 and int(hit[-1] - hit[0]) == hit.size - 1
    if hit.size == 1 and hit[0] == 0:
        return ngettext("index {shown} of axis {axis}", "indices {shown} of axis {axis}", 1).format(shown=0, axis=axis)
    if hit.size == 1 and hit[0] == length - 1:
        return _("the last index of axis {axis}").format(axis=axis)
    if run and hit[0] == 0:
        return _("a run of indices of axis {axis} from index 0").format(axis=axis)
    if run and hit[-1] == length - 1:
        return _("a run of indices of axis {axis} up to the last").format(axis=axis)
    return _("one index of axis {axis}").format(axis=axis) if hit.size == 1 else \
        _("some indices of axis {axis}").format(axis=axis)


def which_entries(bad: np.ndarray, name: str) -> str:
    """Which entries differ (a hidden case): all of them, or where along each axis they lie, by
    axis_places; never which indices, since the submission chooses which entries it gets wrong."""
    if bad.ndim == 0 or bad.all():
        return _("every entry differs") if bad.size > 1 else ""
    parts = []
    for axis in range(bad.ndim):
        hit = np.flatnonzero(np.any(bad, axis=tuple(a for a in range(bad.ndim) if a != axis)))
        if hit.size < bad.shape[axis]:
            parts.append(axis_places(hit, bad.shape[axis], axis))
    square = bad.ndim == 2 and bad.shape[0] == bad.shape[1] > 1
    off_diagonal = square and not np.diag(bad).any()
    on_diagonal = square and int(np.diag(bad).sum()) > 1 and int(np.diag(bad).sum()) == int(bad.sum())
    where = (_("only on the diagonal (every off-diagonal entry is right)") if on_diagonal else
             _("only at {places}").format(places=_(" and ").join(parts)) if parts else
             _("only off the diagonal (every diagonal entry is right)") if off_diagonal else
             _("spread over every row and column"))
    return _("the wrong entries lie {where}").format(where=where)


def describe_hidden_difference(got: np.ndarray, expected: np.ndarray, name: str, bad: np.ndarray) -> str:
    """What differs on a hidden case, without a number from which the expected value can be recovered
    or one the submission chose (the count of wrong entries is a bucket: amount)."""
    if expected.ndim == 0:
        lines = [_("{name} has the wrong value: off {bucket}.").format(
            name=name, bucket=error_bucket(got, expected, bad))]
    else:
        lines = [_("{name} of shape {shape} has wrong values in {amount}: off {bucket}.").format(
            name=name, shape=expected.shape, amount=amount(int(bad.sum()), bad.size),
            bucket=error_bucket(got, expected, bad))]
    entries = which_entries(bad, name) if expected.ndim else ""
    if entries:
        lines.append(f"  {entries[0].upper()}{entries[1:]}.")
    pattern = difference_pattern(got, expected)
    if pattern:
        lines.append(_("  Pattern: {pattern}.").format(pattern=pattern))
    return "\n".join(lines)
