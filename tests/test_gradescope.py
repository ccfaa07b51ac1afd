"""The Gradescope zip, built and run the way Gradescope runs it, in a temporary AUTOGRADER_ROOT.

Each zip is built once (`python -m autograder gradescope-zip`) and each submission graded once
(module-scoped fixtures); the tests read the results. setup.sh cannot run here (it needs
Gradescope's Ubuntu image): its content is checked statically, and run_autograder runs with this
machine's interpreter (AUTOGRADER_PYTHON).
"""
from __future__ import annotations

import ast
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from importlib import metadata as dist_metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.version import Version

from autograder.assignments.rnn_bptt.contract import FUNCTIONS
from autograder.assignments.rnn_bptt.points import TOTAL
from autograder.platforms.cli import build_parser
from autograder.platforms.gradescope import metadata, settings
from autograder.platforms.gradescope.bundle import build_zip

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "reference" / "rnn_bptt" / "solution"
STUBS = ROOT / "assignments" / "rnn_bptt"
STUDENT_FILES = ("activations.py", "rnn.py", "jacobian.py", "clipping.py")
PY310 = {"python_version": "3.10", "python_full_version": "3.10.12", "sys_platform": "linux",
         "platform_system": "Linux", "platform_machine": "x86_64", "implementation_name": "cpython"}

METADATA = {
    "id": 123, "created_at": "2026-03-01T10:00:00.000000-08:00", "submission_method": "upload",
    "assignment": {"title": "RNN and BPTT", "total_points": "100.0"},
    "users": [{"email": "ada@example.edu", "id": 7, "name": "Ada *Lovelace*"}],
    "previous_submissions": [{"submission_time": "2026-02-28T09:00:00.000000-08:00", "score": 40.0},
                             {"submission_time": "2026-02-28T10:00:00.000000-08:00", "score": 70.0}],
}


