"""Choose the misconceptions that explain a function's failing checks.

For one student function, with all its checks' outcomes and all its probes' cases and answers:

1. A cell is one output (leaf path) of one probe, over all the probe's valid cases: those the
   reference accepts (invalid inputs are left to detectors) and where the student gave a usable
   answer (finite numbers or a string; a crash or a nan already shows in the check's message).
2. An entry's model explains the cells where it deviates from the reference, provided the
   student reproduces the model's answers on every valid case of every one of them (grader's
   tolerance); otherwise it explains nothing. Cells where the model coincides with the
   reference (H = 1 hides a transpose...) say nothing either way, so a second, independent
   mistake in another output does not hide the first.
3. The explanation is a smallest set of models covering the student's explained cells, chosen
   greedily: most cells first, catalogue order on ties. So one mistake that fails six checks
   yields its one code on each of them, and two mistakes in different outputs yield both.
4. A chosen entry is attached to the failing checks it lists (a model fails exactly those; the
   tests verify it). Detectors then speak for the failing checks no model explains.

The result maps check id -> [(code, sentence)], for failing checks only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from autograder.assignment import Assignment, load
from autograder.diagnosis.answers import agree, run_trusted
from autograder.diagnosis.registry import Misconception, entries_for
from autograder.engine.checks import CallResult, Case
from autograder.engine.scoring import Outcome


@dataclass
class FunctionView:
    """Everything graded about one student function: its outcomes, and its probes' cases and answers."""

    function: str
    outcomes: dict[str, Outcome]                 # check id -> outcome, for this function's checks
    cases: dict[str, list[Case]]                 # probe id -> cases, for this function's probes
    results: dict[str, list[CallResult]]         # probe id -> the student's answers
    assignment: Assignment | None = None         # default: the default assignment
    _reference: dict[str, list[CallResult]] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.assignment = load(self.assignment)

    @property
    def failing(self) -> set[str]:
        return {cid for cid, o in self.outcomes.items() if not o.ok and not o.problem}

    def answered(self, probe: str) -> list[tuple[Case, CallResult]]:
        """The cases of a probe with the student's answers."""
        return list(zip(self.cases[probe], self.results[probe]))

    def reference(self, probe: str) -> list[CallResult]:
        if probe not in self._reference:
            self._reference[probe] = self.run(getattr(self.assignment.ref(), self.function), probe)
        return self._reference[probe]

    def run(self, fn, probe: str) -> list[CallResult]:
        schema = self.assignment.by_name[self.function].schema
        return [run_trusted(fn, case, schema) for case in self.cases[probe]]


Cell = tuple[str, str]      # (probe id, leaf path): one output of one probe, over all its cases


def usable(leaf: dict | None) -> bool:
    """A string, or an array of finite numbers."""
    if leaf is None:
        return False
    return "str" in leaf or (isinstance(leaf.get("array"), np.ndarray) and bool(np.all(np.isfinite(leaf["array"]))))


def model_cells(entry: Misconception, view: FunctionView) -> set[Cell]:
    """The cells the entry's model explains: all those where it deviates from the reference, when
    the student reproduces it on every valid case of every one of them; otherwise none."""
    schema = view.assignment.by_name[view.function].schema
    deviating: set[Cell] = set()
    differing: set[Cell] = set()      # the student differs from the model in some case
    for probe, cases in view.cases.items():
        for case, student, ref in zip(cases, view.results[probe], view.reference(probe)):
            if ref.status != "ok" or student.status != "ok" or not any(map(usable, student.leaves.values())):
                continue                   # nothing of the student's to compare: skip running the model
            answer = run_trusted(entry.model, case, schema)
            if answer.status != "ok":
                return set()
            for path, expected in ref.leaves.items():
                mine = student.leaf(path) if student.status == "ok" else None
                if not usable(mine):
                    continue               # no answer to compare: the check's own message says why
                leaf = answer.leaf(path)
                reproduced = agree(mine, leaf)
                if not agree(leaf, expected):
                    if not reproduced:
                        return set()       # the common, early way out
                    deviating.add((probe, path))
                elif not reproduced:
                    differing.add((probe, path))
    return set() if deviating & differing else deviating


def explanation(view: FunctionView) -> dict[str, list[tuple[str, str]]]:
    """check id -> [(code, sentence)] for the failing checks that catalogue entries explain."""
    failing = view.failing
    if not failing:
        return {}
    entries = entries_for(view.function, view.assignment)
    candidates = []
    for entry in entries:
        if entry.model is not None and failing.intersection(entry.checks):
            cells = model_cells(entry, view)
            if cells:
                candidates.append((entry, cells))
    chosen: list[Misconception] = []
    left = set().union(*(cells for _, cells in candidates)) if candidates else set()
    while left:
        entry, cells = max(candidates, key=lambda ec: len(ec[1] & left))   # the first of the largest
        chosen.append(entry)
        left -= cells
    out: dict[str, list[tuple[str, str]]] = {}

    def attach(entry: Misconception, cid: str) -> None:
        found = out.setdefault(cid, [])
        if entry.code not in {code for code, _ in found}:
            found.append((entry.code, entry.sentence))

    for entry in chosen:
        for cid in sorted(failing.intersection(entry.checks)):
            attach(entry, cid)
    for entry in entries:    # property-style mistakes, for the failures no model explains
        unexplained = failing.intersection(entry.checks) - set(out)
        if entry.detector is not None and unexplained and entry.detector(view):
            for cid in sorted(unexplained):
                attach(entry, cid)
    return out
