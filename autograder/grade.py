"""`autograder grade`: the pipeline for one submission.

stage files -> build cases -> run the worker -> judge checks -> substitute helpers where a
helper was at fault -> diagnose misconceptions -> report. Each stage is a small function.
"""
from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from autograder.checks import Case, Check, all_checks, all_probes
from autograder.contract import BY_NAME, FUNCTIONS, MODULES
from autograder.diagnosis import diagnose
from autograder.plan import build_plan, call_results
from autograder.points import POINTS
from autograder.sandbox.runner import Limits, run_plan
from autograder.scoring import Outcome, score_check
from autograder.submission import Staged, stage


@dataclass
class Report:
    """Everything the reports need: outcomes in registry order plus whole-submission notes."""

    outcomes: list[Outcome]
    notes: list[str] = field(default_factory=list)     # for the student (file-level problems)
    log: list[str] = field(default_factory=list)       # for the instructor (sandbox, timings)
    student_output: str = ""                           # what the submission printed (truncated)
    execution_time: float = 0.0

    @property
    def score(self) -> float:
        return round(sum(o.score for o in self.outcomes), 4)

    @property
    def max_score(self) -> float:
        return round(sum(o.max_score for o in self.outcomes), 4)


def build_cases() -> dict[str, list[Case]]:
    return {pid: probe.build() for pid, probe in all_probes().items()}


def run_worker(staged: Staged, cases: dict[str, list[Case]], functions: set[str] | None = None,
               substitute: dict[str, list[str]] | None = None, limits: Limits | None = None):
    """Run the probes of `functions` (all when None) in one confined worker run."""
    probes = [p for p in all_probes().values() if functions is None or p.function in functions]
    modules = [m for m in MODULES if m in staged.found]
    plan = build_plan(probes, cases, modules)
    run = run_plan(plan.steps, plan.arrays, staged.dir, limits or Limits(), substitute)
    results = {p.id: call_results(plan, run, p, len(cases[p.id]), staged.problems.get(BY_NAME[p.function].module))
               for p in probes}
    return results, run


def judge_all(checks: list[Check], cases, results) -> dict[str, Outcome]:
    outcomes = {c.id: score_check(c, [x for p in c.probes for x in cases[p]], [x for p in c.probes for x in results[p]])
                for c in checks if all(p in results for p in c.probes)}
    apply_gates(outcomes)
    return outcomes


def apply_gates(outcomes: dict[str, Outcome]) -> None:
    """A property (inputs untouched, range...) earns nothing until the function computes a right value."""
    for outcome in outcomes.values():
        gate = outcomes.get(outcome.check.gated_by or "")
        if gate is not None and gate.passed == 0 and outcome.score > 0:
            outcome.score = 0.0
            why = gate.problem or (gate.failures[0][1].message if gate.failures else "")
            outcome.problem = (f"No credit yet: this property counts once {outcome.check.function} gives a right "
                               f"answer in at least one case of \"{gate.check.title}\", and it does not yet:\n{why}")
            outcome.import_failed = gate.import_failed


def substitute_helpers(staged: Staged, cases, outcomes: dict[str, Outcome], limits: Limits,
                       results: dict | None = None) -> list[str]:
    """SPEC: grade a dependent function with the correct helper when the student's helper failed.

    A dependent function whose grade improves with the correct helper is graded (and diagnosed)
    on those answers, and told why; otherwise its own grade stands.
    """
    own = {f.name: [o for o in outcomes.values() if o.check.function == f.name] for f in FUNCTIONS}
    faulty = {f.helper for f in FUNCTIONS if f.helper and any(not o.ok for o in own[f.helper])}
    dependents = {f.name for f in FUNCTIONS if f.helper in faulty and f.module in staged.found
                  and any(not o.ok for o in own[f.name])
                  and not any(o.import_failed for o in own[f.name])      # a file that cannot load
                  and not unimplemented(f.name, results or {})}           # nothing a helper could change
    if not dependents:
        return []
    substitute: dict[str, list[str]] = {}
    for name in sorted(dependents):
        substitute.setdefault(BY_NAME[name].module, []).append(BY_NAME[name].helper)
    sub_results, run = run_worker(staged, cases, dependents, substitute, limits)
    redo = judge_all([c for c in all_checks() if c.function in dependents], cases, sub_results)
    for name in sorted(dependents):
        helper = BY_NAME[name].helper
        before = sum(o.score for o in own[name])
        after = sum(o.score for cid, o in redo.items() if o.check.function == name)
        if after <= before:
            continue
        for o in own[name]:
            again = redo[o.check.id]
            if again.score > o.score:
                again.notes.append(
                    f"Graded with a correct {helper} in place of yours, because your {helper} fails its own "
                    f"tests (see them). With your own {helper} this test scored {o.score:g}/{o.max_score:g}: "
                    f"fix {helper} and this function should pass too.")
            outcomes[o.check.id] = again
        if results is not None:
            probes = all_probes()
            results.update({pid: r for pid, r in sub_results.items() if probes[pid].function == name})
    return [f"helper substitution run for {sorted(dependents)}: {run.log[-1]}"]


def unimplemented(function: str, results: dict) -> bool:
    """Every call of `function` raised NotImplementedError from its own body (an untouched stub)."""
    probes = all_probes()
    calls = [r for pid, rs in results.items() if probes[pid].function == function for r in rs]
    return bool(calls) and all(
        r.status == "raised" and (r.raised or {}).get("type") == "NotImplementedError"
        and ((r.raised or {}).get("where") or {}).get("function") == function for r in calls)


def add_diagnoses(outcomes: dict[str, Outcome], cases, results) -> list[str]:
    """Name the misconceptions behind failing checks, per function (see autograder/diagnosis)."""
    log: list[str] = []
    for cid, found in diagnose(list(outcomes.values()), cases, results, log).items():
        outcomes[cid].diagnoses = found
    return log


def grade_submission(submission_dir: Path, limits: Limits | None = None) -> Report:
    """Grade one submission folder; never raises for anything the submission does."""
    start = time.monotonic()
    limits = limits or Limits()
    staged = stage(Path(submission_dir))
    try:
        cases = build_cases()
        results, run = run_worker(staged, cases, limits=limits)
        checks = all_checks()
        outcomes = judge_all(checks, cases, results)
        log = list(run.log)
        log += substitute_helpers(staged, cases, outcomes, limits, results)
        log += add_diagnoses(outcomes, cases, results)
        report = Report([outcomes[c.id] for c in checks], notes=list(staged.notes), log=log,
                        student_output=run.output)
    finally:
        staged.cleanup()
    report.notes += [problem for problem in staged.problems.values()]
    report.notes += import_problems(report.outcomes)
    report.execution_time = round(time.monotonic() - start, 3)
    return report


def import_problems(outcomes: list[Outcome]) -> list[str]:
    """SPEC: a file that could not be loaded is reported in the overall output too, once per file."""
    notes: dict[str, str] = {}
    for o in outcomes:
        module = BY_NAME[o.check.function].module
        if o.import_failed and module not in notes:
            notes[module] = o.problem
    return list(notes.values())


def failed_report(error: BaseException) -> Report:
    """A valid, zero-score report for when the grader itself broke (never the student's fault)."""
    outcomes = []
    for check in all_checks():
        o = Outcome(check, float(POINTS[check.id]), 0.0, 0, 1)
        o.problem = ("The grader could not grade this submission because of an internal error. "
                     "Please tell your instructor.")
        outcomes.append(o)
    tb = "".join(traceback.format_exception(error))
    return Report(outcomes, notes=["Internal grader error: your instructor has the details."], log=[tb])
