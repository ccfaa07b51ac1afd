"""The grading core end to end: reference 100, stubs 0, determinism, registry consistency."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder.assignments.rnn_bptt.contract import FUNCTIONS
from autograder.assignments.rnn_bptt.points import POINTS, TOTAL
from autograder.engine.cases import Draw
from autograder.engine.checks import all_checks, all_probes
from autograder.outputs.results import to_gradescope
from autograder.pipeline.grade import build_cases, grade_submission

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "reference" / "rnn_bptt" / "solution"
STUBS = ROOT / "assignments" / "rnn_bptt"
BUGGY_SAMPLE = ROOT / "reference" / "rnn_bptt" / "samples" / "buggy"


def grade_cli(submission: Path, results: Path) -> tuple[int, dict]:
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission), "--results", str(results)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    return proc.returncode, json.loads(results.read_text())


def strip_times(results: dict) -> dict:
    return {**results, "execution_time": None}


@pytest.fixture(scope="module")
def reference_results(tmp_path_factory) -> dict:
    rc, results = grade_cli(REFERENCE, tmp_path_factory.mktemp("ref") / "results.json")
    assert rc == 0
    return results


def by_function(results: dict) -> dict[str, tuple[float, float]]:
    out: dict[str, list[float]] = {}
    for t in results["tests"]:
        fn = t["name"].split(":", 1)[0]
        s = out.setdefault(fn, [0.0, 0.0])
        s[0] += t["score"]
        s[1] += t["max_score"]
    return {k: (round(a, 4), round(b, 4)) for k, (a, b) in out.items()}


def test_points_table_matches_registry_and_sums_to_total():
    ids = [c.id for c in all_checks()]
    assert len(ids) == len(set(ids)), "duplicate check ids"
    assert set(ids) == set(POINTS), set(ids) ^ set(POINTS)
    assert sum(POINTS.values()) == TOTAL == 100
    assert all(p > 0 for p in POINTS.values())


def test_every_check_names_a_student_function_and_an_existing_probe():
    probes = all_probes()
    names = {f.name for f in FUNCTIONS}
    for check in all_checks():
        assert check.function in names
        assert check.probe in probes
        assert probes[check.probe].function == check.function, check.id
    assert {c.function for c in all_checks()} == names


def test_cases_are_deterministic_and_ignore_global_random_state():
    draw = Draw(b"one submission")
    first = build_cases(draw)
    np.random.seed(12345)
    import random

    random.seed(999)
    second = build_cases(draw)
    for pid in first:
        assert len(first[pid]) == len(second[pid]) > 0
        for a, b in zip(first[pid], second[pid]):
            assert a.label == b.label
            for x, y in zip(a.args, b.args):
                if isinstance(x, np.ndarray):
                    assert np.array_equal(x, y)


def test_reference_scores_full_marks(reference_results):
    assert reference_results["score"] == 100
    for t in reference_results["tests"]:
        assert t["score"] == t["max_score"], (t["name"], t["output"])
        assert t["status"] == "passed"
        assert "diagnosis" not in t["extra_data"], t["name"]


def test_results_follow_the_command_line_contract(reference_results):
    names = {f.name for f in FUNCTIONS}
    tests = reference_results["tests"]
    assert {t["name"].split(":", 1)[0] for t in tests} == names
    assert abs(sum(t["max_score"] for t in tests) - 100) < 1e-9
    assert abs(reference_results["score"] - sum(t["score"] for t in tests)) < 1e-9
    assert reference_results["stdout_visibility"] == "hidden"


def test_two_grades_of_one_submission_are_identical(reference_results, tmp_path):
    _, again = grade_cli(REFERENCE, tmp_path / "again.json")
    assert strip_times(again) == strip_times(reference_results)


def test_stubs_score_zero_and_say_not_implemented(tmp_path):
    rc, results = grade_cli(STUBS, tmp_path / "stubs.json")
    assert rc == 0
    assert results["score"] == 0
    for t in results["tests"]:
        assert t["score"] == 0, t["name"]
        assert "NotImplementedError" in t["output"] or "not been implemented" in t["output"], t


def test_buggy_sample_loses_points_only_where_it_is_wrong(tmp_path):
    _, results = grade_cli(BUGGY_SAMPLE, tmp_path / "buggy.json")
    scores = by_function(results)
    assert scores["sigmoid"][0] < scores["sigmoid"][1]
    assert scores["rnn_backward"][0] < scores["rnn_backward"][1]
    for fn, (score, total) in scores.items():
        if fn not in ("sigmoid", "rnn_backward"):
            assert score == total, (fn, score, total)
    # sigmoid_derivative builds on the faulty sigmoid: graded with a correct one, and told so
    deriv = [t for t in results["tests"] if t["name"].startswith("sigmoid_derivative: finite")][0]
    assert "correct sigmoid in place of yours" in deriv["output"]


def test_a_submission_returning_zeros_of_the_right_shapes_fails_every_value_check(tmp_path):
    """No check passes by accident: right shapes but wrong values must fail."""
    (tmp_path / "activations.py").write_text(
        "import numpy as np\n"
        "def sigmoid(x): return np.zeros(np.shape(x))\n"
        "def sigmoid_derivative(x): return np.zeros(np.shape(x))\n"
        "def tanh_derivative(x): return np.zeros(np.shape(x))\n")
    (tmp_path / "rnn.py").write_text(
        "import numpy as np\n"
        "def rnn_forward(x, h0, params):\n"
        "    N, T, _ = x.shape\n"
        "    return np.zeros((N, T, h0.shape[1])), np.zeros((N, T, params['b_y'].shape[0]))\n"
        "def rnn_backward(dh, dy, x, h0, h, params):\n"
        "    return np.zeros(x.shape), np.zeros(h0.shape), {k: np.zeros(v.shape) for k, v in params.items()}\n")
    (tmp_path / "jacobian.py").write_text(
        "import numpy as np\n"
        "def hidden_jacobian(h_t, W_hh, activation='tanh'): return np.zeros(W_hh.shape)\n"
        "def jacobian_through_time(hs, W_hh, k, t, activation='tanh'): return np.zeros(W_hh.shape)\n"
        "def gradient_bound(W_hh, steps, activation='tanh'): return 0.0\n"
        "def classify_gradient_regime(W_hh, activation='tanh'): return 'unknown'\n")
    (tmp_path / "clipping.py").write_text(
        "import numpy as np\n"
        "def clip_grad_norm(grads, max_norm):\n"
        "    return {k: np.zeros(v.shape) for k, v in grads.items()}, 0.0\n")
    results = to_gradescope(grade_submission(tmp_path))
    passing = {t["name"] for t in results["tests"] if t["score"] > 0}
    # Only checks that an all-zero answer legitimately satisfies may pass: not modifying inputs,
    # sigma' <= 1/4 and even, tanh' finite... never a value check against the reference.
    for name in passing:
        assert "does not modify" in name or "even in x" in name or "zero gradient" in name, name
    assert results["score"] < 10


def test_cached_draws_are_what_hypothesis_draws_and_bad_caches_are_ignored(tmp_path, monkeypatch):
    from autograder.engine import cases as C

    monkeypatch.setenv("RNN_AUTOGRADER_CACHE", str(tmp_path))
    ranges = {"N": (1, 3), "T": (1, 5)}
    fresh = C.draws(C.sizes(**ranges), 7)
    first = C.generated_sizes(7, **ranges)       # a miss: drawn, then written
    files = list(tmp_path.glob("*draws-*.json"))
    assert first == fresh and len(files) == 1
    assert C.generated_sizes(7, **ranges) == fresh   # kept in this process
    C._SEEN.clear()                                  # as a new process: the file is read
    assert C.generated_sizes(7, **ranges) == fresh   # a hit
    for junk in ("not json", "[{\"N\": 99, \"T\": 1, \"seed\": 0, \"scale\": 1.0}]", "{}"):
        files[0].write_text(junk)
        C._SEEN.clear()
        assert C.generated_sizes(7, **ranges) == fresh


def test_hypothesis_version_is_importlib_metadatas_without_importing_it(tmp_path):
    """The draw cache key and the fingerprint hold Hypothesis' version; read from its METADATA, it
    is what importlib.metadata says, and a cold grade's imports need neither that nor yaml."""
    import importlib.metadata

    from autograder.engine import cases as C

    assert C.dist_info_version("hypothesis") == importlib.metadata.version("hypothesis")
    assert C.hypothesis_version() == importlib.metadata.version("hypothesis")
    assert C.dist_info_version("no-such-distribution-here") is None
    for names in (["hypothesis-1.0.dist-info", "hypothesis-2.0.dist-info"], ["hypothesis-1.0.egg-info"]):
        folder = tmp_path / names[0]
        for name in names:
            (tmp_path / name).mkdir(parents=True)
            (tmp_path / name / "METADATA").write_text("Name: hypothesis\nVersion: 9.9\n")
        code = ("import sys; sys.path.insert(0, sys.argv[1]); from autograder.engine import cases; "
                "print(cases.dist_info_version('hypothesis'))")
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                             check=True).stdout.strip()
        assert out == "None", (names, out)        # ambiguous: importlib.metadata decides
        for name in names:
            (tmp_path / name / "METADATA").unlink()
            (tmp_path / name).rmdir()
        assert not folder.exists()
    # a whole cold `grade` (results file, fingerprint and summary included), as the command line runs it
    solution = Path(__file__).resolve().parents[1] / "reference" / "rnn_bptt" / "solution"
    code = ("import atexit, runpy, sys; "
            "atexit.register(lambda: print(sorted(m for m in ('importlib.metadata', 'email', 'yaml') "
            "if m in sys.modules))); "
            f"sys.argv = ['autograder', 'grade', {str(solution)!r}, '--results', 'r.json', '--quiet']; "
            "runpy.run_module('autograder', run_name='__main__')")
    env = dict(os.environ, RNN_AUTOGRADER_CONFIG=str(tmp_path / "no-such-config.yaml"),
               RNN_AUTOGRADER_CACHE=str(tmp_path / "cache"))
    env.pop("RNN_AUTOGRADER_LANG", None)
    outs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path,
                           env=env).stdout.strip() for _ in range(2)]      # the first draws (Hypothesis)
    assert outs[1] == "[]", outs
