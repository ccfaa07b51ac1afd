"""The catalogue of misconceptions: one small entry per known mistake (or per variant of one).

An entry names the misconception (its code), the student function it concerns, the checks it
explains when it is present, the sentence a student reads, and how it is recognised from
behaviour:

- a model: the reference with this one mistake, a plain NumPy function with the student
  function's signature. It is run (in the trusted process) on the inputs of every probe of the
  function and compared with the student's answers (see explain.py);
- or a detector, for property-style mistakes (overflow warnings, a modified input, no
  ValueError...): a predicate on what the function did, read from the failing checks' own
  results (see detectors.py).

Several entries may share a code (variants of one mistake: x * (1 - x) or 1 - x**2, an average
over N or over N*T...). The entries belong to the assignment (e.g.
autograder/assignments/rnn_bptt/diagnosis/, one module per student file), which declares them
as its `misconceptions`; this module defines the entry and reads an assignment's catalogue. It
imports none of them (no import cycle).
Sentences are written for the student: what the mistake is, why it is wrong, and the handout
section to reread, as "(handout §4.3)".
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograder.assignment import Assignment
    from autograder.diagnosis.explain import FunctionView


@dataclass(frozen=True)
class Misconception:
    code: str                   # e.g. "recurrent_weight_grad_uses_current_state"
    function: str               # the student function, as the assignment's contract names it
    checks: tuple[str, ...]     # ids of the checks it explains (the ones it makes fail)
    sentence: str               # for the student, with a pointer to the handout
    model: Callable | None = None                           # the reference with this mistake
    detector: Callable[[FunctionView], bool] | None = None  # or: does the behaviour show it?
    variant: str = ""           # tells apart entries that share a code (logs and tests)

    def __post_init__(self):
        if (self.model is None) == (self.detector is None):
            raise ValueError(f"{self.code}: give exactly one of model and detector")
        if not self.checks:
            raise ValueError(f"{self.code}: name the checks it explains")

    @property
    def name(self) -> str:
        return f"{self.function}:{self.code}" + (f"[{self.variant}]" if self.variant else "")


def mistake(code: str, function: str, checks, sentence: str, model: Callable | None = None,
            detector: Callable | None = None, variant: str = "") -> Misconception:
    """One catalogue entry; checks may be given without the function prefix ("W_hh")."""
    checks = (checks,) if isinstance(checks, str) else tuple(checks)
    ids = tuple(c if "." in c else f"{function}.{c}" for c in checks)
    return Misconception(code, function, ids, " ".join(sentence.split()), model, detector, variant)


def with_same_answers(entry: Misconception, same: dict[str, str]) -> Misconception:
    """ENTRY also explaining the checks that judge the same answers as one it lists (same: check id
    -> the other check's id), e.g. a sympy check beside the value check it shares answers with."""
    extra = tuple(dict.fromkeys(same[c] for c in entry.checks if c in same and same[c] not in entry.checks))
    return replace(entry, checks=entry.checks + extra) if extra else entry


def catalogue(assignment: Assignment | str | None = None) -> tuple[Misconception, ...]:
    """Every entry of ASSIGNMENT (default: the default one), in priority order (earlier entries
    win ties between equal explanations)."""
    from autograder.assignment import load

    return tuple(load(assignment).misconceptions)


def entries_for(function: str, assignment: Assignment | str | None = None) -> list[Misconception]:
    return [m for m in catalogue(assignment) if m.function == function]


def codes(assignment: Assignment | str | None = None) -> set[str]:
    return {m.code for m in catalogue(assignment)}
