"""The attack suite: malicious submissions that must score 0 on what they attack and harm nothing else.

Each attack (tests/attacks/<name>/) is the reference solution with some functions replaced by an
attack; an attacked function answers correctly only if its exploit worked (see attack_kit.py).
Every submission is graded once, by the real command line in a subprocess, two at a time (the
budgets are CPU seconds, so load must not change a verdict), and then:
- the command exited 0 and left a valid results file, which nothing rewrote afterwards;
- every attacked function scored 0 and every other function full marks;
- no process an attack started is still alive;
- a later grade of the reference still scores 100.
CI runs this file in four settings: as is (the strongest sandbox the machine has), with
RNN_AUTOGRADER_SANDBOX=fallback (a container without namespaces), with RNN_AUTOGRADER_LANDLOCK=off as
well (such a container on a kernel without Landlock, where uid, permissions, rlimits, seccomp and
killing by uid hold alone), and with RNN_ATTACK_CONTAINER=1: every grade runs under
../shared/tools/container_like.py (Docker's seccomp rules and capabilities), where the grader must
find out by itself that it has to fall back.
In that last mode permissions protect the grader's own files only, not a world-readable copy of the
reference left elsewhere on the machine (developers' checkouts in /tmp, say), so read_secrets then
searches the grader's places (its tree, /proc) instead of the whole filesystem.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from attacks import harness

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the attack suite checks the sandbox as Gradescope "
                                "and CI run it: as root, with a uid drop (run it as root)")

ACTIVATIONS = {"sigmoid", "sigmoid_derivative", "tanh_derivative"}
JACOBIAN = {"hidden_jacobian", "jacobian_through_time", "gradient_bound", "classify_gradient_regime"}

# submission (attacks joined by "+" share one grade; their modules differ) -> the functions attacked:
# each must score 0, every other function full marks
ATTACKED = {
    "loop_call": {"rnn_backward", "clip_grad_norm"},
    "loop_import": JACOBIAN,
    "fake_results+kill_parent+fork_swarm": {"tanh_derivative", "rnn_forward", "classify_gradient_regime"},
    "memory_hog+daemon+out_traps": {"sigmoid", "rnn_backward", "jacobian_through_time"},
    "exits": {"sigmoid_derivative", "clip_grad_norm"},
    "flood+tamper": {"tanh_derivative", "clip_grad_norm"},
    "forged_fds+read_secrets": {"sigmoid_derivative", "tanh_derivative", "rnn_forward", "rnn_backward",
                                "clip_grad_norm"},
    "monkeypatch": ACTIVATIONS,
    "rigged_answers": ACTIVATIONS | {"rnn_forward", "rnn_backward", "gradient_bound", "clip_grad_norm"},
    "escape": {"rnn_forward", "rnn_backward", "clip_grad_norm"},
    "symlink_upload": {"rnn_forward", "rnn_backward"},
    "wire_forgery": ACTIVATIONS,      # alone: its forged records stall the runner's progress (by design)
    "forged_progress+deep_tree": {"clip_grad_norm", "gradient_bound"},
    "tmp_flood": {"clip_grad_norm"},
}
ORDER = list(ATTACKED)         # the slow ones (time-outs) first, so that the pool of two finishes early
OLD_RESULTS = b'{"old": "results of an earlier grade"}'
IN_CONTAINER = os.environ.get(harness.CONTAINER_ENV, "").strip() == "1"     # graded under container_like.py
NO_FILE_CONFINEMENT = ((os.environ.get("RNN_AUTOGRADER_SANDBOX", "").strip().lower() == "fallback" or IN_CONTAINER)
                       and os.environ.get("RNN_AUTOGRADER_LANDLOCK", "").strip().lower() in ("off", "0", "no"))
SEARCH_ROOTS = "" if NO_FILE_CONFINEMENT else harness.SEARCH_ROOTS


def build_symlink_upload(workdir: Path) -> tuple[Path, Path]:
    """The reference, except rnn.py and a helper module are symbolic links into the grader's checkout."""
    sub, results = harness.build("symlink_upload", workdir)
    (sub / "rnn.py").unlink()
    (sub / "ref_rnn.py").unlink()
    (sub / "rnn.py").symlink_to(harness.SOLUTION / "rnn.py")
    (sub / "checks_rnn.py").symlink_to(harness.REPO / "autograder" / "checks" / "rnn.py")
    return sub, results


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("attacks")
    os.chmod(workdir, 0o755)
    jobs = {}
    for name in ORDER:
        sub, results = (build_symlink_upload(workdir) if name == "symlink_upload"
                        else harness.build(name, workdir, SEARCH_ROOTS))
        if "read_secrets" in name:
            results.write_bytes(OLD_RESULTS)     # as a re-grade would find it
        jobs[name] = (sub, results)
    wrapper = None
    if IN_CONTAINER:        # asked for: a missing piece is a failure, not a skip
        problem = harness.container_problem()
        assert problem is None, f"{harness.CONTAINER_ENV}=1 but {problem}"
        wrapper = harness.container_wrapper()
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(harness.grade, name, *jobs[name], wrapper) for name in ORDER}
        out = {name: f.result() for name, f in futures.items()}
    time.sleep(1.5)     # a surviving daemon would rewrite a results file, or show up below, by now
    after = {name: g.results_path.read_bytes() if g.results_path.exists() else b"" for name, g in out.items()}
    survivors = harness.survivors()
    leftovers = harness.leftovers()
    ref_sub, ref_results = harness.build("reference_after_attacks", workdir)
    reference = harness.grade("reference_after_attacks", ref_sub, ref_results, wrapper)
    yield {"graded": out, "after": after, "survivors": survivors, "leftovers": leftovers, "reference": reference}
    harness.cleanup(workdir)


