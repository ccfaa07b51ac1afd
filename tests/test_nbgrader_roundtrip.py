"""The real nbgrader round trip: a course laid out by `python -m autograder notebook --course-dir`,
`nbgrader generate_assignment`, three students' notebooks in submitted/, `nbgrader autograde`,
the gradebook against the file grader, and `nbgrader generate_feedback`.

Students: the reference solution; the reference with one bug (gradient_bound from the largest
eigenvalue modulus, which the public self-check does not catch); the bundled buggy sample (which
fails public self-check tests too: its cells must still get the grader's points, not 0).

CI installs nbgrader (.ci/run) and must run this test; without nbgrader it is skipped locally only.
It takes about a minute (three notebooks executed by a kernel, each graded once).
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.assignments.rnn_bptt.contract import FUNCTIONS, MODULES

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "reference" / "rnn_bptt" / "solution"
BUGGY_SAMPLE = ROOT / "reference" / "rnn_bptt" / "samples" / "buggy"
ASSIGNMENT = "rnn_bptt"

try:
    import nbgrader  # noqa: F401
    HAVE_NBGRADER = True
except ImportError:
    HAVE_NBGRADER = False

if not HAVE_NBGRADER and os.environ.get("CI"):
    raise RuntimeError("CI must run the nbgrader round trip: install the notebook extra (.ci/run does).")
pytestmark = pytest.mark.skipif(not HAVE_NBGRADER, reason="nbgrader is not installed (pip install -e '.[notebook]')")


def one_bug(into: Path) -> Path:
    """The reference with gradient_bound using the largest eigenvalue modulus (a one-function bug)."""
    into.mkdir()
    for path in REFERENCE.glob("*.py"):
        shutil.copy(path, into / path.name)
    jacobian = into / "jacobian.py"
    text = jacobian.read_text(encoding="utf-8")
    assert "np.linalg.norm(W_hh, 2)" in text
    jacobian.write_text(text.replace("np.linalg.norm(W_hh, 2)", "np.max(np.abs(np.linalg.eigvals(W_hh)))"),
                        encoding="utf-8")
    return into


def environment(tmp: Path) -> dict[str, str]:
    """nbgrader's tools on PATH, and a python3 kernel that is this interpreter (NumPy, the grader)."""
    kernel = tmp / "jupyter" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (the grader's environment)", "language": "python"}), encoding="utf-8")
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_PATH"] = str(tmp / "jupyter")       # first in Jupyter's search path
    return env


def nbgrader_run(course: Path, env: dict[str, str], *args: str) -> str:
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return run.stderr


def student_notebook(released: dict, files: Path) -> dict:
    """The released notebook with each solution cell replaced by the student's file of that module."""
    notebook = json.loads(json.dumps(released))
    filled = set()
    for cell in notebook["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            module = cell["id"].removesuffix("-solution")
            cell["source"] = (files / f"{module}.py").read_text(encoding="utf-8")
            filled.add(module)
    assert filled == set(MODULES)
    return notebook


def file_grader_points(files: Path, tmp: Path) -> tuple[dict[str, float], dict]:
    """Per-function points from `python -m autograder grade` on the files, and the results."""
    results = tmp / f"{files.name}-results.json"
    subprocess.run([sys.executable, "-m", "autograder", "grade", str(files), "--results", str(results), "--quiet"],
                   check=True, timeout=300)
    graded = json.loads(results.read_text(encoding="utf-8"))
    points = {f.name: round(sum(t["score"] for t in graded["tests"] if t["name"].split(": ", 1)[0] == f.name), 4)
              for f in FUNCTIONS}
    return points, graded


def visible_text(page: str) -> str:
    """What a browser shows of an HTML page: tags and scripts dropped, entities decoded."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nbgrader")
    env = environment(tmp)
    course = tmp / "course"
    run = subprocess.run([sys.executable, "-m", "autograder", "notebook", "--course-dir", str(course)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert (course / "nbgrader_config.py").exists()
    assert (course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
    nbgrader_run(course, env, "generate_assignment", ASSIGNMENT)
    released = json.loads((course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text(encoding="utf-8"))
    students = {"reference": REFERENCE, "one_bug": one_bug(tmp / "one_bug"), "buggy_sample": BUGGY_SAMPLE}
    for student, files in students.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{ASSIGNMENT}.ipynb").write_text(json.dumps(student_notebook(released, files)), encoding="utf-8")
    nbgrader_run(course, env, "autograde", ASSIGNMENT)
    nbgrader_run(course, env, "generate_feedback", ASSIGNMENT)
    from nbgrader.api import Gradebook
    gradebook = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in students:
            notebook = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
            gradebook[student] = {g.name: g.score for g in notebook.grades}
    files = {student: file_grader_points(path, tmp) for student, path in students.items()}
    return {"dir": course, "gradebook": gradebook, "files": files, "released": released}


def test_released_notebook_has_no_reference_code_or_hidden_tests(course):
    text = json.dumps(course["released"])
    assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
    assert "np.einsum(\\\"nth,nto->ho\\\"" not in text and "np.linalg.norm(W_hh, 2)" not in text


@pytest.mark.parametrize("student", ["reference", "one_bug", "buggy_sample"])
def test_gradebook_points_equal_the_file_grader(course, student):
    cells = course["gradebook"][student]
    points, _ = course["files"][student]
    assert cells == {f"test-{name}".replace("_", "-"): score for name, score in points.items()}, student
    total = sum(cells.values())
    expected = {"reference": lambda t: t == 100, "one_bug": lambda t: 90 < t < 100, "buggy_sample": lambda t: t < 90}
    assert expected[student](total), (student, total)
    if student == "one_bug":
        assert 0 < cells["test-gradient-bound"] < 7.5
        others = [score for cell, score in cells.items() if cell != "test-gradient-bound"]
        assert sum(others) == 100 - 7.5                 # one bug costs points in its own cell only


def test_feedback_shows_no_hidden_tests_inputs_expected_values_or_reference_code(course):
    for student in ("one_bug", "buggy_sample"):
        page = (course["dir"] / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")
        text = visible_text(page)
        assert "BEGIN HIDDEN TESTS" not in text
        assert "score, full, feedback = autograder_score(" not in text
        assert "Traceback" not in text
        # the grader's full feedback on the hidden cases (what each failed case is and what differs) and
        # on the worked examples (expected values in full)
        _, graded = course["files"][student]
        secret_lines = {line.strip() for t in graded["tests"] if t["score"] < t["max_score"]
                        for part in t["output"].split("\n\n") if part.startswith(("Failed case", "Worked example"))
                        for line in part.splitlines()[1:] if len(line.strip()) > 12}
        assert secret_lines, student
        leaked = [line for line in secret_lines if line in text]
        assert not leaked, (student, leaked[:5])
        # what the student does get: the score and the likely mistake
        assert "Likely mistake:" in text, student
    one_bug = visible_text((course["dir"] / "feedback" / "one_bug" / ASSIGNMENT / f"{ASSIGNMENT}.html")
                           .read_text(encoding="utf-8"))
    assert "gradient_bound" in one_bug and "singular value" in one_bug
    assert "np.max(np.abs(np.linalg.eigvals(W_hh)))" in one_bug          # the student's own code is shown
    assert "lam = np.linalg.norm(W_hh, 2)" not in one_bug               # the reference's is not
