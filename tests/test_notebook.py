"""The nbgrader notebook (`python -m autograder notebook`): its structure, and two end-to-end runs.

The runs execute the notebook's code cells in order in a separate Python process, one file per
cell (as IPython does, so inspect.getsource works), showing a test cell's last expression as
IPython would: the reference notebook passes every visible test and the hidden tests give 100;
the released notebook (solutions and hidden tests cleared as nbgrader does) fails every test cell.
"""
from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import notebook as nb
from autograder.assignments.rnn_bptt.contract import FUNCTIONS, MODULES
from autograder.assignments.rnn_bptt.points import POINTS
from autograder.cli import main

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

PARTIAL = '''
from numpy.linalg import eigvals
GAMMAS = {"tanh": 1.0, "sigmoid": 0.25}


def unpack(W_hh):       # a student's helper, named like one of the self-check's
    return max(abs(eigvals(W_hh)))


def gradient_bound(W_hh, steps, activation="tanh"):
    return float((GAMMAS[activation] * unpack(W_hh)) ** steps)


_SCORED.discard("gradient_bound")          # as if its hidden tests had not run yet
try:
    with self_check("gradient_bound"):      # before the hidden tests scored it: a visible failure raises
        raise AssertionError("a visible test failed")
    raise RuntimeError("self_check swallowed a failure before the hidden tests ran")
except AssertionError:
    pass
score, full, feedback = autograder_score("gradient_bound", 7.5)
assert full == 7.5 and "singular" in feedback.lower(), feedback
assert "expected" not in feedback and "Failed case" not in feedback, feedback   # no hidden cases in it
with self_check("gradient_bound"):          # after: reported, and the grader's score counts
    raise AssertionError("a visible test failed")
score
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
    """What nbgrader's ClearSolutions and ClearHiddenTests leave of a cell (their default stubs)."""
    code = re.sub(rf"(?ms)^( *){nb.BEGIN_SOLUTION}\n.*?^ *{nb.END_SOLUTION}\n?",
                  lambda m: f"{m.group(1)}# YOUR CODE HERE\n{m.group(1)}raise NotImplementedError()\n", code)
    return re.sub(rf"(?ms)^{nb.BEGIN_HIDDEN}\n.*?^{nb.END_HIDDEN}\n?", "", code)


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
    assert [c["id"] for c in graded] == [f"test-{f.name}".replace("_", "-") for f in FUNCTIONS]
    assert sum(nbgrader(c)["points"] for c in graded) == 100
    for cell, fn in zip(graded, FUNCTIONS):
        meta = nbgrader(cell)
        assert meta["locked"] and not meta["solution"]
        assert meta["points"] == sum(p for cid, p in POINTS.items() if cid.split(".")[0] == fn.name)
        code = cell_text(cell)
        assert code.count(nb.BEGIN_HIDDEN) == code.count(nb.END_HIDDEN) == 2     # the score first, then its output
        marks = re.findall(rf"{nb.BEGIN_HIDDEN}|{nb.END_HIDDEN}", code)
        assert marks == [nb.BEGIN_HIDDEN, nb.END_HIDDEN] * 2
        assert f"autograder_score({fn.name!r}, {meta['points']!r})" in code
        assert code.index("autograder_score(") < code.index("with self_check(") < code.rindex("score  #")
        compile(code, cell["id"], "exec")
        visible = released(code)
        compile(visible, cell["id"], "exec")
        assert "autograder_score" not in visible and "score  #" not in visible
        assert re.search(rf"^with self_check\({fn.name!r}\):\n    (for params in .*:\n        )?test_\w+\(",
                         visible.split("\n", 1)[1], re.M), visible
    setup = [c for c in notebook["cells"] if c["id"] == "setup"][0]
    assert nbgrader(setup) == {"grade_id": "setup", "schema_version": 3, "solution": False, "grade": False,
                               "locked": True}
    compile(cell_text(setup), "setup", "exec")
    assert "pytest" not in cell_text(setup)


def test_reference_notebook_passes_and_grades_100(notebook, tmp_path):
    codes = [cell_text(c) for c in notebook["cells"] if c["cell_type"] == "code"]
    names = [c["id"] for c in notebook["cells"] if c["cell_type"] == "code"]
    points = {c["id"]: nbgrader(c).get("points") for c in notebook["cells"]}
    # a student's later redefinition is what gets graded: the eigenvalue slip earns partial credit
    codes.append(PARTIAL)
    report = run_cells(codes, tmp_path / "reference")
    partial = report.pop()
    assert partial["ok"], partial
    assert 0 < partial["value"] < 7.5, partial
    for name, result in zip(names, report):
        assert result["ok"], f"{name}: {result}"
        if points.get(name) is not None:             # nbgrader's partial credit: the cell's output
            assert result["value"] == points[name], (name, result)
    assert sum(r["value"] for r in report if r["value"] is not None) == 100


def test_released_notebook_fails_every_test_cell(notebook, tmp_path):
    code_cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    codes = [released(cell_text(c)) for c in code_cells]
    # then the hidden part, as autograde runs it on an untouched notebook
    tests = [c for c in code_cells if nbgrader(c)["grade"]]
    graded = [(f.name, nbgrader(c)["points"]) for f, c in zip(FUNCTIONS, tests)]
    codes.append(f"sum(autograder_score(f, p)[0] for f, p in {graded!r})")
    report = run_cells(codes, tmp_path / "released")
    for cell, result in zip(code_cells, report):
        if nbgrader(cell)["grade"]:
            assert not result["ok"] and "NotImplementedError" in result["error"], (cell["id"], result)
        else:
            assert result["ok"], (cell["id"], result)
    assert report[-1] == {"ok": True, "value": 0}


def test_course_dir_is_ready_for_nbgrader(tmp_path):
    assert main(["notebook", "--course-dir", str(tmp_path / "course")]) == 0
    course = tmp_path / "course"
    source = json.loads((course / "source" / "rnn_bptt" / "rnn_bptt.ipynb").read_text(encoding="utf-8"))
    assert source == nb.build_notebook()
    config = (course / "nbgrader_config.py").read_text(encoding="utf-8")
    tree = ast.parse(config)
    feedback = [n for n in tree.body if isinstance(n, ast.Assign)
                and ast.unparse(n.targets[0]) == "c.GenerateFeedback.preprocessors"]
    assert len(feedback) == 1
    steps = ast.unparse(feedback[0].value)
    assert "ClearHiddenTests" in steps and "HideTracebacks" in steps and "GetGrades" in steps
    with pytest.raises(SystemExit):             # one of --output and --course-dir
        main(["notebook"])


def test_the_gated_rnn_notebook_passes_its_own_cells_and_grades_100(tmp_path):
    """Part 2's notebook, built from its declaration: every function's test cell worth its points,
    every public self-check test run by one of them, and the reference notebook graded 100."""
    from autograder.assignment import load

    gated = load("gated_rnn")
    assert main(["notebook", "--output", str(tmp_path / "nb"), "--assignment", "gated_rnn"]) == 0
    book = json.loads((tmp_path / "nb" / "gated_rnn.ipynb").read_text(encoding="utf-8"))
    graded = [c for c in book["cells"] if nbgrader(c).get("grade")]
    assert [c["id"] for c in graded] == [f"test-{f.name}".replace("_", "-") for f in gated.functions]
    assert sum(nbgrader(c)["points"] for c in graded) == 100
    codes = [cell_text(c) for c in book["cells"] if c["cell_type"] == "code"]
    names = [c["id"] for c in book["cells"] if c["cell_type"] == "code"]
    points = {c["id"]: nbgrader(c).get("points") for c in book["cells"]}
    report = run_cells(codes, tmp_path / "reference")
    for name, result in zip(names, report):
        assert result["ok"], f"{name}: {result}"
        if points.get(name) is not None:
            assert result["value"] == points[name], (name, result)
