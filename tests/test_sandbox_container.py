"""The sandbox where namespaces are forbidden, as in Gradescope's Docker containers.

/work/shared/tools/container_like.py (beside the checkout: ../shared/tools/) runs a command under
Docker's default seccomp rules (no unshare, setns, mount, clone with namespace flags) and Docker's
capability set (no CAP_SYS_ADMIN, CAP_SYS_PTRACE...). Under it bubblewrap cannot work, so the grader
must notice by itself and fall back, and the fallback must hold:
- auto-detection: the reference scores 100, the log says it ran without namespaces, and attacks on
  the grader's process, the results file, the network and ptrace are held;
- an old kernel as well (Landlock switched off): uid drop, file permissions, rlimits, the seccomp
  filter and killing by uid must hold on their own against reading the reference and the
  environment, tampering, a fork swarm and escapes. Without Landlock or namespaces, permissions
  can protect only the grader's own files (its tree is made unreadable to other users), not a
  world-readable copy of the reference that someone left elsewhere on the machine (developers'
  checkouts in /tmp, say): there read_secrets looks in the grader's places only (its tree, /proc),
  not through the whole filesystem as it does in the other runs.
Needs root, pyseccomp (pip install -e .[sandbox]) and util-linux's setpriv; skipped otherwise.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from attacks import harness

CONTAINER_LIKE = harness.CONTAINER_LIKE
WRAPPER = harness.container_wrapper()
NO_LANDLOCK = {"RNN_AUTOGRADER_LANDLOCK": "off"}    # the fallback as on a kernel without Landlock (< 5.13)

pytestmark = pytest.mark.skipif(harness.container_problem() is not None,
                                reason=f"no container-like confinement here: {harness.container_problem()}")

# variant -> submission (attacks joined by "+") -> functions it attacks (nothing: must score 100)
ATTACKED = {
    "docker": {"kill_parent": {"rnn_forward"},
               "daemon+fork_swarm": {"rnn_backward", "classify_gradient_regime"}},
    "docker_old_kernel": {"reference_old_kernel": set(),
                          "read_secrets+fork_swarm": {"rnn_forward", "rnn_backward", "clip_grad_norm",
                                                      "classify_gradient_regime"},
                          "tamper+daemon": {"clip_grad_norm", "rnn_backward"},
                          "escape": {"rnn_forward", "rnn_backward", "clip_grad_norm"}},
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("container")
    os.chmod(workdir, 0o755)
    jobs = []
    for variant, attacks in ATTACKED.items():
        for attack in attacks:
            roots = "" if variant == "docker_old_kernel" else harness.SEARCH_ROOTS
            sub, results = harness.build(attack, workdir / variant, roots)
            if "read_secrets" in attack:
                results.write_bytes(b'{"old": "results"}')
            env = NO_LANDLOCK if variant == "docker_old_kernel" else None
            jobs.append((variant, attack, sub, results, env))
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {(v, a): pool.submit(harness.grade, a, s, r, WRAPPER, env) for v, a, s, r, env in jobs}
        out = {key: f.result() for key, f in futures.items()}
    time.sleep(1.5)
    after = {key: g.results_path.read_bytes() if g.results_path.exists() else b"" for key, g in out.items()}
    yield {"graded": out, "after": after, "survivors": harness.survivors()}
    harness.cleanup(workdir)


def test_namespaces_are_really_forbidden_under_the_wrapper():
    """The premise: under container_like.py bubblewrap fails (else this would test nothing)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        pytest.skip("bubblewrap is not installed: nothing to forbid")
    probe = subprocess.run([*WRAPPER, bwrap, "--unshare-all", "--ro-bind", "/", "/", "true"], capture_output=True)
    assert probe.returncode != 0


def test_the_grader_falls_back_by_itself_and_says_so(tmp_path):
    sub, _ = harness.build("reference_log", tmp_path)
    code = ("import sys\nfrom autograder.pipeline.grade import grade_submission\nr = grade_submission(sys.argv[1])\n"
            "print(r.score)\nprint('\\n'.join(r.log))")
    out = subprocess.run([*WRAPPER, sys.executable, "-c", code, str(sub)], capture_output=True, text=True,
                         timeout=harness.GRADE_TIMEOUT, start_new_session=True)
    assert out.returncode == 0, out.stderr
    score, _, log = out.stdout.partition("\n")
    assert float(score) == 100, out.stdout
    assert "fallback" in log.lower() and "uid" in log, log


@pytest.mark.parametrize("variant,attack", [(v, a) for v, attacks in ATTACKED.items() for a in attacks])
def test_attacks_are_held_without_namespaces(graded, variant, attack):
    g = graded["graded"][(variant, attack)]
    harness.check_results_file(g)
    scores = g.by_function()
    attacked = ATTACKED[variant][attack]
    leaked = {fn: s for fn, s in scores.items() if fn in attacked and s[0] > 0}
    harmed = {fn: s for fn, s in scores.items() if fn not in attacked and s[0] < s[1]}
    assert not leaked, f"{variant}/{attack}: the exploit worked: {leaked}\n{g.stderr}"
    assert not harmed, f"{variant}/{attack}: functions it did not attack lost points: {harmed}\n{g.stderr}"
    assert graded["after"][(variant, attack)] == g.results_bytes, "the results file changed after the grader exited"


def test_nothing_survives_without_namespaces(graded):
    assert graded["survivors"] == []
