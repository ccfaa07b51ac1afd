"""A grade's first worker, started before the plan exists: it loads its interpreter and NumPy while
the grader draws the cases (start_early), or even before the grader has imported NumPy and the
assignment (prestart, for one `grade` from the command line).

Light on purpose (no NumPy): the command line imports it first. The runner (runner.run_plan)
takes the worker over and lets it go; until then it has read nothing of the job.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.sandbox import confine, tree

if TYPE_CHECKING:
    from autograder.sandbox.limits import Limits

WORKER_SCRIPT = Path(__file__).with_name("worker.py")


class EarlyWorker:
    """A grade's first worker, started by start_early as soon as the submission is staged (or by
    prestart, before it is: Prestart): the job laid out and the box prepared exactly as run_plan
    does, the worker spawned by the same Box.spawn but held (it imports NumPy, then waits for "go"
    before it reads the plan or the submission). run_plan(early=...) takes it over, writes the plan
    and lets it go; its time limits start then. abort() (idempotent) ends it when the grade stops
    before that."""

    def __init__(self, job: Path, limits: Limits):
        self.job, self.limits = job, limits
        self.box: confine.Box | None = None
        self.worker: tuple | None = None        # (proc, progress_r) until _supervise takes it
        self.taken = False                      # run_plan owns the job from then on

    def take(self) -> tuple:
        worker, self.worker = self.worker, None
        return worker

    def drop_worker(self) -> None:
        """Kill the held worker (it never got "go": it has read nothing of the job)."""
        worker, self.worker = self.worker, None
        if worker is not None and self.box is not None:
            proc, progress_r = worker
            self.box.kill_all(proc)
            os.close(progress_r)

    def abort(self) -> list[str]:
        """The grade stopped before run_plan took the worker: kill it, give the slot back, remove
        the job. Returns cleanup problems."""
        if self.taken:
            return []
        self.taken = True
        problems: list[str] = []
        try:
            self.drop_worker()
        finally:
            problems += self.box.close() if self.box is not None else []
            problems += tree.remove_tree(str(self.job))
        return problems


def start_early(submission_dir: Path, limits: Limits) -> EarlyWorker | None:
    """Prepare the job and start its first worker now, held until run_plan lets it go (see
    EarlyWorker); where the fork server starts workers (fallback mode) only the job and box, the
    zygote starting meanwhile (confine.prepare), and the first worker is forked at "go". None when
    that fails here: run_plan then does it all itself, as without it, and meets the same problem
    at the same point."""
    early = EarlyWorker(Path(tempfile.mkdtemp(prefix="rnn-grade-")), limits)
    try:
        early.box = confine.prepare(early.job, submission_dir, WORKER_SCRIPT, limits)
        if not early.box.forks_workers():     # a fork of the zygote costs little: it starts at "go"
            early.worker = early.box.spawn(0, 0, hold=True)
    except BaseException as exc:
        early.abort()
        if not isinstance(exc, Exception):      # an interrupt is not ours to swallow
            raise
        return None         # run_plan starts over and reports the problem as it always has
    return early


class Prestart:
    """A grade's sandbox started before the grader loads anything heavy (NumPy, the assignment and
    its checks: about 90 ms): an empty folder, where the submission is staged later (intake.stage's
    `into`), and the EarlyWorker prepared for that folder (None when that failed: the grade then
    starts its own, and meets the same problem). The worker is held until "go" as ever, and reads
    nothing before it; admit(), once the files are staged and before "go", does for them what
    confine.prepare does for a submission staged before it. abort() (idempotent) ends it all:
    call it when the grade is over, whatever happened."""

    def __init__(self, folder: Path, early: EarlyWorker | None, limits: Limits):
        self.folder, self.early, self.limits = folder, early, limits

    def admit(self) -> None:
        if self.early is not None and self.early.box is not None:
            self.early.box.admit_submission()

    def abort(self) -> None:
        if self.early is not None:
            self.early.abort()
        shutil.rmtree(self.folder, ignore_errors=True)


def prestart(limits: Limits) -> Prestart | None:
    """Start a grade's sandbox now, for a submission not staged yet; None when even its folder
    cannot be made (the grade then does it all itself)."""
    try:
        folder = Path(tempfile.mkdtemp(prefix="rnn-submission-"))
    except OSError:
        return None
    return Prestart(folder, start_early(folder, limits), limits)