# ---- building, unpacking and running, as Gradescope does ---------------------------------------
def build_with_cli(output: Path, *options: str) -> Path:
    proc = subprocess.run([sys.executable, "-m", "autograder", "gradescope-zip", "--output", str(output), *options],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return output


def unpack(zip_path: Path, dest: Path) -> None:
    """Unzip as Gradescope does (with Unix permissions); zipfile plus chmod when unzip is absent."""
    dest.mkdir(parents=True)
    if shutil.which("unzip"):
        subprocess.run(["unzip", "-q", str(zip_path), "-d", str(dest)], check=True)
        return
    with zipfile.ZipFile(zip_path) as zf:
        for info in zf.infolist():
            zf.extract(info, dest)
            os.chmod(dest / info.filename, (info.external_attr >> 16) & 0o777)


class Run:
    def __init__(self, root: Path, proc: subprocess.CompletedProcess):
        self.root, self.proc = root, proc
        self.results = json.loads((root / "results" / "results.json").read_text())

    def by_function(self) -> dict[str, tuple[float, float]]:
        out = {f.name: [0.0, 0.0] for f in FUNCTIONS}
        for t in self.results["tests"]:
            row = out[t["extra_data"]["function"]]
            row[0] += t["score"]
            row[1] += t["max_score"]
        return {k: (round(a, 4), round(b, 4)) for k, (a, b) in out.items()}


def gradescope_run(zip_path: Path, root: Path, submission: Path | None, metadata_text: str | None = None,
                   **env_overrides: str) -> Run:
    """AUTOGRADER_ROOT=root: source/ (the zip), submission/, submission_metadata.json, results/;
    then `bash run_autograder` with cwd = source, as Gradescope runs it."""
    unpack(zip_path, root / "source")
    if submission is not None:
        shutil.copytree(submission, root / "submission")
    (root / "results").mkdir()
    if metadata_text is not None:
        (root / "submission_metadata.json").write_text(metadata_text)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PYTEST_", "AUTOGRADER_"))}
    env.update({"AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable, **env_overrides})
    proc = subprocess.run(["bash", str(root / "run_autograder")], cwd=root / "source", env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return Run(root, proc)


def submission_from(source: Path, dest: Path, edit: tuple[str, str, str] | None = None) -> Path:
    """The four student files of SOURCE in DEST, with one textual EDIT (file, old, new) if given."""
    dest.mkdir()
    for name in STUDENT_FILES:
        shutil.copy(source / name, dest / name)
    if edit:
        name, old, new = edit
        text = (dest / name).read_text()
        assert text.count(old) == 1, f"the bug cannot be planted: {old!r} is not once in {name}"
        (dest / name).write_text(text.replace(old, new))
    return dest


@pytest.fixture(scope="module")
def default_zip(tmp_path_factory) -> Path:
    return build_with_cli(tmp_path_factory.mktemp("zip") / "autograder.zip")


@pytest.fixture(scope="module")
def held_back_zip(tmp_path_factory) -> Path:
    return build_with_cli(tmp_path_factory.mktemp("zip") / "autograder.zip", "--test-visibility", "after_published")


@pytest.fixture(scope="module")
def reference_run(default_zip, tmp_path_factory) -> Run:
    return gradescope_run(default_zip, tmp_path_factory.mktemp("ref"), REFERENCE, json.dumps(METADATA))


@pytest.fixture(scope="module")
def stubs_run(default_zip, tmp_path_factory) -> Run:
    return gradescope_run(default_zip, tmp_path_factory.mktemp("stubs"), submission_from(
        STUBS, tmp_path_factory.mktemp("stub_files") / "s"), metadata_text='{"users": [nonsense')


@pytest.fixture(scope="module")
def one_bug_run(held_back_zip, tmp_path_factory) -> Run:
    """hidden_jacobian returns diag(phi') @ W_hh instead of @ W_hh.T; no metadata file (a local run)."""
    files = submission_from(REFERENCE, tmp_path_factory.mktemp("bug") / "s",
                            ("jacobian.py", "[:, None] * W_hh.T", "[:, None] * W_hh"))
    return gradescope_run(held_back_zip, tmp_path_factory.mktemp("bug_root"), files)


# ---- the zip's contents --------------------------------------------------------------------------
def test_zip_has_the_scripts_at_its_root_executable_with_lf_line_ends(default_zip, tmp_path):
    with zipfile.ZipFile(default_zip) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        for name in ("setup.sh", "run_autograder"):
            assert name in infos, f"{name} must be at the zip's root; it has {sorted(infos)}"
            mode = infos[name].external_attr >> 16
            assert infos[name].create_system == 3 and stat.S_ISREG(mode) and mode & 0o111 == 0o111, oct(mode)
            data = zf.read(name)
            assert data.startswith(b"#!/usr/bin/env bash\n") and b"\r" not in data, name
            (tmp_path / name).write_bytes(data)
            check = subprocess.run(["bash", "-n", str(tmp_path / name)], capture_output=True, text=True)
            assert check.returncode == 0, f"{name}: {check.stderr}"
        for name, info in infos.items():
            if name.endswith((".py", ".txt", ".json")):
                assert b"\r\n" not in zf.read(name), f"{name} has CRLF line ends"
                assert (info.external_attr >> 16) & 0o777 == 0o644, name


def test_zip_holds_the_grader_and_reference_and_nothing_else(default_zip):
    with zipfile.ZipFile(default_zip) as zf:
        names = set(zf.namelist())
        for name in names:
            if name.endswith(".py"):
                ast.parse(zf.read(name), filename=name)
    package = {p.relative_to(ROOT).as_posix() for p in [*(ROOT / "autograder").rglob("*.py"),
                                                         *(ROOT / "autograder").rglob("*.po")]
               if "__pycache__" not in p.parts}
    assert package <= names, f"grader files missing from the zip: {sorted(package - names)}"
    assert {f"reference/rnn_bptt/solution/{f}" for f in STUDENT_FILES} <= names
    extra = names - package - {f"reference/rnn_bptt/solution/{f}" for f in STUDENT_FILES}
    assert extra == {"setup.sh", "run_autograder", "requirements.txt", "gradescope.json", "fallback_results.json",
                     "course_secret"}
    forbidden = [n for n in names if n.startswith(("tests/", ".git", "assignments/", "benchmarks/"))
                 or "__pycache__" in n or n.endswith((".pyc", "test_selfcheck.py", "derivations.py"))]
    assert not forbidden, forbidden


def test_zip_is_reproducible(default_zip, tmp_path):
    build_zip(tmp_path / "again.zip")
    assert (tmp_path / "again.zip").read_bytes() == default_zip.read_bytes()


def test_fallback_results_in_the_zip_name_every_test_and_score_zero(default_zip):
    with zipfile.ZipFile(default_zip) as zf:
        fallback = json.loads(zf.read("fallback_results.json"))
    assert fallback["score"] == 0 and fallback["stdout_visibility"] == "hidden"
    assert sum(t["max_score"] for t in fallback["tests"]) == TOTAL
    assert all(t["score"] == 0 and "internal error" in t["output"] for t in fallback["tests"])


# ---- setup.sh and its pins (static: there is no Ubuntu image here) -------------------------------
def pinned(zip_path: Path) -> dict[str, str]:
    with zipfile.ZipFile(zip_path) as zf:
        lines = zf.read("requirements.txt").decode().splitlines()
    pins = {}
    for line in (ln.split("#", 1)[0].strip() for ln in lines):
        if line:
            req = Requirement(line)
            spec = str(req.specifier)
            assert spec.startswith("==") and "," not in spec and not req.extras, f"not an exact pin: {line}"
            pins[req.name.lower()] = spec[2:]
    return pins


def test_setup_sh_installs_the_pins_without_other_packages_then_selftests(default_zip):
    with zipfile.ZipFile(default_zip) as zf:
        setup = zf.read("setup.sh").decode()
    install = re.search(r"pip install(?:\\\n|[^\n])*", setup).group(0)
    assert "--no-deps" in install and "requirements.txt" in install, install
    assert re.search(r"apt-get install -y[^\n]* python3-pip", setup)
    assert "set -euo pipefail" in setup, "a failed install must fail the image build"
    assert setup.rstrip().endswith("python3 -m autograder.platforms.gradescope selftest")


def test_pins_match_what_the_tests_ran_and_cover_every_dependency_on_python_3_10(default_zip):
    pins = pinned(default_zip)
    assert {"numpy", "hypothesis"} <= set(pins)
    project = [r for r in map(Requirement, dist_metadata.requires("rnn-autograder") or []) if r.marker is None]
    assert {r.name for r in project} >= {"numpy", "hypothesis"}, project
    for req in project:
        assert req.specifier.contains(pins[req.name.lower()]), f"pin {req.name}=={pins[req.name.lower()]} vs {req}"
    assert pins["hypothesis"] == dist_metadata.version("hypothesis"), "Gradescope must draw the same cases"
    # numpy 2.3 dropped Python 3.10, the Gradescope image's Python.
    assert Version(pins["numpy"]) < Version("2.3"), pins["numpy"]
    for name in pins:
        try:
            requires = dist_metadata.requires(name) or []
        except dist_metadata.PackageNotFoundError:
            continue
        for req in map(Requirement, requires):
            needed = req.marker is None or req.marker.evaluate({**PY310, "extra": ""})
            if needed:
                assert req.name.lower() in pins, f"{name} needs {req} on Python 3.10, which is not pinned"
                assert req.specifier.contains(pins[req.name.lower()]), f"{req} vs pin {pins[req.name.lower()]}"
    assert Marker('python_version < "3.11"').evaluate(PY310)


# ---- run_autograder on real submissions ------------------------------------------------------
def test_reference_scores_100_with_a_greeting(reference_run):
    r = reference_run.results
    assert r["score"] == TOTAL == sum(t["max_score"] for t in r["tests"])
    assert all(t["score"] == t["max_score"] and t["status"] == "passed" for t in r["tests"])
    assert all(t["visibility"] == "visible" and t["output"] for t in r["tests"])
    assert r["visibility"] == "visible" and r["stdout_visibility"] == "hidden" and r["output_format"] == "md"
    assert isinstance(r["execution_time"], (int, float)) and r["execution_time"] > 0
    first = r["output"].splitlines()[0]
    assert first == r"Hello, Ada \*Lovelace\*! This is submission number 3 (2 earlier submissions).", first
    for f in FUNCTIONS:
        assert f"| `{f.name}` |" in r["output"], f"no score line for {f.name} in the summary"


def test_the_run_uses_the_unpacked_zip_and_fits_the_container(reference_run):
    out = reference_run.proc.stdout
    assert f"grader: {reference_run.root / 'source' / 'autograder'}" in out, out[-2000:]
    grader, worker = map(int, re.search(r"peak memory: grader (\d+) MB, largest worker (\d+) MB", out).groups())
    assert grader + worker < 768 // 2, f"{grader} + {worker} MB is not well inside Gradescope's 768 MB"


def test_stubs_score_0_and_bad_metadata_only_costs_the_greeting(stubs_run):
    r = stubs_run.results
    assert r["score"] == 0 and sum(t["max_score"] for t in r["tests"]) == TOTAL
    assert all(t["status"] == "failed" for t in r["tests"])
    assert r["output"].startswith("**Score: 0 / 100**"), r["output"][:200]
    assert "submission_metadata.json could not be read" in stubs_run.proc.stdout


def test_one_bug_loses_points_in_that_function_only(one_bug_run):
    scores = one_bug_run.by_function()
    got, total = scores.pop("hidden_jacobian")
    assert got < total, f"hidden_jacobian with W_hh in place of W_hh.T scored {got}/{total}"
    assert all(s == t for s, t in scores.values()), {k: v for k, v in scores.items() if v[0] != v[1]}
    assert one_bug_run.results["score"] == TOTAL - (total - got)


def test_held_back_tests_keep_their_names_and_messages_but_the_summary_hides_scores(one_bug_run):
    r = one_bug_run.results
    assert all(t["visibility"] == "after_published" for t in r["tests"]) and r["visibility"] == "visible"
    failed = [t for t in r["tests"] if t["status"] == "failed"]
    assert failed and all(t["name"].startswith("hidden_jacobian: ") for t in failed)
    assert any("Worked example" in t["output"] and "expected" in t["output"] for t in failed)
    assert "| function |" not in r["output"] and "Score" not in r["output"]
    assert "when your instructor publishes the grades" in r["output"], r["output"]
    assert not r["output"].startswith("Hello"), "no metadata file: no greeting"


def test_results_never_show_the_reference_code(one_bug_run):
    text = json.dumps(one_bug_run.results)
    code = [ln.strip() for f in STUDENT_FILES for ln in (REFERENCE / f).read_text().splitlines()]
    leaked = [ln for ln in code if len(ln) >= 25 and not ln.startswith(('"', "#")) and ln in text]
    assert not leaked, leaked


# ---- run_autograder when the grader itself fails ---------------------------------------------------
def test_a_grader_that_cannot_start_leaves_the_fallback_results(default_zip, tmp_path):
    run = gradescope_run(default_zip, tmp_path / "root", REFERENCE, AUTOGRADER_PYTHON="false")
    with zipfile.ZipFile(default_zip) as zf:
        assert run.results == json.loads(zf.read("fallback_results.json"))
    assert "writing the fallback" in run.proc.stderr


def test_a_hung_grader_is_stopped_and_the_fallback_written(default_zip, tmp_path):
    hang = tmp_path / "hang"
    hang.write_text("#!/bin/sh\nexec sleep 60\n")
    hang.chmod(0o755)
    run = gradescope_run(default_zip, tmp_path / "root", REFERENCE, AUTOGRADER_PYTHON=str(hang),
                         AUTOGRADER_TIMEOUT="1")
    assert run.results["score"] == 0 and run.results["tests"], run.proc.stderr
    assert "status 124" in run.proc.stderr


def test_without_even_the_fallback_file_a_minimal_valid_result_is_written(default_zip, tmp_path):
    root = tmp_path / "root"
    unpack(default_zip, tmp_path / "unpacked")
    (tmp_path / "unpacked" / "fallback_results.json").unlink()
    broken = tmp_path / "broken.zip"
    shutil.make_archive(str(broken.with_suffix("")), "zip", tmp_path / "unpacked")
    run = gradescope_run(broken, root, None, AUTOGRADER_PYTHON="false")
    assert run.results["score"] == 0 and run.results["tests"] == []
    assert "tell your instructor" in run.results["output"]


# ---- submission metadata, settings ---------------------------------------------------------------
@pytest.mark.parametrize("text, problem", [
    (None, "not found"),
    ("", "could not be read"),
    ("{not json", "could not be read"),
    ("[1, 2]", "holds a list"),
    ('"hello"', "holds a str"),
    ('{"users": "Ada", "previous_submissions": 3}', "no usable users[].name or previous_submissions"),
    ('{"users": [{"name": 5}, "Ada", null, {}], "previous_submissions": []}', "no usable users[].name"),
    ('{"users": [{"name": "  "}], "previous_submissions": {"a": 1}}', "no usable users[].name or previous"),
], ids=["absent", "empty", "not-json", "list", "string", "wrong-types", "no-names", "blank-name"])
def test_unusable_metadata_gives_no_greeting_and_says_why(tmp_path, text, problem):
    path = tmp_path / "submission_metadata.json"
    if text is not None:
        path.write_text(text)
    info = metadata.read_metadata(path)
    assert problem in info.problem and not info.names
    assert metadata.greeting(info) in ("", "This is your first submission.")


def test_metadata_as_a_directory_or_binary_does_not_raise(tmp_path):
    (tmp_path / "dir").mkdir()
    (tmp_path / "bin").write_bytes(b"\xff\xfe\x00garbage")
    for name in ("dir", "bin"):
        info = metadata.read_metadata(tmp_path / name)
        assert info.problem and metadata.greeting(info) == ""


def test_greeting_names_a_group_and_counts_earlier_submissions(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"users": [{"name": "Ada"}, {"name": "Alan  M.\nTuring"}, {"name": "<b>Grace</b>"}],
                                "previous_submissions": [{}]}))
    info = metadata.read_metadata(path)
    assert metadata.greeting(info) == ("Hello, Ada, Alan M. Turing and &lt;b&gt;Grace&lt;/b&gt;! "
                                       "This is submission number 2 (1 earlier submission).")
    path.write_text(json.dumps({"users": [{"name": "x" * 500}], "previous_submissions": []}))
    greeting = metadata.greeting(metadata.read_metadata(path))
    assert greeting.endswith("This is your first submission.") and len(greeting) < 150


def test_settings_refuse_unknown_visibilities_and_survive_a_broken_file(tmp_path):
    with pytest.raises(ValueError, match="test-visibility must be one of visible, after_due_date"):
        settings.Settings(test_visibility="later")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["gradescope-zip", "--results-visibility", "sometimes"])
    (tmp_path / "s.json").write_text('{"test_visibility": "soon"}')
    chosen, problem = settings.load(tmp_path / "s.json")
    assert chosen == settings.Settings() and "soon" in problem
    (tmp_path / "s.json").write_text('{"test_visibility": "hidden", "note": "ignored"}')
    assert settings.load(tmp_path / "s.json") == (settings.Settings(test_visibility="hidden"), "")


def test_zip_carries_the_course_secret_private_to_its_owner(default_zip):
    """Gradescope draws the same hidden cases as `grade` with the same secret (secret.py)."""
    from autograder.engine.secret import load_secret

    with zipfile.ZipFile(default_zip) as zf:
        info = zf.getinfo("course_secret")
        assert (info.external_attr >> 16) & 0o777 == 0o600
        assert zf.read("course_secret").strip() == load_secret(create=False).key


def test_the_gated_rnn_zip_grades_part_2_as_gradescope_would(tmp_path):
    """Part 2's zip (--assignment gated_rnn), unpacked and run as Gradescope runs it: the reference 100,
    its stubs 0, every test named after one of its six functions."""
    from autograder.assignment import load

    gated = load("gated_rnn")
    names = {f.name for f in gated.functions}
    zip_path = build_with_cli(tmp_path / "gated.zip", "--assignment", "gated_rnn")
    reference = gradescope_run(zip_path, tmp_path / "ref", ROOT / "reference" / "gated_rnn" / "solution").results
    assert reference["score"] == 100 and all(t["score"] == t["max_score"] for t in reference["tests"])
    assert {t["name"].split(":", 1)[0] for t in reference["tests"]} == names
    stubs = tmp_path / "stub_files"
    stubs.mkdir()
    for module in ("lstm", "gru", "truncated"):
        shutil.copy(ROOT / "assignments" / "gated_rnn" / f"{module}.py", stubs / f"{module}.py")
    assert gradescope_run(zip_path, tmp_path / "stubs", stubs).results["score"] == 0
