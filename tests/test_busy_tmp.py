"""A busy /tmp changes no grade (sandbox/slots.py, tree.scrub): beside 120,000 entries of another user
in /tmp (conftest.busy_tmp_folder), the reference scores 100 in every sandbox mode, starting from
slots of unknown state (each is scrubbed before use), and two graders from two checkouts at once.
The container-like setting is covered by tests/test_sandbox_attacks.py, which CI runs in all four."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import busy_tmp
import pytest

from autograder.sandbox import confine, slots

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="slots (and their scrub) exist only for a root grader")

REPO = Path(__file__).resolve().parents[1]
SOLUTION = REPO / "reference" / "rnn_bptt" / "solution"
MODES = {
    "namespaces": {"RNN_AUTOGRADER_SANDBOX": "namespaces"},
    "fallback": {"RNN_AUTOGRADER_SANDBOX": "fallback"},
    "fallback without Landlock": {"RNN_AUTOGRADER_SANDBOX": "fallback", "RNN_AUTOGRADER_LANDLOCK": "off"},
}


def grade(checkout: Path, results: Path, env: dict[str, str]) -> tuple[int, dict, str]:
    """`python -m autograder grade` of the reference, run from CHECKOUT (its own code)."""
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(SOLUTION), "--results", str(results),
                           "--quiet"], cwd=checkout, env=dict(os.environ, PYTHONPATH=str(checkout), **env),
                          capture_output=True, text=True, timeout=600)
    data = json.loads(results.read_text()) if results.is_file() else {}
    return proc.returncode, data, proc.stderr


def entries(top: Path) -> int:
    return sum(len(dirs) + len(files) for _, dirs, files in os.walk(top))


@pytest.mark.parametrize("mode", list(MODES))
def test_a_grade_beside_a_busy_tmp_scores_full_marks(busy_tmp_folder, tmp_path, mode):
    if mode == "namespaces" and confine.host().bwrap is None:
        pytest.skip("bubblewrap is not installed")
    busy_tmp.mark_slots_unknown(slots.lock_dir())
    status, data, err = grade(REPO, tmp_path / "results.json", MODES[mode])
    assert status == 0 and data.get("score") == 100, (data.get("output", "")[:2000], err[-3000:])
    assert "WARNING" not in err and "Internal grader error" not in json.dumps(data)


def test_two_graders_from_two_checkouts_at_once_beside_a_busy_tmp(busy_tmp_folder, tmp_path):
    """Each checkout has its own worker runtime; both scrub at every release (no Landlock)."""
    before = entries(busy_tmp_folder)
    runs = []
    for name in ("a", "b"):
        checkout = tmp_path / name
        shutil.copytree(REPO, checkout, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "tests"))
        runtime = Path(tempfile.mkdtemp(prefix="rnn-test-runtime-"))     # the worker's uid must reach it
        os.chmod(runtime, 0o755)
        runs.append((checkout, tmp_path / f"results-{name}.json",
                     dict(MODES["fallback without Landlock"], RNN_AUTOGRADER_RUNTIME=str(runtime))))
    busy_tmp.mark_slots_unknown(slots.lock_dir())
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            graded = list(pool.map(lambda run: grade(*run), runs))
    finally:
        for _, _, env in runs:
            shutil.rmtree(env["RNN_AUTOGRADER_RUNTIME"], ignore_errors=True)
    for status, data, err in graded:
        assert status == 0 and data.get("score") == 100, (data.get("output", "")[:2000], err[-3000:])
        assert "WARNING" not in err
    assert entries(busy_tmp_folder) == before          # another user's files are never touched
