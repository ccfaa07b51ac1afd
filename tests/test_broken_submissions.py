"""Broken and unusual submissions (issue 5): graded fairly, with a message a student can act on.

Each submission below is graded once, through the real pipeline, in two spawned processes (a
module-scoped fixture), and many things are asserted on its Gradescope results: the functions it
breaks lose their points and say why (naming the file or function and what to do), every other
function keeps all of its points, the results are valid, and no grader traceback or temporary path
shows anywhere a student can see. A submission is the reference solution plus the whole student
files in tests/broken/<case>/, or the reference with one change made by the builder below (bytes,
file names and layouts that read better as code than as files in git). Finding files (names,
folders, zips, encodings) is also tested on stage() alone, which runs no student code.
"""
from __future__ import annotations

import codecs
import importlib.util
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import traceback
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from autograder.assignments.rnn_bptt.contract import FUNCTIONS, MODULES
from autograder.assignments.rnn_bptt.points import TOTAL
from autograder.engine.scoring import feedback
from autograder.intake.submission import stage
from autograder.pipeline.grade import grade_submission
from autograder.sandbox.runner import Limits

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
BROKEN_DIR = TESTS_DIR / "broken"
REFERENCE_DIR = REPO_ROOT / "reference" / "rnn_bptt" / "solution"
STUBS_DIR = REPO_ROOT / "assignments" / "rnn_bptt"
FUNCTION_NAMES = [f.name for f in FUNCTIONS]
# "never returns" costs 0.5 s of CPU, not 3 s (the wall-clock backstop stays far, for a loaded machine)
QUICK = Limits(call_cpu_seconds=0.5, import_cpu_seconds=0.5, wall_factor=12.0)


def stopped(fn: str, limits: Limits) -> re.Pattern:
    """The timeout message: one wording whichever limit (CPU budget or wall-clock backstop) tripped."""
    return re.compile(rf"{fn} did not finish: it went past its time limit \({limits.call_cpu_seconds:g} s of CPU "
                      rf"time for one call\), and was stopped")

# Text a student must never see: the grader's own tracebacks and paths, temporary folder names.
GRADER_INTERNALS = ("Traceback (most recent call last)", "autograder/", "rnn-submission-", "rnn-unpack-",
                    "rnn-grade-", str(REPO_ROOT))


