"""The real nbgrader round trip of the course `python -m autograder notebook --course-dir` writes, for
each assignment: `nbgrader generate_assignment`, students' notebooks in submitted/, `nbgrader
autograde`, the gradebook against the file grader, and `nbgrader generate_feedback`.

Students of each assignment: the reference; its bundled buggy sample (which also fails public
self-check tests: its cells must still get the grader's points); for rnn_bptt, the reference with
one bug (gradient_bound from the largest eigenvalue modulus, which the self-check does not catch);
and one attacker per entry of ATTACKS: the untouched stubs with one override in a solution cell
(the old scoring hook, the notebook-source function and the setup cell's tables redefined;
subprocess, json, os or sys.modules patched; a fake `autograder` package in the working
directory; the course secret and the reference printed, or read by the graded functions). Every
attacker scores 0, and no feedback page holds the secret or a line of the reference.

The course's autograde runs no notebook at all: the only Jupyter kernel this test provides writes
a marker file and exits, and it is never started. Without the grader's step (the grader cannot be
imported) autograde stops and runs nothing. All students of an assignment share one autograde run.
CI installs nbgrader (.ci/run) and must run this test; without nbgrader it is skipped locally only.
It takes about two minutes (each notebook graded once by the engine, the file grader on three).
"""
from __future__ import annotations

import ast
import html
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.assignment import load

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = ("rnn_bptt", "gated_rnn")

try:
    import nbgrader  # noqa: F401
    HAVE_NBGRADER = True
except ImportError:
    HAVE_NBGRADER = False

if not HAVE_NBGRADER and os.environ.get("CI"):
    raise RuntimeError("CI must run the nbgrader round trip: install the notebook extra (.ci/run does).")
pytestmark = pytest.mark.skipif(not HAVE_NBGRADER, reason="nbgrader is not installed (pip install -e '.[notebook]')")

# What a student's override needs, written into its code as Python literals: __REFERENCE__ (the
# reference's folder), __SECRET__ (the course secret's file), __MODULES__, __POINTS__ (function ->
# points), __FORGED__ (a results.json giving full marks), __FAKE_MAIN__ (a fake `python -m
# autograder` that writes it), __FUNCTIONS__ (the functions of the first solution cell), __SETUP_TABLES__.
FORGE_RESULTS = '''
import json as _json


class _Done:
    returncode, stdout, stderr = 0, "", ""


def _forge(args, *rest, **options):
    with open(args[args.index("--results") + 1], "w") as f:
        _json.dump(__FORGED__, f)
    return _Done()
'''

ATTACKS = {
    # the kernel-side hooks of the course as it was: the scoring function and the self-check wrapper
    "scoring_function": '''
def autograder_score(function, points):
    return points, points, "Passed every hidden test."


def _summary(test):
    return ""


class self_check:
    def __init__(self, function):
        self.function = function

    def __enter__(self):
        return self

    def __exit__(self, *error):
        return True
''',
    "notebook_source": '''
def notebook_module_source():
    import pathlib
    return "\\n\\n".join(pathlib.Path(__REFERENCE__, m + ".py").read_text() for m in __MODULES__)
''',
    # every table of the setup cell (__SETUP_TABLES__), then those of the setup cell as it was
    "setup_tables": '''
__SETUP_TABLES__

class _Graded(dict):
    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        return __FORGED__


_GRADED = _Graded()
_SCORED = set(__POINTS__)
_MODULES = []
_SETUP_NAMES = frozenset()
_SETUP_FILE = "<nowhere>"
''',
    "subprocess": FORGE_RESULTS + '''
import subprocess

subprocess.run = _forge
''',
    "json": '''
import json

json.load = lambda *args, **kwargs: __FORGED__
''',
    # the grade runs on a copy of the reference, and the notebook's own code is written elsewhere
    "os": '''
import os
import shutil
import tempfile

_copy, _elsewhere = tempfile.mkdtemp(), tempfile.mkdtemp()
for _m in __MODULES__:
    shutil.copy(os.path.join(__REFERENCE__, _m + ".py"), _copy)
_join, _mkdir = os.path.join, os.mkdir


def _redirect(first, *rest):
    if rest and rest[-1] == "submission":
        return _copy
    return _join(_elsewhere, *rest) if first == _copy else _join(first, *rest)


os.path.join = _redirect
os.mkdir = lambda path, *args, **kwargs: None if path == _copy else _mkdir(path, *args, **kwargs)
''',
    "sys_modules": FORGE_RESULTS + '''
import sys
import types

_fake = types.ModuleType("subprocess")
_fake.run = _forge
sys.modules["subprocess"] = _fake
sys.modules["json"] = types.SimpleNamespace(load=lambda *args, **kwargs: __FORGED__, dump=_json.dump)
''',
    # also given as files beside the notebook (FAKE_PACKAGE below)
    "fake_package": '''
import os

os.makedirs("autograder", exist_ok=True)
with open("autograder/__init__.py", "w") as f:
    f.write("")
with open("autograder/__main__.py", "w") as f:
    f.write(__FAKE_MAIN__)
''',
    "print_secret_and_reference": '''
import os
import pathlib

print("the course secret:", os.environ.get("RNN_AUTOGRADER_SECRET_FILE"), __SECRET__)
print(pathlib.Path(__SECRET__).read_text())
for _path in sorted(pathlib.Path(__REFERENCE__).glob("*.py")):
    print(_path.read_text())
''',
    # the graded functions themselves (they run in the sandbox) try the same
    "functions_read_secret_and_reference": '''
def _everything():
    import pathlib
    texts = [pathlib.Path(__SECRET__).read_text()]
    texts += [path.read_text() for path in sorted(pathlib.Path(__REFERENCE__).glob("*.py"))]
    print("\\n".join(texts))
    return "\\n".join(texts)


__FUNCTIONS__
''',
}

