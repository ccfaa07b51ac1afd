"""Benchmark helpers: the same functions graded by stock nbgrader (`nbgrader autograde`) and by Otter
(`otter run`), with plain assert tests, for side-by-side timing. Prints nothing by itself.

The submission is part 1's reference (reference/rnn_bptt/solution, its four files in one notebook);
the tests call each of its ten functions once on small inputs and assert plain facts (values at 0,
shapes, ranges), one test per function. Each framework runs in the way its documentation gives:
nbgrader from the `notebook` extra's environment (this interpreter's), Otter from its own
virtual environment (OTTER_VENV, default /tmp/speed-otter-venv: `python -m venv DIR && DIR/bin/pip
install otter-grader numpy ipykernel`). A framework that is missing is skipped with a message saying how to
install it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "reference" / "rnn_bptt" / "solution"
MODULES = ("activations", "rnn", "jacobian", "clipping")
OTTER_VENV = Path(os.environ.get("OTTER_VENV", "/tmp/speed-otter-venv"))

SETUP = """import numpy as np
rng = np.random.default_rng(0)
N, T, D, H, O = 3, 5, 4, 6, 2
params = {"W_xh": 0.3 * rng.normal(size=(D, H)), "W_hh": 0.3 * rng.normal(size=(H, H)), "b_h": np.zeros(H),
          "W_hy": 0.3 * rng.normal(size=(H, O)), "b_y": np.zeros(O)}
