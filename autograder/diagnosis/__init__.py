"""Misconception diagnosis: name the mistake behind failing checks from the answers' behaviour.

diagnose(outcomes, cases, results) -> {check id: [(code, sentence)]}, for failing checks only.
Each student function is diagnosed as a whole (all its checks and probes at once), so one
mistake gets one code, on every test it makes fail. The catalogue is the assignment's (its
misconceptions, built with registry.mistake); how an explanation is chosen is explain.py's.
Nothing here reads the student's source.

Diagnosis is layer 5 of docs/architecture.md. Owns: this package's diagnose, the misconception
registry and the `misconceptions` command's catalogue (registry.py), the detectors assignments build
their misconceptions from (detectors.py), choosing an explanation (explain.py) and re-running the
reference on a case's inputs (answers.py). May import: the base modules, intake, sandbox, engine
and diagnosis itself; never the pipeline, outputs or platforms.
"""
from __future__ import annotations

from autograder.assignment import Assignment, load
from autograder.diagnosis.explain import FunctionView, explanation
from autograder.diagnosis.registry import Misconception, catalogue, codes
from autograder.engine.checks import CallResult, Case
from autograder.engine.scoring import Outcome

__all__ = ["diagnose", "FunctionView", "Misconception", "catalogue", "codes"]


def diagnose(outcomes: list[Outcome], cases: dict[str, list[Case]], results: dict[str, list[CallResult]],
             log: list[str] | None = None, assignment: Assignment | None = None) -> dict[str, list[tuple[str, str]]]:
    """Diagnoses for the failing outcomes. A diagnosis that breaks is logged and skipped: it
    must never cost the student a grade."""
    assignment = load(assignment)
    found: dict[str, list[tuple[str, str]]] = {}
    functions = dict.fromkeys(o.check.function for o in outcomes if not o.ok and not o.problem)
    registry = assignment.probe_map
    for function in functions:
        own = {o.check.id: o for o in outcomes if o.check.function == function}
        probes = {p for o in own.values() for p in getattr(o.check, "probes", (o.check.probe,))
                  if p not in registry or not registry[p].last}     # a large case: judged against the reference only
        if not probes <= results.keys():
            continue
        view = FunctionView(function, own, {p: cases[p] for p in probes}, {p: results[p] for p in probes},
                            assignment)
        try:
            found.update(explanation(view))
        except Exception as exc:  # noqa: BLE001 - feedback is a bonus; the grade must be written
            if log is not None:
                log.append(f"diagnosis of {function} failed: {type(exc).__name__}: {exc}")
    return found
