"""The nbgrader notebook (`python -m autograder notebook`): its structure, the course's autograde
step without nbgrader's process (autograder/platforms/notebook_grades.py), and two end-to-end runs.

The runs execute the notebook's code cells in order in a separate Python process, one file per
cell (as IPython does), as a student would: the reference notebook passes every visible test; the
released notebook (solutions cleared as nbgrader does) fails every test cell. The notebook holds no
grader hook: under autograde it is not run (tests/test_nbgrader_roundtrip.py runs the real nbgrader).
"""
from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.assignments.rnn_bptt.contract import FUNCTIONS, MODULES
from autograder.assignments.rnn_bptt.points import POINTS
from autograder.outputs import notebook as nb
from autograder.platforms.cli import main

DRIVER = r'''
import ast, json, sys
ns = {"__name__": "__main__"}
report = []
for path in sys.argv[1:]:
    tree = ast.parse(open(path, encoding="utf-8").read(), filename=path)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    try:
        exec(compile(tree, path, "exec"), ns)
        value = eval(compile(ast.Expression(last.value), path, "eval"), ns) if last else None
        report.append({"ok": True, "value": value if isinstance(value, (int, float)) else None})
    except Exception as e:
        report.append({"ok": False, "error": f"{type(e).__name__}: {e}"[:3000]})
print(json.dumps(report))
'''

def cell_text(cell: dict) -> str:
    return "".join(cell["source"])


def nbgrader(cell: dict) -> dict:
    return cell["metadata"].get("nbgrader", {})


def run_cells(codes: list[str], folder: Path) -> list[dict]:
    folder.mkdir()
    paths = []
    for i, code in enumerate(codes):
        path = folder / f"cell{i:02d}.py"
        path.write_text(code, encoding="utf-8")
        paths.append(str(path))
    (folder / "driver.py").write_text(DRIVER, encoding="utf-8")
    run = subprocess.run([sys.executable, str(folder / "driver.py"), *paths], cwd=folder,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.splitlines()[-1])


def released(code: str) -> str:
    """What nbgrader's ClearSolutions leaves of a cell (its default stub)."""
    return re.sub(rf"(?ms)^( *){nb.BEGIN_SOLUTION}\n.*?^ *{nb.END_SOLUTION}\n?",
                  lambda m: f"{m.group(1)}# YOUR CODE HERE\n{m.group(1)}raise NotImplementedError()\n", code)


def released_notebook(notebook: dict) -> dict:
    out = json.loads(json.dumps(notebook))
    for cell in out["cells"]:
        cell["source"] = released(cell_text(cell)).splitlines(keepends=True)
    return out