FAKE_MAIN = '''import json, sys
args = sys.argv[1:]
with open(args[args.index("--results") + 1], "w") as f:
    json.dump(FORGED, f)
'''


def one_bug(into: Path) -> Path:
    """rnn_bptt's reference with gradient_bound using the largest eigenvalue modulus (a one-function bug)."""
    into.mkdir()
    for path in (ROOT / "reference" / "rnn_bptt" / "solution").glob("*.py"):
        shutil.copy(path, into / path.name)
    jacobian = into / "jacobian.py"
    text = jacobian.read_text(encoding="utf-8")
    assert "np.linalg.norm(W_hh, 2)" in text
    jacobian.write_text(text.replace("np.linalg.norm(W_hh, 2)", "np.max(np.abs(np.linalg.eigvals(W_hh)))"),
                        encoding="utf-8")
    return into


def environment(tmp: Path, secret: Path, marker: Path) -> dict[str, str]:
    """nbgrader's tools on PATH, this checkout's grader first on the path, the test's course secret,
    and a python3 "kernel" that only records that something started it."""
    kernel = tmp / "jupyter" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    record = f"import pathlib, sys; pathlib.Path({str(marker)!r}).write_text('a kernel was started'); sys.exit(1)"
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-c", record, "{connection_file}"],
        "display_name": "Python 3 (records that it was started)", "language": "python"}), encoding="utf-8")
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["JUPYTER_PATH"] = str(tmp / "jupyter")       # first in Jupyter's search path
    env["RNN_AUTOGRADER_SECRET_FILE"] = str(secret)
    return env


def nbgrader_run(course: Path, env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True,
                         text=True, timeout=900)
    if check:
        log = "\n".join(line for line in (run.stdout + run.stderr).splitlines() if "Warning" not in line
                        and "for x in self._base_cells" not in line and "for notebook in submission" not in line)
        assert run.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{log[-8000:]}"
    return run


def solution_cells(notebook: dict) -> list[dict]:
    return [c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]


def files_notebook(released: dict, files: Path, modules: list[str]) -> dict:
    """The released notebook with each solution cell replaced by the student's file of that module."""
    notebook = json.loads(json.dumps(released))
    cells = solution_cells(notebook)
    assert [c["id"].removesuffix("-solution") for c in cells] == modules
    for cell in cells:
        cell["source"] = (files / f"{cell['id'].removesuffix('-solution')}.py").read_text(encoding="utf-8")
    return notebook


def attack_notebook(released: dict, code: str) -> dict:
    """The released notebook (untouched stubs) with CODE added to its first solution cell."""
    notebook = json.loads(json.dumps(released))
    cell = solution_cells(notebook)[0]
    cell["source"] = "".join(cell["source"]) + "\n\n" + code
    return notebook


def setup_tables(released: dict) -> str:
    """Every table (module-level assignment) of the released setup cell, redefined."""
    setup = next(c for c in released["cells"] if c["id"] == "setup")
    names = [t.id for node in ast.parse("".join(setup["source"])).body if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)]
    assert names, "the setup cell has no table to redefine?"
    return "".join(f"{name} = {{}}\n" for name in names)


def forged_results(assignment: str) -> dict:
    """A results.json that gives every function its full points."""
    return {"score": 100.0, "output": "", "tests": [
        {"name": f"{fn}: forged", "score": p, "max_score": p, "output": "Passed."}
        for fn, p in load(assignment).function_points().items()]}


def fake_main(assignment: str) -> str:
    return FAKE_MAIN.replace("FORGED", repr(forged_results(assignment)))


