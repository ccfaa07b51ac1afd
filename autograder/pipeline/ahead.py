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
"""
from __future__ import annotations

from collections import deque

from autograder.engine.checks import Case
from autograder.engine.expected import prepare_case
from autograder.engine.plan import Plan


class Ahead:
    """runner.Meanwhile for one plan: CASES by probe id, the plan that runs them."""

    def __init__(self, plan: Plan, cases: dict[str, list[Case]]):
        self.steps = {step: (plan.steps[step]["function"], cases[pid]) for pid, step in plan.probe_step.items()}
        self.handed_over = sorted(plan.deferred)  # steps whose inputs the worker has once they start
        self.started: set[int] = set()
        self.release: set[int] = set()            # id() of the cases to let go of once prepared
        self.answering: set[str] = set()          # functions with a call that answered
        self.queue: deque[tuple[str, int, Case]] = deque()   # ("prepare" | "fetch", step, case)
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
        prepare_case(case)
        if id(case) in self.release:
            case.release()

    def _add(self, step: int, cases: list[Case], first: bool = False) -> None:
        for case in reversed(cases) if first else cases:
            if id(case) not in self.queued:
                self.queued.add(id(case))
                self.queue.appendleft(("prepare", step, case)) if first else self.queue.append(("prepare", step, case))