@pytest.fixture(scope="module")
def notebook(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("nb")
    assert main(["notebook", "--output", str(out)]) == 0
    return json.loads((out / "rnn_bptt.ipynb").read_text(encoding="utf-8"))


def test_nbformat4_structure(notebook):
    assert notebook["nbformat"] == 4 and notebook["nbformat_minor"] == 5
    assert notebook["metadata"]["kernelspec"]["language"] == "python"
    ids = [c["id"] for c in notebook["cells"]]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", i) for i in ids)
    for cell in notebook["cells"]:
        assert cell["cell_type"] in ("markdown", "code")
        assert isinstance(cell["source"], list) and all(isinstance(s, str) for s in cell["source"])
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
        meta = nbgrader(cell)
        if meta:
            assert meta["schema_version"] == 3 and meta["grade_id"] == cell["id"]
            assert {"solution", "grade", "locked"} <= set(meta)


def test_handout_is_split_by_section(notebook):
    markdown = [cell_text(c) for c in notebook["cells"] if c["cell_type"] == "markdown"]
    headings = [re.search(r"(?m)^## (\d+)\.", m) for m in markdown[1:]]
    assert [int(h.group(1)) for h in headings] == list(range(1, 10))
    assert all(m.startswith(f'<a id="section-{h.group(1)}"></a>') for m, h in zip(markdown[1:], headings))
    assert markdown[0].startswith("# Assignment")
    with pytest.raises(nb.NotebookError, match=r"no section\(s\) \[2, 4, 6, 7\]"):
        nb.handout_sections("# Title\n## 1. One\n")


def test_solution_cells_hold_every_student_function(notebook):
    solutions = [c for c in notebook["cells"] if nbgrader(c).get("solution")]
    assert [c["id"] for c in solutions] == [f"{m}-solution" for m in MODULES]
    for cell in solutions:
        assert nbgrader(cell) == {"grade_id": cell["id"], "schema_version": 3, "solution": True,
                                  "grade": False, "locked": False}
    source = "\n".join(cell_text(c) for c in solutions)
    defined = {n.name: n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)}
    assert set(defined) == {f.name for f in FUNCTIONS}
    lines = source.splitlines()
    for fn in defined.values():                  # the stub's docstring outside the region, the body inside it
        assert "handout section" in ast.get_docstring(fn)
        assert lines[fn.body[0].end_lineno].strip() == nb.BEGIN_SOLUTION, fn.name
        assert lines[fn.end_lineno].strip() == nb.END_SOLUTION, fn.name
    assert source.count(nb.BEGIN_SOLUTION) == source.count(nb.END_SOLUTION) == len(FUNCTIONS)
    for cell in solutions:
        marks = re.findall(rf"{nb.BEGIN_SOLUTION}|{nb.END_SOLUTION}", cell_text(cell))
        assert marks == [nb.BEGIN_SOLUTION, nb.END_SOLUTION] * (len(marks) // 2)


def test_test_cells_carry_the_points_of_the_grader(notebook):
    graded = [c for c in notebook["cells"] if nbgrader(c).get("grade")]
    assert [c["id"] for c in graded] == [nb.test_cell_id(f.name) for f in FUNCTIONS]
    assert nb.test_cell_id("rnn_forward") == "test-rnn-forward"
    assert sum(nbgrader(c)["points"] for c in graded) == 100
    for cell, fn in zip(graded, FUNCTIONS):
        meta = nbgrader(cell)
        assert meta["locked"] and not meta["solution"]
        assert meta["points"] == sum(p for cid, p in POINTS.items() if cid.split(".")[0] == fn.name)
        code = cell_text(cell)
        assert released(code) == code                  # nothing hidden, nothing cleared: the student runs it all
        compile(code, cell["id"], "exec")
        assert re.search(r"^(for params in .*:\n    )?test_\w+\(", code, re.M), code
    setup = [c for c in notebook["cells"] if c["id"] == "setup"][0]
    assert nbgrader(setup) == {"grade_id": "setup", "schema_version": 3, "solution": False, "grade": False,
                               "locked": True}
    compile(cell_text(setup), "setup", "exec")
    assert "pytest" not in cell_text(setup)


@pytest.mark.parametrize("assignment", ["rnn_bptt", "gated_rnn"])
def test_no_cell_grades_or_reaches_the_grader(assignment):
    """The notebook holds nothing that grades: under autograde it is not run, and while a student
    runs it, no score, secret or grader is within reach of its cells."""
    book = nb.build_notebook(assignment)
    code = "\n".join(cell_text(c) for c in book["cells"] if c["cell_type"] == "code")
    for word in ("autograder", "subprocess", "BEGIN HIDDEN", "RNN_AUTOGRADER", "secret", "results.json", "_GRADED"):
        assert word not in code, word
    assert "BEGIN HIDDEN" not in json.dumps(book)


def test_reference_notebook_passes_its_visible_tests(notebook, tmp_path):
    codes = [cell_text(c) for c in notebook["cells"] if c["cell_type"] == "code"]
    names = [c["id"] for c in notebook["cells"] if c["cell_type"] == "code"]
    report = run_cells(codes, tmp_path / "reference")
    for name, result in zip(names, report):
        assert result["ok"], f"{name}: {result}"


def test_released_notebook_fails_every_test_cell(notebook, tmp_path):
    code_cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    report = run_cells([released(cell_text(c)) for c in code_cells], tmp_path / "released")
    for cell, result in zip(code_cells, report):
        if nbgrader(cell)["grade"]:
            assert not result["ok"] and "NotImplementedError" in result["error"], (cell["id"], result)
        else:
            assert result["ok"], (cell["id"], result)


def test_course_dir_is_ready_for_nbgrader(tmp_path):
    assert main(["notebook", "--course-dir", str(tmp_path / "course")]) == 0
    course = tmp_path / "course"
    for name in ("rnn_bptt", "gated_rnn"):
        source = json.loads((course / "source" / name / f"{name}.ipynb").read_text(encoding="utf-8"))
        assert source == nb.build_notebook(name)
    config = (course / "nbgrader_config.py").read_text(encoding="utf-8")
    body = ast.parse(config).body
    first = [ast.unparse(n) for n in body if isinstance(n, (ast.Assign, ast.Try))]
    assert first[:2] == ["c = get_config()", "c.Autograde.autograde_preprocessors = [NotConfigured]"]
    assert isinstance(body[-1], ast.Try) and len(body[-1].handlers) == 1       # nothing after it can fail
    with pytest.raises(SystemExit):             # one of --output and --course-dir
        main(["notebook"])


def run_config(text: str):
    """The traitlets Config that nbgrader gets from the course's nbgrader_config.py TEXT."""
    from traitlets.config import Config

    config = Config()
    exec(compile(text, "nbgrader_config.py", "exec"), {"get_config": lambda: config})
    return config


def test_course_config_replaces_execute_or_stops_autograde(monkeypatch):
    """The configuration takes out nbgrader's Execute (a kernel running the student's cells) for
    the grader's step; when that cannot be set up, autograde's only step stops, and nothing runs."""
    pytest.importorskip("nbgrader")
    from nbconvert.preprocessors import ExecutePreprocessor
    from nbgrader.converters import Autograde

    from autograder.platforms import nbgrader_autograde

    text = nb.nbgrader_config({"rnn_bptt": "rnn_bptt", "part1": "/courses/part1"})
    config = run_config(text)
    steps = config.Autograde.autograde_preprocessors
    assert steps[0] is nbgrader_autograde.GradeInSandbox
    assert not any(isinstance(s, type) and issubclass(s, ExecutePreprocessor) for s in steps)
    defaults = Autograde.class_traits()["autograde_preprocessors"].default()
    assert steps[1:] == defaults[1:]                # nbgrader's own steps, SaveAutoGrades among them
    assert config.GradeInSandbox.assignments == {"rnn_bptt": "rnn_bptt", "part1": "/courses/part1"}
    for odd in ([], defaults[1:], defaults + defaults[:1], ["nbgrader.preprocessors.Execute"] + defaults[1:]):
        with pytest.raises(ValueError, match="not autograding"):
            nbgrader_autograde.autograde_preprocessors(odd)

    from nbconvert.exporters import NotebookExporter
    from nbgrader.preprocessors import Execute

    exporter = NotebookExporter()                  # Execute configured beside it (by hand): the step refuses
    for step in (Execute, nbgrader_autograde.GradeInSandbox):
        exporter.register_preprocessor(step)
    with pytest.raises(nbgrader_autograde.NotebookGradeError, match="a step that runs the notebook"):
        exporter._preprocessors[-1].preprocess(None, {})

    # the grader cannot be imported
    monkeypatch.setitem(sys.modules, "autograder.platforms.nbgrader_autograde", None)
    config = run_config(text)
    [step] = config.Autograde.autograde_preprocessors
    assert step.__name__ == "NotConfigured" and "GradeInSandbox" not in config
    with pytest.raises(RuntimeError, match="not autograded, and no notebook was run: .*ModuleNotFoundError"):
        step().preprocess(None, {})


def test_the_engine_scores_each_test_cell(notebook):
    """notebook_grades: the stubs' cells 0, the reference's full, each out of its points; a cell the
    grader does not know, or worth other points, stops with a message for the instructor."""
    from autograder.platforms.notebook_grades import NotebookGradeError, cell_grades, check_cells, grade_notebook

    points = {nbgrader(c)["grade_id"]: nbgrader(c)["points"] for c in notebook["cells"] if nbgrader(c).get("grade")}
    for book, expected in ((notebook, "full"), (released_notebook(notebook), 0)):
        grades = cell_grades(grade_notebook(book, "rnn_bptt.ipynb", "rnn_bptt"))
        assert set(grades) == set(points)
        check_cells(grades, points, "rnn_bptt")
        for grade_id, grade in grades.items():
            assert grade.max_score == points[grade_id] and grade_id == nb.test_cell_id(grade.function)
            assert grade.score == (grade.max_score if expected == "full" else 0), grade
            assert grade.text.startswith(f"{grade.function}: {grade.score:g} of {grade.max_score:g} points")
            if expected == "full":
                assert f"Passed every hidden test of {grade.function}." in grade.text
            else:
                assert "Passed 0 of" in grade.text and "Failed case" not in grade.text
    broken = json.loads(json.dumps(notebook))         # a cell with a syntax error, a cell emptied
    for cell in broken["cells"]:
        if cell["id"] in ("rnn-solution", "jacobian-solution"):
            cell["source"] = ["def rnn_forward(x, h0, params:\n    return 1\n"] if cell["id"] == "rnn-solution" else []
    grades = cell_grades(grade_notebook(broken, "rnn_bptt.ipynb", "rnn_bptt"))
    assert grades["test-clip-grad-norm"].score == 14 and grades["test-rnn-forward"].score == 0
    rnn = grades["test-rnn-forward"].text                # why, once, before the checks it cost
    assert rnn.count("syntax error at its line 1") == 1 and rnn.index("syntax error") < rnn.index("[0 / ")
    assert "none of its code cells defines hidden_jacobian" in grades["test-hidden-jacobian"].text
    assert "About your notebook as a whole:" in grades["test-sigmoid"].text
    assert "About your notebook" not in grades["test-rnn-forward"].text
    with pytest.raises(NotebookGradeError, match="'my-own-test' tests no function"):
        check_cells(grades, {**points, "my-own-test": 1}, "rnn_bptt")
    with pytest.raises(NotebookGradeError, match="regenerate the course"):
        check_cells(grades, {**points, "test-sigmoid": 99}, "rnn_bptt")


def test_autograde_takes_the_test_cells_from_the_gradebook_not_the_submission():
    """A submission's metadata decides nothing: the test cells are the gradebook's (a copy, a cell
    marked as a solution or worth other points, a grade cell of its own: none is graded as it says)."""
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("nbgrader")
    from autograder.platforms.nbgrader_autograde import graded_cells

    def code(grade_id, **flags):
        return {"cell_type": "code", "source": "x = 1", "outputs": [{"output_type": "stream", "name": "stdout",
                                                                     "text": "7.5"}], "execution_count": 1,
                "metadata": {"nbgrader": {"grade_id": grade_id, **flags}}}

    book = nbformat.from_dict({"cells": [
        code("rnn-solution", solution=True, grade=False),
        code("test-sigmoid", solution=True, grade=False, points=1000),          # tampered flags and points
        code("test-sigmoid", grade=True, points=7.5),                           # a copy
        code("extra", grade=True, points=50),                                   # not the gradebook's
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    cells = graded_cells(book, {"test-sigmoid": 7.5, "test-tanh-derivative": 5})
    assert list(cells) == ["test-sigmoid"] and cells["test-sigmoid"] is book.cells[1]
    assert book.cells[1].metadata.nbgrader == {"grade_id": "test-sigmoid", "solution": False, "grade": True,
                                               "locked": True, "points": 7.5}
    assert book.cells[1].outputs == []
    assert book.cells[2].metadata.nbgrader == {}
    assert book.cells[3].metadata.nbgrader["grade"] is False
    assert book.cells[0].metadata.nbgrader["solution"] is True


def test_the_gated_rnn_notebook_passes_its_own_cells(tmp_path):
    """Part 2's notebook, built from its declaration: every function's test cell worth its points,
    every public self-check test run by one of them, and the reference notebook passing them."""
    from autograder.assignment import load

    gated = load("gated_rnn")
    assert main(["notebook", "--output", str(tmp_path / "nb"), "--assignment", "gated_rnn"]) == 0
    book = json.loads((tmp_path / "nb" / "gated_rnn.ipynb").read_text(encoding="utf-8"))
    graded = [c for c in book["cells"] if nbgrader(c).get("grade")]
    assert [c["id"] for c in graded] == [nb.test_cell_id(f.name) for f in gated.functions]
    assert sum(nbgrader(c)["points"] for c in graded) == 100
    codes = [cell_text(c) for c in book["cells"] if c["cell_type"] == "code"]
    names = [c["id"] for c in book["cells"] if c["cell_type"] == "code"]
    report = run_cells(codes, tmp_path / "reference")
    for name, result in zip(names, report):
        assert result["ok"], f"{name}: {result}"
