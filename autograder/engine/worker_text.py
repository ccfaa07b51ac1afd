"""The worker's fixed descriptions of a malformed answer, in the active language.

The sandboxed worker (sandbox/worker.py) describes an answer it cannot read in fixed English
sentences ("f should return a tuple of 2 items (h, y); it returned a value of type int");
on hidden cases redact.safe_problem keeps only that fixed wording. Here, on the trusted side, such a
sentence is matched against the worker's patterns and written again from the catalogue (i18n); a
sentence that matches none is returned as it is. Only names the patterns allow (identifiers, type
names, shapes) are carried over; the rest of a visible case's text (a student's string, NumPy's
message) stays quoted as the worker wrote it.
"""
from __future__ import annotations

import re

from autograder import i18n

_NUMBERS = {"an array of numbers": i18n.N_("an array of numbers"), "a number": i18n.N_("a number")}


def what_it_is(text: str) -> str:
    """'None', 'a tuple of 3 items', 'a value of type int' (worker.what_it_is) in the active language."""
    if text == "None":
        return "None"
    if text == "None (is a `return` statement missing?)":
        return i18n._("None (is a `return` statement missing?)")
    m = re.fullmatch(r"a (\S+) of more than (\d+) items", text)
    if m:
        return i18n._("a {kind} of more than {n} items").format(kind=m.group(1), n=m.group(2))
    m = re.fullmatch(r"a (\S+) of (\d+) items?", text)
    if m:
        return i18n.ngettext("a {kind} of {n} item", "a {kind} of {n} items", int(m.group(2))).format(
            kind=m.group(1), n=m.group(2))
    m = re.fullmatch(r"a value of type (.+)", text, re.S)
    if m:
        return i18n._("a value of type {kind}").format(kind=phrase(m.group(1)))
    return i18n._(text)


def _got(rest: str) -> str:
    """The part after 'expected <what>, ' (worker.to_float_array's wording)."""
    if rest in ("got None", "got None (is a `return` statement missing?)"):
        return i18n._("got {what}").format(what=what_it_is(rest[4:]))
    m = re.fullmatch(r"got the (string|bytes) (.*) \(text, not a number\)", rest, re.S)
    if m:
        return i18n._("got the {kind} {value} (text, not a number)").format(
            kind=i18n._("string") if m.group(1) == "string" else "bytes", value=m.group(2))
    m = re.fullmatch(r"got (string|bytes) \(text, not a number\)", rest)
    if m:
        return i18n._("got {kind} (text, not a number)").format(
            kind=i18n._("a string") if m.group(1) == "string" else "bytes")
    m = re.fullmatch(r"got complex numbers \(dtype (\w+)\): answers must be real \(float64\); if the imaginary "
                     r"part is zero, return the real part \(np\.real\)", rest)
    if m:
        return i18n._("got complex numbers (dtype {dtype}): answers must be real (float64); if the imaginary part "
                      "is zero, return the real part (np.real)").format(dtype=m.group(1))
    m = re.fullmatch(r"got (\S+), which NumPy cannot turn into float64 numbers(.*)", rest, re.S)
    if m:
        return i18n._("got {kind}, which NumPy cannot turn into float64 numbers").format(kind=m.group(1)) + m.group(2)
    m = re.fullmatch(r"got an array of shape (\([\d, ]*\)), far larger than any expected answer", rest)
    if m:
        return i18n._("got an array of shape {shape}, far larger than any expected answer").format(shape=m.group(1))
    if rest == "got an array far larger than any expected answer":
        return i18n._("got an array far larger than any expected answer")
    m = re.fullmatch(r"got (.*)", rest, re.S)
    return i18n._("got {what}").format(what=what_it_is(m.group(1))) if m else rest


def phrase(text: str) -> str:
    """redact.py's fixed phrases for what it will not show (an exception class of the submission's own,
    a warning's message on a hidden case), in the active language; any other text as it is."""
    if i18n.current() == i18n.DEFAULT or not isinstance(text, str) or not text:
        return text
    m = re.fullmatch(r"an exception of a class defined in your code \(a kind of (\w+)\)", text)
    if m:
        return i18n._("an exception of a class defined in your code (a kind of {base})").format(base=m.group(1))
    m = re.fullmatch(r"(\w+) \(its message is not shown for hidden cases\)", text)
    if m and m.group(1) != "a":
        return i18n._("{category} (its message is not shown for hidden cases)").format(category=m.group(1))
    if text in _PHRASES:
        return i18n._(text)
    return text


_PHRASES = frozenset({i18n.N_("an exception of a class defined in your code"),
                      i18n.N_("a warning (its message is not shown for hidden cases)"),
                      i18n.N_("another type"), i18n.N_("an exception")})


def translate(problem: str) -> str:
    """PROBLEM (a worker's or redact's description of a malformed answer) in the active language."""
    if i18n.current() == i18n.DEFAULT or not isinstance(problem, str):
        return problem
    m = re.fullmatch(r"(\w+) should return a tuple of (\d+) items \(([\w, ]+)\); it returned (.*)", problem, re.S)
    if m:
        return i18n._("{function} should return a tuple of {n} items ({names}); it returned {what}").format(
            function=m.group(1), n=m.group(2), names=m.group(3), what=what_it_is(m.group(4)))
    m = re.fullmatch(r"(.{1,120}?) should be a dict with the keys ([\w, ]+); it is (.*)", problem, re.S)
    if m:
        where = i18n._("the answer") if m.group(1) == "the answer" else m.group(1)
        return i18n._("{where} should be a dict with the keys {keys}; it is {what}").format(
            where=where, keys=m.group(2), what=what_it_is(m.group(3)))
    m = re.fullmatch(r"the key '(\w+)' is missing from the dict (.{0,120})", problem, re.S)
    if m:
        where = i18n._("returned") if m.group(2) == "returned" else m.group(2)
        return i18n._("the key '{key}' is missing from the dict {where}").format(key=m.group(1), where=where)
    m = re.fullmatch(r"expected a string, got (.*)", problem, re.S)
    if m:
        return i18n._("expected a string, got {what}").format(what=what_it_is(m.group(1)))
    m = re.fullmatch(r"expected (an array of numbers|a number), (got .*)", problem, re.S)
    if m:
        return i18n._("expected {wanted}, {got}").format(wanted=i18n._(_NUMBERS[m.group(1)]), got=_got(m.group(2)))
    m = re.fullmatch(r"the answer of (\w+) could not be read: (.*)", problem, re.S)
    if m:
        rest = m.group(2)
        if rest == "converting it raised an exception":
            rest = i18n._("converting it raised an exception")
        return i18n._("the answer of {function} could not be read: {why}").format(function=m.group(1), why=rest)
    return i18n._(problem)     # redact's fixed sentences ("the answer could not be read...")


i18n.N_("the answer could not be read")
i18n.N_("the answer could not be read as numbers of the expected structure")
i18n.N_("unreadable")