x, h0 = rng.normal(size=(N, T, D)), np.zeros((N, H))
"""
# one plain assert test per function (name, code)
TESTS = [
    ("sigmoid", "assert np.allclose(sigmoid(np.array([0.0, 1000.0])), [0.5, 1.0])"),
    ("sigmoid_derivative", "assert np.allclose(sigmoid_derivative(np.array([0.0])), [0.25])"),
    ("tanh_derivative", "assert np.allclose(tanh_derivative(np.array([0.0])), [1.0])"),
    ("rnn_forward", "h, y = rnn_forward(x, h0, params)\nassert h.shape == (N, T, H) and y.shape == (N, T, O)"),
    ("rnn_backward", "h, y = rnn_forward(x, h0, params)\n"
                     "dx, dh0, grads = rnn_backward(np.ones_like(h), np.ones_like(y), x, h0, h, params)\n"
                     "assert dx.shape == x.shape and dh0.shape == h0.shape\n"
                     "assert all(grads[k].shape == params[k].shape for k in params)"),
    ("hidden_jacobian", "assert hidden_jacobian(np.zeros(H), params['W_hh']).shape == (H, H)"),
    ("jacobian_through_time", "hs = np.tanh(rng.normal(size=(T + 1, H)))\n"
                              "assert np.allclose(jacobian_through_time(hs, params['W_hh'], 2, 2), np.eye(H))"),
    ("gradient_bound", "assert gradient_bound(params['W_hh'], 3) >= 0.0"),
    ("classify_gradient_regime", "assert classify_gradient_regime(0.1 * np.eye(H)) == 'vanishing'"),
    ("clip_grad_norm", "clipped, norm = clip_grad_norm({'W': np.full((2, 2), 3.0)}, 1.0)\n"
                       "assert abs(norm - 6.0) < 1e-9 and np.isclose(np.linalg.norm(clipped['W']), 1.0)"),
]


def _solution_source() -> list[str]:
    return [(SOLUTION / f"{m}.py").read_text(encoding="utf-8") for m in MODULES]


def _cell(kind: str, source: str, **metadata) -> dict:
    cell = {"cell_type": kind, "metadata": metadata, "source": source}
    if kind == "code":
        cell.update(outputs=[], execution_count=None)
    return cell


def _notebook(cells: list[dict]) -> dict:
    return {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}}


def _kernel_env(tmp: Path, python: Path) -> dict[str, str]:
    """A python3 kernel that is PYTHON (with NumPy and ipykernel), first in Jupyter's path."""
    kernel = tmp / "jupyter" / "kernels" / "python3"
    kernel.mkdir(parents=True, exist_ok=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3", "language": "python"}), encoding="utf-8")
    env = dict(os.environ, JUPYTER_PATH=str(tmp / "jupyter"))
    env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
    return env


# ---- nbgrader -----------------------------------------------------------------------------------
def nbgrader_problem() -> str | None:
    try:
        import ipykernel  # noqa: F401
        import nbgrader  # noqa: F401
    except ImportError:
        return "nbgrader is not installed here: pip install -e '.[notebook]'"
    return None


def nbgrader_autograde(tmp: Path, runs: int, cpu_seconds) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of `nbgrader autograde` of one submission (the reference), RUNS times;
    CPU_SECONDS() reads the CPU clock of everything started (measure.CpuClock.seconds)."""
    course = tmp / "nbgrader-course"
    env = _kernel_env(tmp / "nbgrader-kernel", Path(sys.executable))
    source = course / "source" / "ps1"
    source.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'bench'\nc.CourseDirectory.db_url = "
        f"'sqlite:///{course / 'gradebook.db'}'\n", encoding="utf-8")
    cells = [_cell("code", SETUP, nbgrader={"grade": False, "solution": False, "locked": True, "grade_id": "setup",
                                             "schema_version": 3})]
    for i, src in enumerate(_solution_source()):
        cells.append(_cell("code", "### BEGIN SOLUTION\n" + src + "\n### END SOLUTION\n",
                           nbgrader={"grade": False, "solution": True, "locked": False, "grade_id": f"sol{i}",
                                     "schema_version": 3}))
    for name, code in TESTS:
        cells.append(_cell("code", code, nbgrader={"grade": True, "solution": False, "locked": True,
                                                   "points": 1, "grade_id": f"test_{name}", "schema_version": 3}))
    (source / "ps1.ipynb").write_text(json.dumps(_notebook(cells)), encoding="utf-8")

    def nbgrader(*args: str) -> None:
        run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True,
                             text=True, timeout=600)
        if run.returncode != 0:
            raise RuntimeError(f"nbgrader {' '.join(args)} failed: {run.stderr[-1500:]}")

    nbgrader("db", "student", "add", "s1")
    nbgrader("db", "assignment", "add", "ps1")
    nbgrader("generate_assignment", "ps1", "--force")
    released = json.loads((course / "release" / "ps1" / "ps1.ipynb").read_text(encoding="utf-8"))
    solutions = iter(_solution_source())
    for cell in released["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            cell["source"] = next(solutions)
    submitted = course / "submitted" / "s1" / "ps1"
    submitted.mkdir(parents=True)
    (submitted / "ps1.ipynb").write_text(json.dumps(released), encoding="utf-8")
    times = []
    for _ in range(runs):
        cpu, start = cpu_seconds(), time.perf_counter()
        nbgrader("autograde", "ps1", "--student", "s1", "--force")
        times.append((time.perf_counter() - start, cpu_seconds() - cpu))
    return times


# ---- Otter ---------------------------------------------------------------------------------------
def otter_problem() -> str | None:
    if not (OTTER_VENV / "bin" / "otter").exists():
        return (f"Otter is not installed in {OTTER_VENV} (set OTTER_VENV, or: python3 -m venv {OTTER_VENV} && "
                f"{OTTER_VENV}/bin/pip install otter-grader numpy ipykernel)")
    return None


def otter_run(tmp: Path, runs: int, cpu_seconds) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of `otter run` of one submission (the reference notebook), RUNS times."""
    work = tmp / "otter"
    tests = work / "tests"
    tests.mkdir(parents=True)
    for name, code in TESTS:
        doctest = "\n".join((">>> " if i == 0 or not line.startswith(" ") else "... ") + line
                            for i, line in enumerate(code.splitlines()))
        test = {"name": name, "points": 1, "suites": [{"type": "doctest", "cases": [
            {"code": doctest, "hidden": False, "locked": False}]}]}
        (tests / f"{name}.py").write_text(f"OK_FORMAT = True\n\ntest = {test!r}\n", encoding="utf-8")
    env = _kernel_env(work / "kernel", OTTER_VENV / "bin" / "python")
    otter = str(OTTER_VENV / "bin" / "otter")
    run = subprocess.run([otter, "generate", "-t", str(tests), "-o", str(work / "autograder.zip")], cwd=work, env=env,
                         capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        raise RuntimeError(f"otter generate failed: {run.stderr[-1500:]}")
    cells = [_cell("code", SETUP), *(_cell("code", src) for src in _solution_source())]
    cells += [_cell("code", f"grader.check({name!r})") for name, _ in TESTS]
    cells.insert(0, _cell("code", "import otter\ngrader = otter.Notebook(tests_dir='tests')"))
    submission = work / "submission.ipynb"
    submission.write_text(json.dumps(_notebook(cells)), encoding="utf-8")
    times = []
    for i in range(runs):
        out = work / f"out{i}"
        out.mkdir()
        cpu, start = cpu_seconds(), time.perf_counter()
        run = subprocess.run([otter, "run", "-a", str(work / "autograder.zip"), "-o", str(out), "--no-logo",
                              str(submission)], cwd=work, env=env, capture_output=True, text=True, timeout=600)
        times.append((time.perf_counter() - start, cpu_seconds() - cpu))
        if run.returncode != 0 or not (out / "results.json").exists():
            raise RuntimeError(f"otter run failed: {run.stdout[-800:]} {run.stderr[-1500:]}")
    return times


def otter_score(tmp: Path) -> str:
    """What Otter's last run scored ("10/10": a check that the tests ran and passed)."""
    found = sorted((tmp / "otter").glob("out*/results.json"))
    if not found:
        return "no results"
    tests = json.loads(found[-1].read_text(encoding="utf-8")).get("tests") or []
    return f"{sum(t.get('score', 0) for t in tests):g}/{sum(t.get('max_score', 0) for t in tests):g}"


def nbgrader_score(tmp: Path) -> str:
    """What nbgrader's gradebook holds for the submission ("10/10")."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{tmp / 'nbgrader-course' / 'gradebook.db'}") as gb:
        submission = gb.find_submission("ps1", "s1")
        return f"{submission.score:g}/{submission.max_score:g}"


def cleanup(tmp: Path) -> None:
    shutil.rmtree(tmp, ignore_errors=True)
