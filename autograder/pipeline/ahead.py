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
substituted helper's answers, say).
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
        self.handed_over = set(plan.deferred)     # steps whose inputs the worker has once they start
        self.release: set[int] = set()            # id() of the cases to let go of once prepared
        self.answering: set[str] = set()          # functions with a call that answered
        self.queue: deque[Case] = deque()
        self.queued: set[int] = set()             # id() of every case queued so far

    def step_started(self, step: int) -> None:
        function, cases = self.steps.get(step, ("", []))
        if function in self.answering:
            if step in self.handed_over:      # its inputs are the worker's now: first, then let go of
                self.release |= {id(case) for case in cases}
            self._add(cases, first=step in self.handed_over)

    def step_ended(self, step: int, records: list[dict]) -> None:
        """STEP's answers as read (wire.read_step): the cases whose call gave outputs."""
        function, cases = self.steps.get(step, ("", []))
        calls = {r["call"] for r in records if isinstance(r, dict) and "leaves" in r and type(r.get("call")) is int}
        answered = [case for i, case in enumerate(cases) if i in calls]
        if answered:
            self.answering.add(function)
        self._add(answered)

    def pending(self) -> bool:
        return bool(self.queue)

    def work(self) -> None:
        """Prepare the next case's values (one case: a few milliseconds, a realistic size's more)."""
        if self.queue:
            case = self.queue.popleft()
            prepare_case(case)
            if id(case) in self.release:
                case.release()

    def _add(self, cases: list[Case], first: bool = False) -> None:
        for case in reversed(cases) if first else cases:
            if id(case) not in self.queued:
                self.queued.add(id(case))
                self.queue.appendleft(case) if first else self.queue.append(case)
