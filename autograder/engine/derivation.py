"""Feedback of a check against a sympy derivation, for every assignment: what differs, never a value.

An assignment's ".sympy" checks (checks/symbolic.py in each assignment package) judge an
answer against NumPy code that sympy printed from a derivation. A failing case says how many
entries differ and where, in judge's fixed vocabulary (amount, which_entries: no index the
submission could choose), and the order of magnitude of the difference, and shows the symbolic
form to match; it never shows an expected number (the cases are hidden).
"""
from __future__ import annotations

import numpy as np

from autograder import i18n
from autograder.engine.judge import PASS, Verdict, amount, compare, tolerance, which_entries


def size_of_difference(rel: float, name: str) -> str:
    """The decade of the largest difference relative to the largest entry (0.0042 -> about 1e-3), never a value."""
    if rel >= 1:
        return i18n._("the largest difference is as large as the largest entry of {name}, or larger").format(name=name)
    return i18n._("the largest difference is about {decade} times the largest entry of {name}").format(
        decade=f"1e{int(np.floor(np.log10(max(rel, 1e-300))))}", name=name)


def difference(leaf: dict | None, expected: np.ndarray, name: str) -> str | None:
    """None when the answer agrees with `expected` (the contract's tolerance); else what differs, without its values."""
    got = leaf.get("array") if leaf else None
    if not isinstance(got, np.ndarray) or got.shape != expected.shape or not np.all(np.isfinite(got)):
        verdict = compare(leaf, expected, name)        # type, shape, finiteness: no expected value shown
        return None if verdict.passed else verdict.message
    bad = np.abs(got - expected) > tolerance(expected)
    if not bad.any():
        return None
    scale = max(float(np.abs(expected).max()), 1e-12)
    rel = float(np.abs(got - expected).max()) / scale
    text = i18n._("{name} differs in {amount}: {how}").format(
        name=name, amount=amount(int(bad.sum()), bad.size), how=size_of_difference(rel, name))
    where = which_entries(bad, name) if bad.ndim and not bad.all() else ""
    return f"{text}; {where}" if where else text


def verdict(problems: list[str], form: str) -> Verdict:
    """PASS, or the problems as a list followed by the derivation's symbolic form."""
    if not problems:
        return PASS
    return Verdict(False, i18n._("Your answer differs from the sympy derivation:") + "\n"
                   + "".join(f"- {p}.\n" for p in problems)
                   + i18n._("The derivation: {form}.").format(form=i18n._(form)))
