"""Grade one submission and write its results.json, whatever happens: the one place that does it.

grade_safely() is the only caller of grade_submission() outside the Gradescope entry point: an
internal grader error becomes a valid zero-score report (failed_report) naming no student fault,
and a grader that cannot run student code here (confine.SandboxError: no sandbox can be set up,
or every sandbox slot is out of use) a valid report telling the student that the grader was
unavailable (unavailable_report), while the instructor gets the error that says what to fix.
results_document() is the results.json content, stamped (top-level "extra_data", which Gradescope
ignores) with the grader's fingerprint and the submission's content hash, so that `batch` can
tell later whether it is still up to date. save() writes it atomically and reports, rather than
raises, a folder it cannot write. `grade` and `batch` (its local processes and its Dask workers)
all go through these three functions.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

from autograder.assignment import load
from autograder.engine.scoring import Outcome
from autograder.engine.secret import CourseSecret, load_secret
from autograder.i18n import in_language
from autograder.outputs.results import to_gradescope, write_atomically
from autograder.pipeline.grade import Report, failed_report, grade_submission
from autograder.sandbox.confine import SandboxError
from autograder.sandbox.early import Prestart
from autograder.sandbox.runner import Limits

STAMP = "extra_data"          # top-level key of results.json that Gradescope ignores


@dataclass(frozen=True)
class Graded:
    report: Report
    internal_error: str | None       # the traceback when the grader itself broke, else None
    unavailable: str | None = None   # the instructor's message when the grader could not run here


@in_language
def grade_safely(submission: Path, *, limits: Limits | None = None, secret: CourseSecret | None = None,
                 assignment=None, prestart: Prestart | None = None) -> Graded:
    """Grade SUBMISSION (a folder or a .zip) for ASSIGNMENT (an Assignment, a name or a folder;
    default rnn_bptt); an internal error gives failed_report, never an exception.

    secret: the course secret that seeds the hidden cases (default: secret.load_secret()).
    prestart: the sandbox started for it before the grader was imported (pipeline.grade_submission).
    lang (keyword): the language of the feedback (default: autograder.i18n.current())."""
    try:
        return Graded(grade_submission(Path(submission), limits=limits, secret=secret, assignment=assignment,
                                       prestart=prestart), None)
    except SandboxError as exc:
        message = f"grader unavailable: {exc}"
        return Graded(unavailable_report(message, assignment), message + "\n", message)
    except Exception as exc:  # noqa: BLE001 - the results file must be written whatever happens
        return Graded(failed_report(exc, assignment), traceback.format_exc())


UNAVAILABLE_NOTE = ("The grader was unavailable: it could not run your code on the grading machine, so this "
                    "submission was not graded and the 0 is not your mark. This is not a problem with your "
                    "submission. The grading machine needs your instructor's attention, and your submission "
                    "will be graded again once it is fixed (tell your instructor if this message stays).")
UNAVAILABLE_TEST = "Not graded: the grader was unavailable (not your fault; see the note at the top)."


def unavailable_report(message: str, assignment=None) -> Report:
    """A valid report for a submission that could not be graded because the grader could not run
    student code here (MESSAGE, the instructor's, goes to the log only)."""
    assignment = load(assignment)
    outcomes = []
    for check in assignment.graded_checks():
        o = Outcome(check, float(assignment.points[check.id]), 0.0, 0, 1)
        o.problem = UNAVAILABLE_TEST
        outcomes.append(o)
    return Report(outcomes, assignment, notes=[UNAVAILABLE_NOTE], log=[message])


def results_document(report: Report, grader_fingerprint: str, content_hash: str,
                     internal_error: bool = False) -> dict:
    """results.json for REPORT (Gradescope's format), stamped with what it was graded by and on
    (and whether the grader broke, so that `batch` grades it again)."""
    data = to_gradescope(report)
    data[STAMP] = {**data.get(STAMP, {}), "grader_fingerprint": grader_fingerprint, "submission_hash": content_hash}
    if internal_error:
        data[STAMP]["internal_error"] = True
    return data


def stamp_of(data: object) -> tuple[str, str] | None:
    """(grader_fingerprint, submission_hash) of a results.json's content, None when it has none."""
    extra = data.get(STAMP) if isinstance(data, dict) else None
    if not isinstance(extra, dict):
        return None
    fp, content = extra.get("grader_fingerprint"), extra.get("submission_hash")
    return (fp, content) if isinstance(fp, str) and isinstance(content, str) else None


def save(path: Path, data: dict) -> str | None:
    """Write DATA to PATH atomically; None when written, else what went wrong (for the instructor)."""
    try:
        write_atomically(Path(path), data)
    except (OSError, ValueError) as exc:
        return f"could not write {path}: {exc}"
    return None


@in_language
def grade_and_save(submission: Path, results: Path, *, limits: Limits | None = None,
                   secret: CourseSecret | None = None, assignment=None,
                   prestart: Prestart | None = None) -> tuple[Graded, str | None]:
    """grade_safely + results_document + save: (what was graded, the write problem or None)."""
    from autograder.engine.fingerprint import fingerprint, submission_hash

    secret = secret or load_secret()
    graded = grade_safely(submission, limits=limits, secret=secret, assignment=assignment, prestart=prestart)
    data = results_document(graded.report, fingerprint(secret.key, graded.report.assignment, graded.report.lang),
                            submission_hash(Path(submission)),
                            graded.internal_error is not None)
    return graded, save(results, data)