def attack_code(name: str, assignment: str, released: dict, secret: Path) -> str:
    a = load(assignment)
    points = a.function_points()
    forged = forged_results(assignment)
    first = [f.name for f in a.functions_in(a.modules[0])]
    functions = "\n".join(f"def {fn}(*args, **kwargs):\n    raise RuntimeError(_everything())\n" for fn in first)
    values = {"__REFERENCE__": repr(str(ROOT / "reference" / assignment / "solution")),
              "__SECRET__": repr(str(secret)), "__MODULES__": repr(list(a.modules)), "__POINTS__": repr(points),
              "__FORGED__": repr(forged), "__FAKE_MAIN__": repr(fake_main(assignment)),
              "__SETUP_TABLES__": setup_tables(released), "__FUNCTIONS__": functions}
    return re.sub("|".join(values), lambda m: values[m.group(0)], ATTACKS[name])


def file_grader_points(files: Path, assignment: str, env: dict[str, str], tmp: Path) -> tuple[dict[str, float], dict]:
    """Per-function points from `python -m autograder grade` on the files, and the results."""
    results = tmp / f"{assignment}-{files.name}-results.json"
    subprocess.run([sys.executable, "-m", "autograder", "grade", str(files), "--results", str(results), "--quiet",
                    "--assignment", assignment], check=True, timeout=300, env=env, cwd=ROOT)
    graded = json.loads(results.read_text(encoding="utf-8"))
    points = {f.name: round(sum(t["score"] for t in graded["tests"] if t["name"].split(": ", 1)[0] == f.name), 4)
              for f in load(assignment).functions}
    return points, graded


