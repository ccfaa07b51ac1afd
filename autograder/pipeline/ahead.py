"""What the grader computes while its worker runs: the expected values of the cases whose calls answer.

Judging a case needs its trusted values (engine/expected.py: the reference's answer, finite
differences), computed on first use. The runner calls back (runner.Meanwhile) when a step starts
and when a step's answers are read, and lets this work one case at a time whenever the worker has
nothing for it, so most of that computing is done before the worker stops instead of after.

Which cases: those whose call answered (a record with outputs), once their step's answers are read;
and every case of a step whose function has answered before, from the moment that step starts: a
realistic-size case's first, so that its reference answer is computed while the student's call runs. A call
that never answers (a stub, a crash) costs no reference call, as before. The values are the same
whenever they are computed, so the grade is too.

A realistic-size case's inputs (several MB) are let go of once the worker has them and its expected
values are computed (Case.release): they are rebuilt only if something asks for them again (a
substituted helper's answers, say). Those of the later realistic-size steps were let go of when the
plan was written (engine/plan.let_go_of_later_inputs): each is rebuilt while the step before it
runs, so that one realistic-size case's inputs at a time live in the grader.

Given a Judging, it also judges the graded checks while the worker runs: once the answers of a
probe's step (and of its module's import) are read, it makes that probe's CallResults from them as
engine/plan.call_results does after the run, and once every probe of a check has them, the
check's verdicts (scoring.verdicts_of). After the run, a probe keeps these results only if the
run ended with exactly the records they were made from, and no failure of either step (a restart,
a refused record, files over the disk cap all change them): results_after. A check keeps its
verdicts only if it is scored on those very results (pipeline.grade.score_checks). Otherwise both
are made again after the run, as before; either way they are the same values.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from autograder.assignment import Assignment
from autograder.engine.checks import CallResult, Case, Check
from autograder.engine.expected import prepare_case
from autograder.engine.judge import Verdict
from autograder.engine.plan import Plan, call_results
from autograder.engine.scoring import verdicts_of
from autograder.intake.canonical import Canonical
from autograder.sandbox.runner import WorkerRun


@dataclass
class Judged:
    """A check judged while the worker ran: the results it was judged on (one list per probe, in
    the check's order) and its verdicts, one per case, as score_check makes them."""

    results: tuple[list[CallResult], ...]
    verdicts: list[Verdict]


@dataclass
class Judging:
    """What judging while the worker runs needs: the graded CHECKS, each module's staging problem
    (None: staged), the canonical code; JUDGED, filled in as checks are judged (check id -> Judged)."""

    assignment: Assignment
    checks: list[Check]
    module_problems: dict[str, str | None]
    canonical: Canonical | None
    judged: dict[str, Judged] = field(default_factory=dict)


@dataclass
class _Made:
    """A probe's CallResults, made from these two steps' records (the module's import, the probe's)."""

    import_records: list[dict]
    step_records: list[dict]
    results: list[CallResult]


class Ahead:
    """runner.Meanwhile for one plan: CASES by probe id, the plan that runs them."""

    def __init__(self, plan: Plan, cases: dict[str, list[Case]], judging: Judging | None = None):
        self.plan, self.cases, self.judging = plan, cases, judging
        self.step_probe = {step: pid for pid, step in plan.probe_step.items()}
        self.read: dict[int, list[dict]] = {}    # each step's records as last read
        self.made: dict[str, _Made] = {}         # probe id -> its results, made from the records read
        self.steps = {step: (plan.steps[step]["function"], cases[pid]) for pid, step in plan.probe_step.items()}
        self.handed_over = sorted(plan.deferred)  # steps whose inputs the worker has once they start
        self.started: set[int] = set()
        self.release: set[int] = set()            # id() of the cases to let go of once prepared
        self.answering: set[str] = set()          # functions with a call that answered
        # ("prepare" | "fetch", step, case), ("results", step, None), ("judge", step, check)
        self.queue: deque[tuple] = deque()
        self.queued: set[int] = set()             # id() of every case queued to be prepared so far

    def step_started(self, step: int) -> None:
        self.started.add(step)
        function, cases = self.steps.get(step, ("", []))
        first = step in self.handed_over
        if first:       # then rebuild the next such step's inputs (engine/plan.let_go_of_later_inputs)
            later = [s for s in self.handed_over if s > step][:1]
            for s in later:
                self.queue.extendleft(("fetch", s, case) for case in reversed(self.steps[s][1]))
        if function in self.answering:
            if first:           # its inputs are the worker's now: prepared first, then let go of
                self.release |= {id(case) for case in cases}
            self._add(step, cases, first=first)

    def step_ended(self, step: int, records: list[dict]) -> None:
        """STEP's answers as read (wire.read_step): the cases whose call gave outputs."""
        function, cases = self.steps.get(step, ("", []))
        calls = {r["call"] for r in records if isinstance(r, dict) and "leaves" in r and type(r.get("call")) is int}
        answered = [case for i, case in enumerate(cases) if i in calls]
        if answered:
            self.answering.add(function)
        self._add(step, answered)
        self.read[step] = records
        if self.judging is not None and step in self.step_probe:
            self.queue.append(("results", step, None))

    def pending(self) -> bool:
        return bool(self.queue)

    def work(self) -> None:
        """One piece: prepare a case's values (a few milliseconds, a realistic size's more), or
        rebuild the inputs of a realistic-size step that has not started yet."""
        if not self.queue:
            return
        kind, step, case = self.queue.popleft()
        if kind == "fetch":
            if step not in self.started:      # else its hand-over has made them already
                case.args                     # noqa: B018 - asked for: rebuilt (Case.release)
            return
        if kind == "results":
            self._make_results(step)
            return
        if kind == "judge":
            self._judge(case)
            return
        prepare_case(case)
        if id(case) in self.release:
            case.release()

    # ---- judging while the worker runs (Judging) ----------------------------------------------
    def _import_step(self, pid: str) -> int:
        fn = self.judging.assignment.by_name[self.judging.assignment.probe_map[pid].function]
        return self.plan.module_step[fn.module]

    def _make_results(self, step: int) -> None:
        pid, judging = self.step_probe[step], self.judging
        probe = judging.assignment.probe_map[pid]
        imp = self._import_step(pid)
        if imp not in self.read or step not in self.read:
            return
        made = _Made(self.read[imp], self.read[step], [])
        view = WorkerRun(out_dir=None, records={imp: made.import_records, step: made.step_records})
        module = judging.assignment.by_name[probe.function].module
        made.results = call_results(judging.assignment, self.plan, view, probe, len(self.cases[pid]),
                                    judging.module_problems.get(module), judging.canonical)
        self.made[pid] = made
        for check in judging.checks:
            if pid in check.probes and all(p in self.made for p in check.probes):
                self.queue.append(("judge", step, check))

    def _judge(self, check: Check) -> None:
        if not all(p in self.made for p in check.probes):
            return
        lists = tuple(self.made[p].results for p in check.probes)
        cases = [x for p in check.probes for x in self.cases[p]]
        self.judging.judged[check.id] = Judged(lists, verdicts_of(check, cases, [x for r in lists for x in r],
                                                                  self.judging.assignment))

    def results_after(self, pid: str, run: WorkerRun) -> list[CallResult] | None:
        """PID's results made while the worker ran, if the run ended with the very records they were
        made from and no failure of their steps; else None (make them again)."""
        made = self.made.get(pid)
        if made is None:
            return None
        imp, step = self._import_step(pid), self.plan.probe_step[pid]
        if (run.records.get(imp) is made.import_records and run.records.get(step) is made.step_records
                and imp not in run.failures and step not in run.failures):
            return made.results
        return None

    def _add(self, step: int, cases: list[Case], first: bool = False) -> None:
        for case in reversed(cases) if first else cases:
            if id(case) not in self.queued:
                self.queued.add(id(case))
                self.queue.appendleft(("prepare", step, case)) if first else self.queue.append(("prepare", step, case))
