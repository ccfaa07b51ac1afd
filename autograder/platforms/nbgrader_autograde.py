"""`nbgrader autograde` in the course `python -m autograder notebook --course-dir` writes: the
trusted step that takes the place of nbgrader's Execute (imported by the course's nbgrader_config.py).

nbgrader's own autograde runs each submitted notebook in a Jupyter kernel, as the instructor, and
records each test cell's score from what the kernel printed: code in a solution cell could set
any score, read the course secret and the reference, and change the gradebook. Here no notebook
is run at all. `autograde_preprocessors` is nbgrader's list of autograde steps with Execute
replaced by GradeInSandbox, which runs in nbgrader's process: it grades the (sanitized) notebook
with the engine (notebook_grades.grade_notebook: parsed here, the functions run only in the
sandboxed worker) and writes each test cell's output: the grader's summary, then its score, from
which nbgrader's SaveAutoGrades records the cell's partial credit and generate_feedback shows it.
The assignment comes from nbgrader (its assignment id, mapped by the course's configuration),
never from the student's notebook.
"""
from __future__ import annotations

from pathlib import Path

from nbconvert.preprocessors import ExecutePreprocessor
from nbformat.v4 import new_output
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Dict, Unicode

from autograder.engine.secret import load_secret
from autograder.platforms.notebook_grades import NotebookGradeError, cell_grades, check_cells, grade_notebook


class GradeInSandbox(NbGraderPreprocessor):
    """Autograde's grading step: the grader's scores, in place of running the notebook."""

    assignments = Dict(
        {}, help="nbgrader's assignment id -> the grader's assignment (a built-in name or a folder)").tag(config=True)
    secret_file = Unicode(
        "", help="the course secret (default: as for `python -m autograder grade`)").tag(config=True)
    lang = Unicode(
        "", help="the feedback's language, en or vi (default: as for `python -m autograder grade`)").tag(config=True)

    def preprocess(self, nb, resources):
        if any(isinstance(step, ExecutePreprocessor) for step in getattr(self.parent, "_preprocessors", [])):
            raise NotebookGradeError(
                "not autograded: a step that runs the notebook (nbgrader's Execute) is configured beside the "
                "grader's. Take it out of c.Autograde.autograde_preprocessors (nbgrader_config.py as written by "
                "`python -m autograder notebook --course-dir` does).")
        meta = resources["nbgrader"]
        assignment = self.assignments.get(meta["assignment"])
        if assignment is None:
            raise NotebookGradeError(
                f"nbgrader's assignment {meta['assignment']!r} has no grader assignment: add it to "
                "c.GradeInSandbox.assignments in nbgrader_config.py (or write the course again with "
                "`python -m autograder notebook --course-dir`).")
        with Gradebook(meta["db_url"]) as gb:        # the autograded cells and their points: nbgrader's own
            points = {c.name: c.max_score for c in gb.find_notebook(meta["notebook"], meta["assignment"]).grade_cells
                      if c.cell_type == "code"}
        cells = graded_cells(nb, points)
        secret = load_secret(Path(self.secret_file) if self.secret_file else None)
        report = grade_notebook(nb, f"{meta['notebook']}.ipynb", assignment, secret, lang=self.lang or None)
        grades = cell_grades(report)
        check_cells(grades, points, assignment)
        for grade_id, cell in cells.items():
            grade = grades[grade_id]
            cell.outputs = [new_output("stream", name="stdout", text=grade.text),
                            new_output("execute_result", data={"text/plain": repr(float(grade.score))},
                                       execution_count=None)]
        self.log.info("Graded %s of %s in the grader's sandbox: %g / %g", meta["notebook"], meta["student"],
                      report.score, report.max_score)
        return nb, resources


def graded_cells(nb, points: dict[str, float]) -> dict:
    """{grade id: cell} of NB's autograded code cells, as the gradebook (POINTS: id -> points) has
    them, whatever the submission's metadata says: each is a locked, non-solution grade cell worth
    its points, with no output; a later copy of one is no cell of nbgrader's, and any other cell
    is not autograded (nbgrader's sanitizing has already restored the locked cells' sources)."""
    out = {}
    for cell in nb.cells:
        info = cell.metadata.get("nbgrader")
        if cell.cell_type != "code" or not isinstance(info, dict):
            continue
        grade_id = info.get("grade_id")
        if grade_id in points and grade_id not in out:
            info.update(grade=True, solution=False, locked=True, points=points[grade_id])
            cell.outputs = []
            out[grade_id] = cell
        elif grade_id in points:
            cell.metadata["nbgrader"] = {}          # a second copy of a test cell
        elif info.get("grade"):
            info["grade"] = False                   # not autograded: the gradebook has no such cell
    return out


def autograde_preprocessors(steps: list | None = None) -> list:
    """nbgrader's autograde steps (default: Autograde's own) with Execute replaced by GradeInSandbox;
    ValueError unless exactly one step runs a notebook and it is nbgrader's Execute."""
    steps = list(Autograde.class_traits()["autograde_preprocessors"].default() if steps is None else steps)
    runs = [i for i, step in enumerate(steps) if isinstance(step, type) and issubclass(step, ExecutePreprocessor)]
    named = [step for step in steps if not isinstance(step, type)]
    if len(runs) != 1 or named:
        raise ValueError(f"nbgrader's autograde steps are not as expected ({steps!r}): not autograding rather "
                         "than risk running a notebook")
    steps[runs[0]] = GradeInSandbox
    return steps
