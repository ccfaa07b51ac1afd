"""What run_autograder runs: grade the submission in Gradescope's layout and write results.json.

Layout ("Autograder specifications"), all under AUTOGRADER_ROOT (default /autograder):
source/ (the zip, unpacked), submission/ (the student's files), submission_metadata.json,
results/results.json. stdout is the instructor's log: students never see it (stdout_visibility
is hidden).
"""
from __future__ import annotations

import dataclasses
import os
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.platforms.gradescope import metadata, settings
from autograder.sandbox.limits import Limits

DEFAULT_ROOT = "/autograder"

# Gradescope's default container has 768 MB for everything. The trusted process peaks near 55 MB
# and a worker near 50 MB. A fixed 512 MB cap on the worker's address space (the sandbox would
# otherwise take what the container has left at that moment) turns a runaway submission into a
# MemoryError for that call, the same for every submission, instead of the container being killed.
CONTAINER_LIMITS = dataclasses.replace(Limits(), memory_bytes=512 << 20)


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def submission(self) -> Path:
        return self.root / "submission"

    @property
    def metadata(self) -> Path:
        return self.root / "submission_metadata.json"

    @property
    def results(self) -> Path:
        return self.root / "results" / "results.json"


def layout(root: str | Path | None = None) -> Layout:
    return Layout(Path(root or os.environ.get("AUTOGRADER_ROOT") or DEFAULT_ROOT))


def run(where: Layout) -> int:
    """Grade where.submission into where.results. 0 when results.json was written, else 2.

    The sandbox and its worker start first, while the grader imports NumPy and the assignment
    (sandbox/early.prestart), as for `grade` on the command line."""
    from autograder.sandbox.early import prestart

    started = prestart(CONTAINER_LIMITS)
    try:
        return _run(where, started)
    finally:
        if started is not None:
            started.abort()


def _run(where: Layout, started) -> int:
    from autograder.outputs.escape import terminal_text
    from autograder.outputs.results import to_gradescope, write_atomically
    from autograder.outputs.summary import terminal_summary
    from autograder.platforms.process import imports_done
    from autograder.platforms.safe_grade import grade_safely

    imports_done()      # __main__ turned the garbage collector off for them (platforms/process.py)

    log = [f"grader: {Path(__file__).parents[2]}", f"python: {sys.version.split()[0]}"]
    chosen, problem = settings.load(where.source / settings.SETTINGS_FILE)
    info = metadata.read_metadata(where.metadata)
    log += [m for m in (problem, info.problem) if m]
    graded = grade_safely(where.submission, limits=CONTAINER_LIMITS, secret=course_secret(where),
                          assignment=chosen.assignment, lang=chosen.lang, prestart=started)
    if graded.internal_error:
        print(graded.internal_error, file=sys.stderr, end="")
    report = graded.report
    try:
        write_atomically(where.results, to_gradescope(report, chosen.test_visibility, metadata.greeting(info),
                                                      chosen.results_visibility))
    except (OSError, ValueError) as exc:
        print(f"run_autograder: could not write {where.results}: {exc}", file=sys.stderr)
        return 2
    print(terminal_summary(report, str(where.submission), verbose=True))
    print(terminal_text("\n".join(["", "log:", *log, *report.log, peak_memory()])))
    if report.student_output:
        print("\nwhat the submission printed:\n" + terminal_text(report.student_output))
    return 0


def course_secret(where: Layout):
    """The course secret the zip carries (bundle.SECRET_FILE), so Gradescope draws what `grade` draws."""
    from autograder.engine.secret import load_secret
    from autograder.platforms.gradescope.bundle import SECRET_FILE

    return load_secret(where.source / SECRET_FILE, create=False)


def selftest() -> int:
    """Grade the bundled reference solution; 0 only when it earns every point (setup.sh runs this)."""
    from autograder.assignment import load
    from autograder.outputs.summary import terminal_summary
    from autograder.pipeline.grade import grade_submission
    from autograder.platforms.process import imports_done

    imports_done()
    start = time.monotonic()
    where = layout()
    chosen, _ = settings.load(where.source / settings.SETTINGS_FILE)
    assignment = load(chosen.assignment)
    solution = assignment.reference.dir
    report = grade_submission(solution, limits=CONTAINER_LIMITS, secret=course_secret(where), assignment=assignment)
    print(terminal_summary(report, f"self-test: {assignment.name}'s reference solution {solution}", verbose=True))
    print(f"{time.monotonic() - start:.1f} s; {peak_memory()}")
    if report.score != report.max_score:
        print("self-test FAILED: the grader does not give the reference solution full marks in this "
              "environment. Read the failed tests above; fix and rebuild the zip.", file=sys.stderr)
        return 1
    return 0


def peak_memory() -> str:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"peak memory: grader {own:.0f} MB, largest worker {workers:.0f} MB"
