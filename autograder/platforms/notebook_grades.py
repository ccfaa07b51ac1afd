"""The grader's scores of an nbgrader notebook's test cells, from the sandboxed engine.

`grade_notebook` grades a notebook exactly as `python -m autograder grade` grades a folder holding
it: its code cells are parsed in this (trusted) process by notebook_submission.py, never run here;
the student's functions run only in the sandboxed worker. `cell_grades` turns the report into what
each test cell `test-<function>` of the course's notebook shows (notebook.test_cell_id): the
function's score, out of its points, and a summary of its failed checks (score, cases passed, the
likely mistake; never a hidden input or expected value). autograder/platforms/nbgrader_autograde.py writes
them into nbgrader's notebook; nothing here needs nbgrader.

An error here is the instructor's (a stale course, an unknown test cell, the grader failing), never
a student's 0: it raises NotebookGradeError, and nbgrader reports that notebook as not autograded.
"""
from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from autograder.assignment import Assignment, load
from autograder.engine.scoring import Outcome, feedback
from autograder.engine.secret import CourseSecret
from autograder.i18n import N_, _, in_language, in_language_of
from autograder.outputs.escape import plain_text
from autograder.outputs.notebook import test_cell_id
from autograder.pipeline.grade import Report
from autograder.platforms.safe_grade import grade_safely

# The parts of a check's feedback that a notebook's summary keeps (hidden cases' details are left out).
SUMMARY_PARTS = (N_("Passed "), N_("Likely mistake:"), N_("Graded with a correct "), N_("No credit yet:"))


def _starts(part: str, *prefixes: str) -> bool:
    """PART begins with one of PREFIXES in the current language."""
    return part.startswith(tuple(_(p) for p in prefixes))


class NotebookGradeError(Exception):
    """The notebook could not be autograded; the message is for the instructor."""


@dataclass(frozen=True)
class CellGrade:
    """What one test cell shows: FUNCTION's score out of MAX_SCORE, and TEXT (the summary)."""

    function: str
    score: float
    max_score: float
    text: str


@in_language
def grade_notebook(notebook: Mapping, filename: str, assignment: Assignment | str | None = None,
                   secret: CourseSecret | None = None) -> Report:
    """The engine's report on NOTEBOOK (nbformat 4 JSON), graded as FILENAME alone in a submission."""
    if not re.fullmatch(r"[\w.-]{1,100}\.ipynb", filename):
        filename = "notebook.ipynb"
    data = json.dumps(notebook, ensure_ascii=False).encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="rnn-autograder-nbgrader-") as tmp:
        folder = Path(tmp) / "submission"
        folder.mkdir()
        (folder / filename).write_bytes(data)
        graded = grade_safely(folder, secret=secret, assignment=assignment)
    if graded.internal_error:
        raise NotebookGradeError(f"the grader itself failed on {filename} (not the student's code; the notebook "
                                 f"was not autograded):\n{graded.internal_error[-3000:]}")
    return graded.report


def problem(outcome: Outcome) -> str:
    """Why OUTCOME's check could not be run at all (a function missing, a file that does not import:
    the text Gradescope shows), or ""."""
    if outcome.problem and not _starts(outcome.problem, SUMMARY_PARTS[-1]):
        return plain_text(outcome.problem)
    return ""


def summary(outcome: Outcome) -> str:
    """A failed check as students see it in the notebook: its score, name, cases passed and the
    likely mistake; never the hidden cases' inputs or expected values."""
    keep = []
    for part in plain_text(feedback(outcome)).removeprefix(problem(outcome)).split("\n\n"):
        if _starts(part, SUMMARY_PARTS[-1]):
            keep.append(re.sub(r":$", ".", part.split("\n", 1)[0]))    # without the gate's own failure
        elif _starts(part, *SUMMARY_PARTS):
            keep.append(part)
    return "\n".join([f"[{outcome.score:g} / {outcome.max_score:g}] {plain_text(outcome.name)}"] + keep)


@in_language_of
def cell_grades(report: Report) -> dict[str, CellGrade]:
    """{test cell id: its CellGrade} for every function of the report's assignment; the first cell
    also carries the notes on the notebook as a whole (cells left out, syntax errors)."""
    out = {}
    for number, fn in enumerate(report.assignment.functions):
        outcomes = [o for o in report.outcomes if o.check.function == fn.name]
        score = round(sum(o.score for o in outcomes), 4)
        full = round(sum(o.max_score for o in outcomes), 4)
        failed = [o for o in outcomes if o.score < o.max_score]
        lines = [_("{function}: {score} of {full} points from the grader, which ran its hidden tests on "
                   "your notebook's code in its sandbox.").format(function=fn.name, score=f"{score:g}",
                                                                  full=f"{full:g}"), ""]
        lines += [text + "\n" for text in dict.fromkeys(problem(o) for o in failed) if text]
        passed = _("Passed every hidden test of {function}.").format(function=fn.name)
        lines += ["\n\n".join(summary(o) for o in failed) if failed else passed]
        if number == 0 and report.notes:
            lines += ["", _("About your notebook as a whole:")] + [plain_text(note) for note in report.notes]
        out[test_cell_id(fn.name)] = CellGrade(fn.name, score, full, "\n".join(lines) + "\n")
    return out


def check_cells(grades: Mapping[str, CellGrade], cells: Mapping[str, float],
                assignment: Assignment | str | None = None) -> None:
    """Raise NotebookGradeError unless every autograded cell (cells: grade id -> points) is the test
    cell of a function, worth the points the grader gives it."""
    a = load(assignment)
    for grade_id, points in cells.items():
        grade = grades.get(grade_id)
        if grade is None:
            raise NotebookGradeError(
                f"the autograded cell {grade_id!r} tests no function of {a.name}: this course's autograde runs no "
                "notebook code, so only the grader's test cells (test-<function>) can be autograded. Regenerate "
                "the course with `python -m autograder notebook --course-dir`, or grade that cell by hand.")
        if round(float(points), 4) != grade.max_score:
            raise NotebookGradeError(
                f"the grader gives {grade.function} {grade.max_score:g} points but its cell {grade_id!r} is worth "
                f"{float(points):g}: regenerate the course with `python -m autograder notebook --course-dir`, then "
                "`nbgrader generate_assignment --force`.")