# ---- building the submissions -------------------------------------------------------------------------
def reference_copy(dest: Path, overlay: str | None = None, remove: tuple[str, ...] = ()) -> Path:
    """dest/ = the reference solution, with tests/broken/<overlay>/ copied over it, minus `remove`."""
    dest.mkdir(parents=True, exist_ok=True)
    for src in REFERENCE_DIR.glob("*.py"):
        shutil.copyfile(src, dest / src.name)
    if overlay:
        shutil.copytree(BROKEN_DIR / overlay, dest, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for name in remove:
        (dest / name).unlink()
    return dest


def append_to(path: Path, text: str) -> int:
    """Append text to a file; return the line number (1-based) of its first appended line."""
    before = path.read_text(encoding="utf-8")
    before += "" if before.endswith("\n") else "\n"
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + 1


SYNTAX_ERROR = '''

def rnn_forward(x, h0, params):
    h, y = _forward(x, h0, params
    return h, y
'''


def build_syntax_error(dest: Path) -> Path:
    reference_copy(dest)
    append_to(dest / "rnn.py", SYNTAX_ERROR)
    return dest


def syntax_error_line() -> int:
    text = (REFERENCE_DIR / "rnn.py").read_text(encoding="utf-8")
    text += "" if text.endswith("\n") else "\n"
    return text.count("\n") + SYNTAX_ERROR.splitlines().index("    h, y = _forward(x, h0, params") + 1


def build_missing_parts(dest: Path) -> Path:
    return reference_copy(dest, "missing_parts", remove=("clipping.py",))


def build_nested_folder(dest: Path) -> Path:
    """A zipped folder as unpacked by Gradescope: hw3_submission/ with the files, macOS junk beside
    it, and an old broken copy of rnn.py deeper down that must be ignored."""
    reference_copy(dest / "hw3_submission")
    old = dest / "hw3_submission" / "old"
    old.mkdir()
    (old / "rnn.py").write_text("def rnn_forward(x, h0, params):\n    raise NotImplementedError\n")
    junk = dest / "__MACOSX" / "hw3_submission"
    junk.mkdir(parents=True)
    for name in MODULES:     # AppleDouble resource forks: binary, named like the files
        (junk / f"._{name}.py").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \x00\x02")
    (dest / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1\x00")
    (dest / "hw3_submission" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1\x00")
    return dest


def build_file_names(dest: Path) -> Path:
    """RNN.py (wrong case) and "clipping (1).py" (a browser's download suffix) are graded; two
    different copies "jacobian (1).py" and "jacobian (2).py", and no jacobian.py, are ambiguous."""
    reference_copy(dest)
    (dest / "rnn.py").rename(dest / "RNN.py")
    (dest / "clipping.py").rename(dest / "clipping (1).py")
    shutil.copyfile(dest / "jacobian.py", dest / "jacobian (2).py")
    append_to(dest / "jacobian (2).py", "# second try\n")
    (dest / "jacobian.py").rename(dest / "jacobian (1).py")
    return dest


def build_encodings(dest: Path) -> Path:
    """activations.py: UTF-8 BOM and non-ASCII comments; rnn.py: CRLF line ends and Windows-1252
    bytes in a comment and in a string; jacobian.py: indented with tabs only (valid Python);
    clipping.py: tabs and spaces mixed in one block (Python's TabError)."""
    reference_copy(dest)
    act = dest / "activations.py"
    act.write_bytes(codecs.BOM_UTF8 + ("# σ(x) = 1 / (1 + e⁻ˣ) — numerically stable\n"
                                       + act.read_text(encoding="utf-8")).encode("utf-8"))
    rnn = dest / "rnn.py"
    text = "# Résumé: the café notes’ RNN\n" + rnn.read_text(encoding="utf-8") + 'GREETING = "Grüße"\n'
    rnn.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    jac = dest / "jacobian.py"
    lines = jac.read_text(encoding="utf-8").splitlines(keepends=True)
    jac.write_text("".join(re.sub(r"^(?: {4})+", lambda m: "\t" * (len(m.group()) // 4), line) for line in lines),
                   encoding="utf-8")
    append_to(dest / "clipping.py", "\n\ndef _unused(g):\n    total = 0.0\n\treturn total\n")
    return dest


def build_top_level_code(dest: Path) -> Path:
    """rnn.py trains at import time (never finishes); clip_grad_norm ends the process with os._exit."""
    reference_copy(dest)
    append_to(dest / "rnn.py", "\n\nfor epoch in range(10**12):\n    loss = epoch * 0.5\n")
    append_to(dest / "clipping.py", "\n\ndef clip_grad_norm(grads, max_norm):\n    import os\n\n    os._exit(3)\n")
    return dest


def build_empty(dest: Path) -> Path:
    dest.mkdir(parents=True)
    return dest


def build_stubs(dest: Path) -> Path:
    shutil.copytree(STUBS_DIR, dest, ignore=shutil.ignore_patterns("__pycache__", "*.md"))
    return dest


def line_of(file: str, text: str) -> int:
    """The 1-based number of the first line of tests/broken/FILE that contains TEXT."""
    lines = (BROKEN_DIR / file).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def overlay(case: str, remove: tuple[str, ...] = ()):
    return lambda dest: reference_copy(dest, case, remove)


# name -> (builder, limits); the slow ones first, so that the two processes finish together
SUBMISSIONS = {
    "exceptions": (overlay("exceptions"), QUICK),
    # its pure-Python rnn_backward takes about 5 s of CPU at the realistic size (within the real 20 s):
    # a 1 s budget stops it for certain, to show the gate
    "messy_but_correct": (overlay("messy_but_correct"), Limits(realistic_cpu_seconds=1.0)),
    "top_level_code": (build_top_level_code, QUICK),
    "syntax_error": (build_syntax_error, None),
    "missing_parts": (build_missing_parts, None),
    "nested_folder": (build_nested_folder, None),
    "file_names": (build_file_names, None),
    "wrong_returns": (overlay("wrong_returns"), None),
    "nested_lists": (overlay("nested_lists"), None),
    "foreign_imports": (overlay("foreign_imports"), None),
    "encodings": (build_encodings, None),
    "empty": (build_empty, None),
    "stubs": (build_stubs, None),
}


def grade_in_child(path: str, limits: Limits | None) -> dict:
    """Results as the CLI writes them (a JSON round trip), plus what the submission printed.
    A grader crash becomes {"grader_error": traceback}, failing only this submission's tests."""
    from autograder.outputs.results import to_gradescope
    from autograder.pipeline.grade import grade_submission

    try:
        report = grade_submission(Path(path), limits or Limits())
        results = json.loads(json.dumps(to_gradescope(report), allow_nan=False))
        return {"results": results, "student_output": report.student_output}
    except Exception:  # noqa: BLE001 - reported by the tests of this submission
        return {"grader_error": traceback.format_exc()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, dict]:
    root = tmp_path_factory.mktemp("broken")
    jobs = {name: (str(build(root / name)), limits) for name, (build, limits) in SUBMISSIONS.items()}
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {name: pool.submit(grade_in_child, *job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


# ---- reading results ----------------------------------------------------------------------------------
def results_of(graded: dict, name: str) -> dict:
    got = graded[name]
    if "grader_error" in got:
        pytest.fail(f"the grader crashed on {name}:\n{got['grader_error']}")
    return got["results"]


def function_scores(results: dict) -> dict[str, tuple[float, float]]:
    out = {}
    for fn in FUNCTION_NAMES:
        tests = [t for t in results["tests"] if t["name"].startswith(fn + ":")]
        out[fn] = (round(sum(t["score"] for t in tests), 4), round(sum(t["max_score"] for t in tests), 4))
    return out


def feedback_of(results: dict, fn: str) -> str:
    return "\n".join(t["output"] for t in results["tests"] if t["name"].startswith(fn + ":"))


def assert_full_marks(results: dict, functions) -> None:
    scores = function_scores(results)
    short = {fn: scores[fn] for fn in functions if scores[fn][0] != scores[fn][1]}
    assert not short, f"these functions should keep all their points: {short}"


def assert_zero(results: dict, functions) -> None:
    scores = function_scores(results)
    scored = {fn: scores[fn] for fn in functions if scores[fn][0] != 0}
    assert not scored, f"these functions should score 0: {scored}"


def others(*functions: str) -> list[str]:
    return [fn for fn in FUNCTION_NAMES if fn not in functions]


def every_test_says(results: dict, fn: str, *phrases: str, titled: str = "") -> None:
    """Every test of fn that lost points (and has `titled` in its name) shows all the phrases."""
    for test in results["tests"]:
        if test["name"].startswith(fn + ":") and titled in test["name"] and test["score"] < test["max_score"]:
            for phrase in phrases:
                assert phrase in test["output"], f"{test['name']!r} lacks {phrase!r}:\n{test['output']}"


# ---- every submission: valid results, nothing of the grader's own shows --------------------------------
@pytest.mark.parametrize("name", list(SUBMISSIONS))
def test_results_are_valid_and_show_no_grader_internals(graded, name):
    results = results_of(graded, name)
    assert all(t["name"].split(":")[0] in FUNCTION_NAMES for t in results["tests"])
    assert round(sum(t["max_score"] for t in results["tests"]), 4) == TOTAL
    assert results["score"] == round(sum(t["score"] for t in results["tests"]), 4)
    assert all(0 <= t["score"] <= t["max_score"] for t in results["tests"])
    visible = json.dumps(results, ensure_ascii=False)
    for internal in GRADER_INTERNALS:
        assert internal not in visible, f"{internal!r} shows in the results of {name}"


# ---- one file with a syntax error ------------------------------------------------------------------
def test_syntax_error_costs_that_file_only_and_gives_the_line(graded):
    results = results_of(graded, "syntax_error")
    assert_zero(results, ["rnn_forward", "rnn_backward"])
    assert_full_marks(results, others("rnn_forward", "rnn_backward"))
    for fn in ("rnn_forward", "rnn_backward"):
        every_test_says(results, fn, "rnn.py could not be loaded: SyntaxError", f"line {syntax_error_line()}",
                        "was never closed", "h, y = _forward(x, h0, params", "Fix the syntax")


# ---- a file missing, a function missing ---------------------------------------------------------------
def test_missing_file_and_missing_function_cost_only_themselves(graded):
    results = results_of(graded, "missing_parts")
    assert_zero(results, ["gradient_bound", "clip_grad_norm"])
    assert_full_marks(results, others("gradient_bound", "clip_grad_norm"))
    every_test_says(results, "clip_grad_norm", "clipping.py was not found in your submission",
                    "clip_grad_norm(grads, max_norm) -> (clipped, total_norm)")
    assert "clipping.py was not found" in results["output"]
    every_test_says(results, "gradient_bound", "jacobian.py has no function gradient_bound",
                    "Did you mean gradient_bund? Rename it to gradient_bound:",
                    'def gradient_bound(W_hh, steps, activation="tanh"):')
    # classify_gradient_regime calls the missing gradient_bound: graded with a correct one, and told so
    assert "Graded with a correct gradient_bound in place of yours" in feedback_of(results,
                                                                                  "classify_gradient_regime")


# ---- nested folder, __MACOSX and dotfiles ----------------------------------------------------------------
def test_files_in_a_nested_folder_beside_macos_junk_are_found(graded):
    results = results_of(graded, "nested_folder")
    assert results["score"] == TOTAL
    assert r"Your files were found in hw3\_submission/" in results["output"]   # Markdown-escaped
    assert "__MACOSX" not in results["output"]


def make_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def reference_entries(prefix: str) -> dict[str, bytes]:
    return {f"{prefix}{p.name}": p.read_bytes() for p in REFERENCE_DIR.glob("*.py")}


def staged_copy_of(tmp_path: Path, upload: Path) -> tuple[dict, dict, list, dict[str, bytes]]:
    staged = stage(upload)
    try:
        files = {p.relative_to(staged.dir).as_posix(): p.read_bytes() for p in staged.dir.rglob("*") if p.is_file()}
        return staged.found, staged.problems, staged.notes, files
    finally:
        staged.cleanup()
        assert not staged.dir.exists()


def test_a_zip_upload_of_a_folder_is_unpacked_safely(tmp_path):
    entries = reference_entries("hw3/")
    entries["__MACOSX/hw3/._rnn.py"] = b"\x00\x05\x16\x07junk"
    entries["../escape.py"] = b"x = 1\n"
    entries["/abs/escape.py"] = b"x = 1\n"
    entries["notes"] = b"a file..."
    entries["notes/todo.py"] = b"...and a folder of the same name"
    upload = make_zip(tmp_path / "hw3.zip", entries)
    found, problems, notes, files = staged_copy_of(tmp_path, upload)
    assert found == {m: f"hw3/{m}.py" for m in MODULES}
    assert not problems
    assert {f"{m}.py" for m in MODULES} <= set(files)
    assert all(files[f"{m}.py"] == (REFERENCE_DIR / f"{m}.py").read_bytes() for m in MODULES)
    assert not (tmp_path / "escape.py").exists() and not Path("/abs/escape.py").exists()
    assert "escape.py" not in files


def test_a_zip_inside_the_uploaded_folder_is_looked_into(tmp_path):
    upload = tmp_path / "upload"
    upload.mkdir()
    make_zip(upload / "my submission.zip", reference_entries("rnn_hw/"))
    found, problems, notes, _ = staged_copy_of(tmp_path, upload)
    assert set(found) == set(MODULES) and not problems
    assert found["rnn"] == "my submission.zip/rnn_hw/rnn.py"
    assert any('found inside "my submission.zip"' in n for n in notes)


def test_a_damaged_zip_is_explained(tmp_path):
    upload = tmp_path / "broken.zip"
    upload.write_bytes(b"PK\x03\x04 this is not really a zip")
    found, problems, notes, _ = staged_copy_of(tmp_path, upload)
    assert not found
    assert any("broken.zip" in n and ("not a zip" in n or "not a folder or a .zip" in n) for n in notes)
    assert set(problems) == set(MODULES)


# ---- file names: wrong case, download suffixes, ambiguity, look-alikes -------------------------------------
def test_wrong_case_and_download_suffix_are_graded_and_ambiguity_explained(graded):
    results = results_of(graded, "file_names")
    jacobian_functions = [f.name for f in FUNCTIONS if f.module == "jacobian"]
    assert_zero(results, jacobian_functions)
    assert_full_marks(results, others(*jacobian_functions))
    out = results["output"]
    assert "RNN.py was graded as rnn.py. Name it exactly rnn.py" in out
    assert '"clipping (1).py" was graded as clipping.py' in out
    for fn in jacobian_functions:
        every_test_says(results, fn, "jacobian.py was not graded", '"jacobian (1).py" and "jacobian (2).py"',
                        "cannot tell which one you mean", "Keep only one of them, named jacobian.py")


@pytest.mark.parametrize("name", ["rnn (1).py", "rnn(2).py", "rnn-1.py", "rnn 2.py", "rnn copy.py",
                                  "rnn - Copy.py", "rnn - Copy (2).py", "Rnn.PY"])
def test_copy_suffixes_are_accepted(tmp_path, name):
    upload = reference_copy(tmp_path / "upload")
    (upload / "rnn.py").rename(upload / name)
    found, problems, notes, files = staged_copy_of(tmp_path, upload)
    assert found["rnn"] == name and not problems
    assert files["rnn.py"] == (REFERENCE_DIR / "rnn.py").read_bytes()
    assert any(name in n and "Name it exactly rnn.py" in n for n in notes)


@pytest.mark.parametrize("name", ["rnn_final.py", "my_rnn.py", "rnn_v2.py", "rnn.py.txt"])
def test_look_alike_names_are_not_graded_but_named_in_the_message(tmp_path, name):
    upload = reference_copy(tmp_path / "upload")
    (upload / "rnn.py").rename(upload / name)
    found, problems, _, files = staged_copy_of(tmp_path, upload)
    assert "rnn" not in found and "rnn.py" not in files
    assert f"{name} may be it" in problems["rnn"] and "rename it to rnn.py" in problems["rnn"]


def test_a_notebook_and_functions_in_the_wrong_file_are_pointed_out(tmp_path):
    upload = reference_copy(tmp_path / "upload", remove=("rnn.py",))
    (upload / "rnn.ipynb").write_text('{"cells": [], "nbformat": 4}')
    (upload / "homework.py").write_text("def rnn_forward(x, h0, params):\n    return None\n")
    _, problems, _, _ = staged_copy_of(tmp_path, upload)
    assert "rnn.ipynb was read, but none of its code cells defines rnn_forward and rnn_backward" in problems["rnn"]
    assert "rnn_forward is defined in homework.py" in problems["rnn"]


def test_the_same_file_in_two_folders_is_ambiguous_only_if_it_differs(tmp_path):
    upload = tmp_path / "upload"
    reference_copy(upload / "v1")
    reference_copy(upload / "v2")
    append_to(upload / "v2" / "rnn.py", "# changed\n")
    found, problems, _, _ = staged_copy_of(tmp_path, upload)
    assert set(found) == {"activations", "jacobian", "clipping"}
    assert "v1/rnn.py and v2/rnn.py in different folders" in problems["rnn"]


def test_helper_modules_and_packages_beside_the_files_are_staged(tmp_path):
    upload = reference_copy(tmp_path / "upload", "foreign_imports")
    found, _, _, files = staged_copy_of(tmp_path, upload)
    assert set(found) == set(MODULES)
    assert {"rnn_helpers.py", "mylib/__init__.py", "mylib/norms.py"} <= set(files)


# ---- wrong return values -----------------------------------------------------------------------------------
def test_wrong_returns_say_which_output_and_what_was_expected(graded):
    results = results_of(graded, "wrong_returns")
    assert_zero(results, ["sigmoid", "rnn_backward", "hidden_jacobian", "gradient_bound",
                          "classify_gradient_regime"])
    assert_full_marks(results, ["tanh_derivative"])
    # built on their broken helpers, graded with correct ones instead
    assert_full_marks(results, ["sigmoid_derivative", "jacobian_through_time"])
    scores = function_scores(results)
    assert scores["rnn_forward"][0] < scores["rnn_forward"][1] / 2
    assert scores["clip_grad_norm"][0] < scores["clip_grad_norm"][1] / 2
    assert "expected an array of numbers, got None (is a `return` statement missing?)" in feedback_of(
        results, "sigmoid")
    assert re.search(r"h should have shape \(2, 4, 4\), got shape \(4, 2, 4\) \(the same sizes in another "
                     r"order", feedback_of(results, "rnn_forward"))
    every_test_says(results, "rnn_backward",
                    "rnn_backward should return a tuple of 3 items (dx, dh0, grads); it returned a tuple of 2 items",
                    titled="matches the reference")
    assert re.search(r"should have shape \(\d, \d\), got shape \(\d,\)", feedback_of(results, "hidden_jacobian"))
    assert "expected a number, got the string '" in feedback_of(results, "gradient_bound")
    assert "expected a string, got a value of type bool" in feedback_of(results, "classify_gradient_regime")
    clip = feedback_of(results, "clip_grad_norm")
    assert "clipped should be a dict with the keys W_xh, W_hh, b_h, W_hy, b_y; it is a value of type float" in clip
    assert "total_norm: expected a number, got dict" in clip


def test_nested_lists_that_are_numerically_right_are_accepted(graded):
    assert results_of(graded, "nested_lists")["score"] == TOTAL


# ---- imports the grader does not provide; the student's own modules ----------------------------------------
def test_missing_packages_cost_their_functions_and_own_modules_work(graded):
    results = results_of(graded, "foreign_imports")
    activations = ["sigmoid", "sigmoid_derivative", "tanh_derivative"]
    assert_zero(results, [*activations, "gradient_bound"])
    assert_full_marks(results, others(*activations, "gradient_bound"))
    for fn in activations:
        every_test_says(results, fn, "activations.py could not be loaded: it imports 'torch', which the grader "
                                     "does not provide", "activations.py line 3: import torch",
                        "Only the Python standard library and NumPy are available")
    every_test_says(results, "gradient_bound", "gradient_bound raised ModuleNotFoundError",
                    "The module 'tensorflow' is not available: only the Python standard library and NumPy are")


# ---- encodings, line ends, tabs -------------------------------------------------------------------------------
def test_bom_crlf_tabs_and_windows_bytes_are_read_and_mixed_tabs_explained(graded):
    results = results_of(graded, "encodings")
    assert_zero(results, ["clip_grad_norm"])
    assert_full_marks(results, others("clip_grad_norm"))
    every_test_says(results, "clip_grad_norm", "clipping.py could not be loaded: TabError",
                    "inconsistent use of tabs and spaces", "Indent with spaces only")
    assert "rnn.py is not valid UTF-8 (lines 1, " in results["output"]
    assert "read as Windows-1252 characters" in results["output"]
    assert "activations.py" not in results["output"] and "jacobian.py" not in results["output"]


def test_utf16_is_converted_and_a_notebook_saved_as_py_is_explained(tmp_path):
    upload = reference_copy(tmp_path / "upload")
    text = (upload / "rnn.py").read_text(encoding="utf-8")
    (upload / "rnn.py").write_bytes(text.encode("utf-16"))
    (upload / "clipping.py").write_text('{\n "cells": [{"cell_type": "code"}],\n "nbformat": 4\n}\n')
    (upload / "jacobian.py").write_text("\n\n")
    found, problems, notes, files = staged_copy_of(tmp_path, upload)
    assert files["rnn.py"].decode("utf-8") == text
    assert any("rnn.py was saved as UTF-16" in n for n in notes)
    assert "clipping.py is a Jupyter notebook saved under a .py name" in problems["clipping"]
    assert problems["jacobian"].startswith("jacobian.py is empty.")
    assert set(found) == {"activations", "rnn"}


def test_a_pep263_coding_line_is_honoured(tmp_path):
    upload = reference_copy(tmp_path / "upload")
    source = "# -*- coding: latin-1 -*-\n# café\n" + (upload / "rnn.py").read_text(encoding="utf-8")
    (upload / "rnn.py").write_bytes(source.encode("latin-1"))
    _, _, notes, files = staged_copy_of(tmp_path, upload)
    assert files["rnn.py"] == source.encode("latin-1") and not notes


# ---- empty submission, the stubs as shipped --------------------------------------------------------------------
def test_an_empty_submission_scores_zero_and_says_so(graded):
    results = results_of(graded, "empty")
    assert results["score"] == 0
    assert "No file of the assignment was found, so nothing could be graded" in results["output"]
    assert "The submission holds no files." in results["output"]
    for fn in FUNCTIONS:
        every_test_says(results, fn.name, f"{fn.module}.py was not found in your submission", fn.signature)


def test_only_junk_is_an_empty_submission(tmp_path):
    upload = tmp_path / "upload"
    (upload / "__MACOSX").mkdir(parents=True)
    (upload / "__MACOSX" / "._rnn.py").write_bytes(b"\x00\x05\x16\x07")
    (upload / ".DS_Store").write_bytes(b"\x00")
    (upload / "report.pdf").write_bytes(b"%PDF-1.4")
    found, problems, notes, files = staged_copy_of(tmp_path, upload)
    assert not found and not files and set(problems) == set(MODULES)
    assert "No file of the assignment was found" in notes[0] and "report.pdf" in notes[0]


def test_the_stubs_as_shipped_score_zero_and_say_so(graded):
    results = results_of(graded, "stubs")
    assert results["score"] == 0
    assert "Your files are the stubs as handed out, unchanged" in results["output"]
    for fn in FUNCTIONS:
        assert f"{fn.name} still raises NotImplementedError" in feedback_of(results, fn.name)
        every_test_says(results, fn.name, "NotImplementedError")


# ---- prints, reseeding, slow pure Python ----------------------------------------------------------------------
def test_prints_reseeding_and_slow_pure_python_get_full_marks(graded):
    """Full marks, except rnn_backward: loops over every index in pure Python take about 5 s of CPU at
    the realistic size (N=4, T=400, D=64, H=128), within the real 20 s budget but past the 1 s this
    test gives it, and a gradient over a sequence that cannot be computed there earns none of its
    points (issue 19); NumPy's BPTT, even looping over samples and time, takes about a second at most."""
    results = results_of(graded, "messy_but_correct")
    lost = {t["name"]: t["output"] for t in results["tests"] if t["score"] < t["max_score"]}
    assert lost and all(name.startswith("rnn_backward:") for name in lost), lost
    assert {t["name"] for t in results["tests"] if t["name"].startswith("rnn_backward:")} == set(lost)
    assert all("No credit for rnn_backward: on the realistic-size case" in out for out in lost.values()), lost
    assert "DEBUG" in graded["messy_but_correct"]["student_output"]     # printed, kept for the instructor
    assert "DEBUG" not in json.dumps(results)                          # never mixed into the feedback


# ---- exceptions of every kind, recursion, a function that never returns ---------------------------------------
def test_exceptions_of_every_kind_cost_only_their_function(graded):
    results = results_of(graded, "exceptions")
    assert_zero(results, others("classify_gradient_regime"))
    # classify_gradient_regime hangs only through gradient_bound: graded with a correct one
    assert_full_marks(results, ["classify_gradient_regime"])
    # Hidden cases show the exception's type and place, never its message (it could carry the inputs);
    # the worked example, run apart from every hidden input, shows it in full.
    exit_line = line_of("exceptions/activations.py", "sys.exit(")
    every_test_says(results, "sigmoid", f"sigmoid raised SystemExit at activations.py line {exit_line}, in sigmoid",
                    "Do not call sys.exit()")
    assert "sigmoid raised SystemExit: sigmoid: not done yet" in feedback_of(results, "sigmoid")
    every_test_says(results, "sigmoid_derivative", "sigmoid_derivative raised an exception of a class defined in "
                                                   "your code")
    assert ("sigmoid_derivative raised activations.GiveUp (its message could not be turned into text)"
            in feedback_of(results, "sigmoid_derivative"))
    every_test_says(results, "tanh_derivative", "tanh_derivative raised KeyboardInterrupt at activations.py")
    every_test_says(results, "rnn_forward", "rnn_forward raised RecursionError", "check the base case")
    every_test_says(results, "rnn_backward", "rnn_backward raised ValueError at rnn.py line", "in _check_shapes")
    assert "rnn_backward raised ValueError: shapes do not align for the carry" in feedback_of(results, "rnn_backward")
    every_test_says(results, "hidden_jacobian", "expected an array of numbers, got another type, which NumPy "
                                                "cannot turn into float64 numbers", titled="Jacobian")
    assert ("expected an array of numbers, got jacobian.Lazy, which NumPy cannot turn into float64 numbers "
            "(lazy answer)" in feedback_of(results, "hidden_jacobian"))
    every_test_says(results, "jacobian_through_time", "raised EOFError", "remove calls to input()")
    gradient_bound = feedback_of(results, "gradient_bound")
    assert stopped("gradient_bound", QUICK).search(gradient_bound)
    assert "so its remaining cases were skipped" in gradient_bound
    every_test_says(results, "clip_grad_norm", "clipping.py could not be loaded: its top-level code raised "
                                               "SystemExit: 0 at clipping.py line "
                                               f"{line_of('exceptions/clipping.py', 'sys.exit(0)')}",
                    'put tests and experiments under `if __name__ == "__main__":`',
                    "Remove the call to sys.exit()")


def test_top_level_code_that_never_finishes_or_a_call_that_ends_the_process(graded):
    results = results_of(graded, "top_level_code")
    assert_zero(results, ["rnn_forward", "rnn_backward", "clip_grad_norm"])
    assert_full_marks(results, others("rnn_forward", "rnn_backward", "clip_grad_norm"))
    for fn in ("rnn_forward", "rnn_backward"):
        every_test_says(results, fn, "rnn.py could not be loaded: running its top-level code did not finish",
                        'put tests, training loops and plots under `if __name__ == "__main__":`')
    clip = feedback_of(results, "clip_grad_norm")
    assert "clip_grad_norm stopped the process running it: the process exited with status 3" in clip
    assert "Do not call os._exit()" in clip


def test_a_function_that_never_returns_through_the_command_line_with_default_limits(tmp_path):
    """End to end with the real budgets: only tanh_derivative loses points, after its 3 s of CPU."""
    upload = reference_copy(tmp_path / "upload")
    append_to(upload / "activations.py", "\n\ndef tanh_derivative(x):\n    while True:\n        pass\n")
    results_path = tmp_path / "out" / "results.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(upload), "--results", str(results_path),
                           "--quiet"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads(results_path.read_text())
    assert_zero(results, ["tanh_derivative"])
    assert_full_marks(results, others("tanh_derivative"))
    assert stopped("tanh_derivative", Limits()).search(feedback_of(results, "tanh_derivative"))
    for internal in GRADER_INTERNALS:
        assert internal not in json.dumps(results)


def test_a_function_that_ran_out_of_time_is_not_run_again_in_the_same_grade(tmp_path):
    """No helper substitution and no worked example for a function that timed out (each would cost its
    budget again), unless its helper timed out too: then the time-out may lie in the helper."""
    upload = reference_copy(tmp_path / "own")
    append_to(upload / "activations.py", "\n\ndef sigmoid(x):\n    return 0.5 + 0 * np.asarray(x, dtype=float)\n"
                                         "\n\ndef sigmoid_derivative(x):\n    while True:\n        pass\n")
    report = grade_submission(upload, QUICK)
    assert not any("helper substitution run" in line for line in report.log), report.log
    examples = next(line for line in report.log if line.startswith("worked examples run for"))
    assert "'sigmoid'" in examples and "sigmoid_derivative" not in examples
    derivative = "\n".join(feedback(o) for o in report.outcomes if o.check.function == "sigmoid_derivative")
    assert stopped("sigmoid_derivative", QUICK).search(derivative)
    assert ("Worked example not run: sigmoid_derivative did not finish one of its cases (see the tests of "
            "sigmoid_derivative), so the grader did not run it again." in derivative)

    upload = reference_copy(tmp_path / "helper")          # jacobian_through_time calls hidden_jacobian
    append_to(upload / "jacobian.py", "\n\ndef hidden_jacobian(h_t, W_hh, activation=\"tanh\"):\n"
                                      "    while True:\n        pass\n")
    report = grade_submission(upload, QUICK)
    assert any(line.startswith("helper substitution run for ['jacobian_through_time']") for line in report.log)
    assert sum(o.score for o in report.outcomes if o.check.function == "jacobian_through_time") > 0


# ---- the worker, on answers and exceptions that misbehave (called directly: no process needed) ------------
@pytest.fixture(scope="module")
def worker():
    spec = importlib.util.spec_from_file_location("broken_tests_worker", REPO_ROOT / "autograder" / "sandbox" /
                                                  "worker.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def call_record(worker, tmp_path: Path, fn, schema: dict) -> dict:
    """What the worker records for one call of fn (no arguments) against schema."""
    writer = worker.Writer(str(tmp_path), 0)
    worker.run_call(lambda: fn(), {}, schema, {}, writer, 0, str(tmp_path), False, "f")
    writer.close()
    return json.loads((tmp_path / "step_0.jsonl").read_text().splitlines()[-1])


class Unsizable(tuple):
    def __len__(self):
        raise RuntimeError("no len")


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no str")


def test_worker_survives_answers_whose_own_methods_raise(worker, tmp_path):
    pair = {"kind": "tuple", "names": ["h", "y"], "items": [{"kind": "array"}, {"kind": "array"}]}
    record = call_record(worker, tmp_path, lambda: Unsizable((1.0, 2.0)), pair)
    assert [leaf["path"] for leaf in record["leaves"]] == ["h", "y"]
    assert all("the answer of f could not be read: it raised RuntimeError (no len)" in leaf["problem"]
               for leaf in record["leaves"])


def test_worker_names_every_expected_output_of_a_wrong_answer(worker, tmp_path):
    grads = {"kind": "dict", "keys": ["W", "b"], "items": [{"kind": "array"}, {"kind": "array"}]}
    schema = {"kind": "tuple", "names": ["dx", "grads"], "items": [{"kind": "array"}, grads]}
    record = call_record(worker, tmp_path, lambda: (x for x in range(2)), schema)
    assert [leaf["path"] for leaf in record["leaves"]] == ["dx", "grads['W']", "grads['b']"]
    assert "f should return a tuple of 2 items (dx, grads); it returned a value of type generator" in \
        record["leaves"][1]["problem"]
    record = call_record(worker, tmp_path, lambda: (1.0, {"W": 1.0}), schema)
    assert record["leaves"][-1] == {"path": "grads['b']", "problem": "the key 'b' is missing from the dict grads"}


def test_worker_describes_exceptions_that_cannot_be_printed(worker, tmp_path):
    def raise_it():
        raise Unprintable()

    raised = call_record(worker, tmp_path, raise_it, {"kind": "array"})["raised"]
    assert raised["message"] == "<unprintable>" and raised["type"].endswith("Unprintable")
    assert "Exception" in raised["mro"]


def test_worker_reports_missing_module_only_for_modules(worker, tmp_path):
    try:
        from numpy import no_such_name  # noqa: F401
    except ImportError as exc:
        assert "missing_module" not in worker.describe_exception(exc, str(tmp_path))
    try:
        import no_such_package_for_the_grader  # noqa: F401
    except ImportError as exc:
        assert worker.describe_exception(exc, str(tmp_path))["missing_module"] == "no_such_package_for_the_grader"


def test_a_file_name_that_is_not_utf8_does_not_break_staging(tmp_path):
    upload = reference_copy(tmp_path / "upload")
    os.close(os.open(bytes(upload) + b"/r\xe9sum\xe9.py", os.O_CREAT | os.O_WRONLY))
    (upload / "rnn.py").unlink()
    found, problems, notes, files = staged_copy_of(tmp_path, upload)
    assert "rnn" not in found and "r\ufffdsum\ufffd.py" not in files
    json.dumps([problems, notes]).encode("utf-8")      # printable and writable as they are
    "".join(problems.values()).encode("utf-8")


def zip_without_utf8_flag(path: Path, folder: bytes) -> Path:
    """A zip of the reference under FOLDER (raw bytes), the names written without the UTF-8 flag, as
    older Windows zippers write them."""
    placeholder = "F" * len(folder)
    make_zip(path, reference_entries(placeholder + "/"))
    data = path.read_bytes()
    assert data.count(placeholder.encode()) == 2 * len(list(REFERENCE_DIR.glob("*.py")))
    path.write_bytes(data.replace(placeholder.encode(), folder))
    with zipfile.ZipFile(path) as zf:
        assert not any(info.flag_bits & 0x800 for info in zf.infolist())
    return path


@pytest.mark.parametrize("folder", ["Bài tập 3", "Übung"])
def test_a_zip_without_the_utf8_flag_shows_its_folder_names_as_written(tmp_path, folder):
    raw = folder.encode("utf-8") if folder.startswith("B") else folder.encode("cp437")   # UTF-8, or real cp437
    found, problems, notes, _files = staged_copy_of(tmp_path, zip_without_utf8_flag(tmp_path / "hw.zip", raw))
    assert not problems and set(found.values()) == {f"{folder}/{m}.py" for m in found}
    assert any(n.startswith("Your files were found in") and f"{folder}/" in n for n in notes), notes