@pytest.mark.parametrize("attack", list(ATTACKED))
def test_attacked_functions_score_zero_and_nothing_else_is_harmed(graded, attack):
    g = graded["graded"][attack]
    harness.check_results_file(g)
    scores = g.by_function()
    leaked = {fn: s for fn, s in scores.items() if fn in ATTACKED[attack] and s[0] > 0}
    harmed = {fn: s for fn, s in scores.items() if fn not in ATTACKED[attack] and s[0] < s[1]}
    assert not leaked, f"{attack}: attacked functions earned points (the exploit worked): {leaked}\n{g.stderr}"
    assert not harmed, f"{attack}: functions it did not attack lost points: {harmed}\n{g.stderr}"


@pytest.mark.parametrize("attack", list(ATTACKED))
def test_results_file_is_not_rewritten_after_the_grader_exits(graded, attack):
    g = graded["graded"][attack]
    assert graded["after"][attack] == g.results_bytes, f"{attack}: the results file changed after the grader exited"


def test_no_process_started_by_an_attack_survives(graded):
    assert graded["survivors"] == [], f"still running after grading: {graded['survivors']}"


def test_nothing_an_attack_wrote_survives_its_grade(graded):
    """Job folders are removed, deep chains included; the shared folders keep nothing of a worker's uid."""
    assert graded["leftovers"] == [], f"left behind after grading: {graded['leftovers'][:10]}"


def test_forged_worker_output_is_the_students_crash_not_the_graders(graded):
    g = graded["graded"]["wire_forgery"]
    harness.check_results_file(g)
    tests = {t["name"]: t for t in g.results["tests"]}
    told = [name for name, t in tests.items() if "could not be read back" in t.get("output", "")]
    assert {name.split(":", 1)[0] for name in told} >= ACTIVATIONS, g.by_function()


def test_fake_results_printed_by_the_student_are_not_the_score(graded):
    g = graded["graded"]["fake_results+kill_parent+fork_swarm"]
    assert harness.check_results_file(g)["score"] < 100
    assert g.by_function()["tanh_derivative"][0] == 0


def test_output_flood_is_truncated(graded):
    g = graded["graded"]["flood+tamper"]
    assert len(g.results_bytes) < 200_000, f"results file of {len(g.results_bytes)} bytes after a 100 MB flood"
    assert len(g.stdout) + len(g.stderr) < 20_000


def test_pickled_payloads_are_never_unpickled(graded):
    marker = Path(f"/tmp/rnn-attack-pwned-{harness.TOKEN}")
    assert not marker.exists(), "a pickled payload returned by the student was unpickled (by the grader?)"


def test_the_reference_still_scores_100_after_the_attacks(graded):
    data = harness.check_results_file(graded["reference"])
    assert data["score"] == 100, graded["reference"].by_function()


def test_every_grade_finished_within_its_budgets(graded):
    """A generous bound: the slowest attack costs a few CPU-second budgets and one wall-clock backstop."""
    slow = {name: round(g.seconds, 1) for name, g in graded["graded"].items() if g.seconds > 120}
    assert not slow, slow


def test_a_busy_tmp_changes_no_grade(busy_tmp_folder, tmp_path):
    """Beside 120,000 entries of another user in /tmp, from slots of unknown state (each scrubbed
    before use), the reference still scores 100, in each of CI's four settings (tests/test_busy_tmp.py
    has the others)."""
    import busy_tmp

    from autograder.sandbox import slots

    os.chmod(tmp_path, 0o755)
    wrapper = harness.container_wrapper() if IN_CONTAINER else None
    sub, results = harness.build("reference_busy_tmp", tmp_path)
    busy_tmp.mark_slots_unknown(slots.lock_dir())
    g = harness.grade("reference_busy_tmp", sub, results, wrapper)
    data = harness.check_results_file(g)
    assert data["score"] == 100 and "WARNING" not in g.stderr, (g.by_function(), g.stderr)