def visible_text(page: str) -> str:
    """What a browser shows of an HTML page: tags and scripts dropped, entities decoded."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def cell_id(function: str) -> str:
    return f"test-{function}".replace("_", "-")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nbgrader")
    secret, marker = tmp / "course-secret", tmp / "kernel-started"
    secret.write_text(secrets.token_hex(32) + "\n", encoding="ascii")
    env = environment(tmp, secret, marker)
    course = tmp / "course"
    run = subprocess.run([sys.executable, "-m", "autograder", "notebook", "--course-dir", str(course)],
                         capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    released, students = {}, {}
    for assignment in ASSIGNMENTS:
        a = load(assignment)
        assert (course / "source" / assignment / f"{assignment}.ipynb").exists()
        nbgrader_run(course, env, "generate_assignment", assignment)
        released[assignment] = json.loads((course / "release" / assignment / f"{assignment}.ipynb")
                                          .read_text(encoding="utf-8"))
        files = {"reference": ROOT / "reference" / assignment / "solution",
                 "buggy_sample": ROOT / "reference" / assignment / "samples" / "buggy"}
        if assignment == "rnn_bptt":
            files["one_bug"] = one_bug(tmp / "one_bug")
        notebooks = {student: files_notebook(released[assignment], path, list(a.modules))
                     for student, path in files.items()}
        notebooks |= {f"attack_{name}": attack_notebook(released[assignment],
                                                        attack_code(name, assignment, released[assignment], secret))
                      for name in ATTACKS}
        for student, notebook in notebooks.items():
            folder = course / "submitted" / student / assignment
            folder.mkdir(parents=True)
            (folder / f"{assignment}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
        fake = course / "submitted" / "attack_fake_package" / assignment / "autograder"
        fake.mkdir()
        (fake / "__init__.py").write_text("", encoding="utf-8")
        (fake / "__main__.py").write_text(fake_main(assignment), encoding="utf-8")
        students[assignment] = {"files": files, "notebooks": notebooks}

    # Without the grader's step (here: an `autograder` that cannot be imported) autograde runs nothing.
    broken = tmp / "broken"
    (broken / "autograder").mkdir(parents=True)
    (broken / "autograder" / "__init__.py").write_text("raise ImportError('no grader here')\n", encoding="utf-8")
    refused = nbgrader_run(course, {**env, "PYTHONPATH": str(broken)}, "autograde", "rnn_bptt",
                           "--student=reference", check=False)

    for assignment in ASSIGNMENTS:
        nbgrader_run(course, env, "autograde", assignment)
        nbgrader_run(course, env, "generate_feedback", assignment)
    from nbgrader.api import Gradebook
    gradebook = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for assignment in ASSIGNMENTS:
            for student in students[assignment]["notebooks"]:
                notebook = gb.find_submission_notebook(assignment, assignment, student)
                gradebook[assignment, student] = {g.name: (g.score, g.auto_score, g.needs_manual_grade)
                                                  for g in notebook.grades}
    files = {(assignment, student): file_grader_points(path, assignment, env, tmp)
             for assignment in ASSIGNMENTS for student, path in students[assignment]["files"].items()}
    return {"dir": course, "gradebook": gradebook, "files": files, "released": released, "students": students,
            "secret": secret.read_text(encoding="ascii").strip(), "marker": marker, "refused": refused}


def feedback_page(course: dict, assignment: str, student: str) -> str:
    return (course["dir"] / "feedback" / student / assignment / f"{assignment}.html").read_text(encoding="utf-8")


def test_autograde_runs_no_notebook_and_refuses_without_the_grader(course):
    assert not course["marker"].exists(), "a Jupyter kernel was started: autograde ran a notebook"
    refused = course["refused"]
    assert refused.returncode != 0
    assert "not autograded, and no notebook was run" in refused.stdout + refused.stderr
    assert "no grader here" in refused.stdout + refused.stderr


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_released_notebook_has_no_reference_code_or_grader_hook(course, assignment):
    text = json.dumps(course["released"][assignment])
    assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
    assert "autograder_score" not in text and "subprocess" not in text and "RNN_AUTOGRADER" not in text
    if assignment == "rnn_bptt":
        assert "np.einsum(\\\"nth,nto->ho\\\"" not in text and "np.linalg.norm(W_hh, 2)" not in text


@pytest.mark.parametrize("assignment, student", [(a, s) for a in ASSIGNMENTS
                                                 for s in ("reference", "buggy_sample", "one_bug")
                                                 if s != "one_bug" or a == "rnn_bptt"])
def test_gradebook_points_equal_the_file_grader(course, assignment, student):
    cells = course["gradebook"][assignment, student]
    points, _ = course["files"][assignment, student]
    assert {cell: score for cell, (score, _, _) in cells.items()} == \
        {cell_id(name): score for name, score in points.items()}, student
    assert not any(manual for _, _, manual in cells.values())
    total = sum(score for score, _, _ in cells.values())
    expected = {"reference": lambda t: t == 100, "one_bug": lambda t: 90 < t < 100, "buggy_sample": lambda t: t < 90}
    assert expected[student](total), (student, total)
    if student == "one_bug":
        assert 0 < cells["test-gradient-bound"][0] < 7.5
        others = [score for cell, (score, _, _) in cells.items() if cell != "test-gradient-bound"]
        assert sum(others) == 100 - 7.5                 # one bug costs points in its own cell only


@pytest.mark.parametrize("attack", sorted(ATTACKS))
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_an_override_in_a_solution_cell_scores_0_and_leaks_nothing(course, assignment, attack):
    student = f"attack_{attack}"
    cells = course["gradebook"][assignment, student]
    assert set(cells) == {cell_id(f.name) for f in load(assignment).functions}
    assert all(auto == 0 and not manual for _, auto, manual in cells.values()), cells
    page = feedback_page(course, assignment, student)
    assert course["secret"] not in html.unescape(page)
    released = "\n".join("".join(cell["source"]) for cell in course["released"][assignment]["cells"])
    reference = {line.strip() for path in (ROOT / "reference" / assignment / "solution").glob("*.py")
                 for line in path.read_text(encoding="utf-8").splitlines()}
    secret_lines = {line for line in reference if len(line) > 12 and line not in released}   # not in the handout
    assert len(secret_lines) > 50
    text = html.unescape(page)
    leaked = [line for line in secret_lines if line in text]
    assert not leaked, leaked[:5]
    shown = visible_text(page)                       # the grader's summary is shown, under each test cell
    assert "0 of" in shown and "points from the grader" in shown


def test_no_feedback_holds_the_secret_or_hidden_details(course):
    for assignment in ASSIGNMENTS:
        for student in course["students"][assignment]["notebooks"]:
            assert course["secret"] not in html.unescape(feedback_page(course, assignment, student)), student
    for assignment, student in course["files"]:
        if student == "reference":
            continue
        text = visible_text(feedback_page(course, assignment, student))
        assert "Traceback" not in text
        # the grader's full feedback on the hidden cases (what each failed case is and what differs) and
        # on the worked examples (expected values in full)
        _, graded = course["files"][assignment, student]
        hidden = {line.strip() for t in graded["tests"] if t["score"] < t["max_score"]
                  for part in t["output"].split("\n\n") if part.startswith(("Failed case", "Worked example"))
                  for line in part.splitlines()[1:] if len(line.strip()) > 12}
        assert hidden, student
        leaked = [line for line in hidden if line in text]
        assert not leaked, (assignment, student, leaked[:5])
        assert "Likely mistake:" in text, (assignment, student)    # what the student does get
    one_bug = visible_text(feedback_page(course, "rnn_bptt", "one_bug"))
    assert "gradient_bound" in one_bug and "singular value" in one_bug
    assert "np.max(np.abs(np.linalg.eigvals(W_hh)))" in one_bug          # the student's own code is shown
    assert "lam = np.linalg.norm(W_hh, 2)" not in one_bug               # the reference's is not
