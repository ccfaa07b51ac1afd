"""The fork server (sandbox/forkserver.py, fallback mode): its workers must be confined as exec'd ones are.

One grader process (a subprocess of the test: under ../shared/tools/container_like.py when
RNN_ATTACK_CONTAINER=1, so that this file holds in the attack suite's four settings) runs, through
one zygote, workers (tests/forkserver_attack.py) that attack it: read its /proc files (environment,
memory, fds), ptrace it, take its fds, signal it; use any fd they inherited as the control socket;
leave a daemon that would kill or tamper with the next worker it forks (the workers here may start
processes, as where the kernel has no seccomp; a real worker cannot); and attack a sibling worker
of another slot forked by the same zygote. Every attempt must be refused, the daemon must be dead
when kill_all returns, and the zygote must serve the next worker unharmed.
Also: the zygote holds no secret of the grader's environment, and its only fds are its own.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from autograder.sandbox import confine, forkserver

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from attacks import harness  # noqa: E402
from test_sandbox_confine import unprivileged_env  # noqa: E402,F401  (a fixture)

IN_CONTAINER = os.environ.get(harness.CONTAINER_ENV, "").strip() == "1"

DRIVER = r'''
import functools, json, os, select, sys, tempfile, time
from pathlib import Path
from autograder.sandbox import confine, forkserver, procs, seccomp
from autograder.sandbox.runner import Limits

# workers that may start processes (as where a kernel has no seccomp): so that the daemon exists,
# and must die with its worker (a real worker's fork is refused: test_sandbox_confine.py)
seccomp.build = functools.partial(seccomp.build, new_processes=True)

os.environ[confine.MODE_ENV] = "fallback"          # the fork server serves fallback mode only
script = Path(sys.argv[1])

def box():
    b = confine.prepare(Path(tempfile.mkdtemp(prefix="rnn-fs-job-")), Path(tempfile.mkdtemp(prefix="rnn-fs-sub-")),
                        script, Limits())
    return b

def role(b, **kw):
    p = b.submission_dir / "role.json"
    p.write_text(json.dumps(kw))
    os.chmod(p, 0o644)

def read_result(proc, until_exit=True):
    fd, out = proc.stdout.fileno(), b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        chunk = os.read(fd, 65536) if ready else b""
        out += chunk
        if not until_exit and b"RESULT" in out and out.endswith(b"\n"):
            break
        if proc.poll() is not None and not chunk:
            break
    lines = [l for l in out.decode(errors="replace").splitlines() if l.startswith("RESULT ")]
    return json.loads(lines[-1][7:]) if lines else {"output": out.decode(errors="replace")[-2000:]}

def alive(pid):
    return procs._status(pid).get("State", "Z")[:1] not in ("Z", "")

report = {}
confine.start_fork_server()
zygote = forkserver.current()
report["zygote_pid"] = zygote.pid if zygote else None
report["zygote_rss"] = zygote.rss_bytes() if zygote else None
try:          # as root; a grader of the same uid cannot read them either (the zygote is undumpable)
    report["zygote_environ"] = open(f"/proc/{zygote.pid}/environ", "rb").read().decode(errors="replace").split("\0")
    report["zygote_fds"] = sorted(int(n) for n in os.listdir(f"/proc/{zygote.pid}/fd"))
except PermissionError:
    report["zygote_environ"] = report["zygote_fds"] = None

b1 = box()
role(b1, role="daemon", zygote=zygote.pid)
p1, prog1 = b1.spawn(0, 0)
report["first"] = r1 = read_result(p1)
report["first_progress_fd_child"] = None
report["first_log"] = b1.log + b1.warnings
b1.kill_all(p1); os.close(prog1)
report["first_rc"] = b1.returncode(p1)
report["daemon_alive_after_kill_all"] = alive(r1["daemon"]) if "daemon" in r1 else None
report["slot1"] = b1.slot.uid if b1.slot else None
b1.close()

b2 = box()
role(b2, role="plain")
p2, prog2 = b2.spawn(0, 0)
report["second"] = read_result(p2)
b2.kill_all(p2); os.close(prog2)
report["second_rc"] = b2.returncode(p2)
b2.close()

b3, b4 = box(), box()          # two slots at once: one zygote, two siblings
role(b3, role="sleeper")
p3, prog3 = b3.spawn(0, 0)
report["sleeper"] = r3 = read_result(p3, until_exit=False)
role(b4, role="sibling", sibling=p3.pid)
p4, prog4 = b4.spawn(0, 0)
report["sibling"] = read_result(p4)
b4.kill_all(p4); os.close(prog4)
report["sleeper_alive_after_sibling"] = alive(p3.pid)
b3.kill_all(p3); os.close(prog3)
report["sleeper_rc"] = b3.returncode(p3)
report["slots34"] = [b.slot.uid if b.slot else None for b in (b3, b4)]
b3.close(); b4.close()
z = forkserver.current()
report["zygote_pid_at_end"] = z.pid if z else None
print("REPORT " + json.dumps(report))
'''


def _run_driver(argv_prefix: list[str], env: dict, script: Path) -> dict:
    out = subprocess.run([*argv_prefix, "-c", DRIVER, str(script)], env=env, cwd="/", capture_output=True,
                         text=True, timeout=300, start_new_session=True)
    lines = [line for line in out.stdout.splitlines() if line.startswith("REPORT ")]
    assert out.returncode == 0 and lines, (out.stdout[-3000:], out.stderr[-3000:])
    return json.loads(lines[-1][7:])


@pytest.fixture(scope="module")
def report():
    if os.geteuid() != 0:
        pytest.skip("checked as the attack suite is: as root, with a uid drop")
    if not forkserver.wanted():
        pytest.skip(f"{forkserver.ENV}=off")
    wrapper = []
    if IN_CONTAINER:
        problem = harness.container_problem()
        assert problem is None, f"{harness.CONTAINER_ENV}=1 but {problem}"
        wrapper = harness.container_wrapper()
    env = dict(os.environ, **harness.SECRET_ENV, PYTHONPATH=str(ROOT))
    return _run_driver([*wrapper, sys.executable], env, ROOT / "tests" / "forkserver_attack.py")


def _all_refused(attempts: dict) -> dict:
    return {k: v for k, v in attempts.items() if v == "OK"}


def test_zygote_holds_no_secret_and_no_fd_of_the_grader(report):
    assert report["zygote_pid"], report
    assert report["zygote_rss"] < 49 << 20, report["zygote_rss"]
    if report["zygote_environ"] is None:     # under container_like.py root has no CAP_SYS_PTRACE: unreadable
        assert IN_CONTAINER, "the grader (root) could not read the zygote's /proc files"
        return
    environ = [e for e in report["zygote_environ"] if e]
    assert not any(harness.SECRET_ENV["RNN_ATTACK_SECRET"] in e for e in environ), environ
    assert {e.split("=", 1)[0] for e in environ} <= {"PATH", "LANG", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                                     "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
                                                     "NUMEXPR_NUM_THREADS", "PYTHONDONTWRITEBYTECODE",
                                                     "PYTHONHASHSEED", "LD_LIBRARY_PATH", "OPENBLAS_CORETYPE",
                                                     "OPENBLAS_L2_SIZE"}, environ
    fds = report["zygote_fds"]
    assert len(fds) == 4 and fds[:3] == [0, 1, 2], fds      # stdio and its socket


def test_forked_workers_are_the_zygotes_children_and_confined(report):
    first = report["first"]
    assert first.get("ppid") == report["zygote_pid"], first
    assert any("forked by a pre-started fork server" in line for line in report["first_log"]), report["first_log"]
    if report["slot1"] is not None:
        assert first["uid"] == report["slot1"] != 0
    assert len(first["fds"]) == 4 and first["fds"][:3] == [0, 1, 2], first["fds"]     # stdio, progress
    assert report["first_rc"] == 3 and report["second_rc"] == 3, report


@pytest.mark.parametrize("who", ["first", "second"])
def test_a_worker_cannot_read_ptrace_signal_or_use_the_zygote(report, who):
    attempts = report[who]["zygote"]
    assert _all_refused(attempts) == {}, attempts
    assert report[who]["inherited"] == {}, report[who]


def test_a_daemon_dies_with_its_worker_and_the_zygote_serves_the_next(report):
    assert report["daemon_alive_after_kill_all"] is False, report["first"]
    assert report["second"].get("ppid") == report["zygote_pid"] == report["zygote_pid_at_end"], report


def test_a_sibling_worker_of_the_same_zygote_cannot_be_read_ptraced_or_signalled(report):
    assert report["sleeper"].get("ppid") == report["sibling"].get("ppid") == report["zygote_pid"], report
    assert _all_refused(report["sibling"]["sibling"]) == {}, report["sibling"]
    assert report["sleeper_alive_after_sibling"] is True
    assert report["sleeper_rc"] == -9, report


def test_switched_off_the_worker_is_execd(monkeypatch):
    monkeypatch.setenv(forkserver.ENV, "off")
    assert not forkserver.wanted()
    assert confine.start_fork_server() == f"{forkserver.ENV}=off"


def test_a_zygote_that_cannot_start_means_exec_and_a_log_line(tmp_path, monkeypatch):
    """A broken zygote (here: its interpreter is missing) costs nothing but the log line."""
    from autograder.sandbox import confine
    from autograder.sandbox.runner import Limits

    monkeypatch.setenv(confine.MODE_ENV, "fallback")
    monkeypatch.setattr(forkserver, "_server", None)
    monkeypatch.setattr(forkserver, "_failed", None)
    real = forkserver.ForkServer

    def broken(python, env, timeout=30.0):
        return real("/nonexistent/python3", env, timeout=5)
    monkeypatch.setattr(forkserver, "ForkServer", broken)
    script = tmp_path / "hello.py"
    script.write_text("import sys\nprint('hello from', sys.argv[0], flush=True)\nsys.exit(3)\n")
    job, sub = Path(tempfile.mkdtemp(prefix="rnn-test-job-")), Path(tempfile.mkdtemp(prefix="rnn-test-sub-"))
    box = confine.prepare(job, sub, script, Limits())
    try:
        proc, progress = box.spawn(0, 0)
        out, deadline = b"", time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            ready, _, _ = select.select([proc.stdout.fileno()], [], [], 0.05)
            out += os.read(proc.stdout.fileno(), 4096) if ready else b""
        box.kill_all(proc)
        os.close(progress)
        assert box.returncode(proc) == 3 and b"hello from" in out, out
        assert isinstance(proc, subprocess.Popen)
        assert any("the fork server failed" in w for w in box.warnings), box.warnings
    finally:
        box.close()


def test_a_zygote_that_dies_means_exec_from_then_on_and_a_log_line(monkeypatch):
    from autograder.sandbox import confine, runtime
    from autograder.sandbox.runner import Limits

    monkeypatch.setenv(confine.MODE_ENV, "fallback")
    monkeypatch.setenv(forkserver.ENV, "on")
    monkeypatch.setattr(forkserver, "_server", None)
    monkeypatch.setattr(forkserver, "_failed", None)
    rt = runtime.ensure()
    zygote = forkserver.server(str(rt.python), confine.worker_env(rt))
    os.kill(zygote.pid, 9)
    zygote.proc.wait(timeout=10)
    script = Path(tempfile.mkdtemp(prefix="rnn-test-script-")) / "hello.py"
    script.write_text("import sys\nprint('hello', flush=True)\nsys.exit(3)\n")
    for _ in range(2):
        job, sub = Path(tempfile.mkdtemp(prefix="rnn-test-job-")), Path(tempfile.mkdtemp(prefix="rnn-test-sub-"))
        box = confine.prepare(job, sub, script, Limits())
        try:
            proc, progress = box.spawn(0, 0)
            proc.wait(timeout=60)
            box.kill_all(proc)
            os.close(progress)
            assert isinstance(proc, subprocess.Popen) and box.returncode(proc) == 3
            assert any(f"the fork server (pid {zygote.pid}) has died" in w for w in box.warnings), box.warnings
        finally:
            box.close()


def test_without_root_the_zygote_and_the_next_worker_are_safe_too(unprivileged_env):  # noqa: F811
    """A grader run by a user (no uid drop: the zygote, the grader and the workers share a uid): the
    zygote is undumpable and protected by the seccomp filter, the daemon is killed by its marker.
    (Two workers of one uid can still signal each other where Landlock cannot scope signals, as
    exec'd workers of concurrent non-root graders could: only /proc and ptrace are checked there.)"""
    top, repo, env, rt = unprivileged_env
    script = top / "forkserver_attack.py"
    shutil.copy(ROOT / "tests" / "forkserver_attack.py", script)
    os.chown(script, 65534, 65534)
    got = _run_driver(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "--", str(rt.python)],
                      {**env, **harness.SECRET_ENV, forkserver.ENV: "on"}, script)
    assert got["zygote_pid"] and got["zygote_rss"] < 49 << 20, got
    assert got["zygote_environ"] is None, "a grader of the same uid read the zygote's environment"
    for who in ("first", "second"):
        assert got[who].get("ppid") == got["zygote_pid"], "\n".join(got["first_log"])
        assert _all_refused(got[who]["zygote"]) == {}, got[who]
        assert got[who]["inherited"] == {}, got[who]
    assert got["daemon_alive_after_kill_all"] is False, got["first"]
    assert got["zygote_pid_at_end"] == got["zygote_pid"], got
    sibling = {k: v for k, v in got["sibling"]["sibling"].items() if not k.startswith("SIG")}
    assert _all_refused(sibling) == {}, got["sibling"]
