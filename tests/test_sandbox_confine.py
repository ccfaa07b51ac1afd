"""The confinement mechanisms one by one (the attack suite tests them together, end to end).

Each mechanism is exercised in a throwaway child process of the test, so that nothing the
filters forbid leaks into pytest itself: the seccomp program (against libseccomp's syscall
tables, then live), Landlock, the Python runtime view, mode selection and its log, and the
box's own promises (a setsid daemon dies with the worker, planted links are removed from out/).
"""
from __future__ import annotations

import ctypes
import errno
import functools
import json
import os
import platform
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from autograder.sandbox import confine, landlock, procs, runtime, seccomp
from autograder.sandbox.runner import WORKER_SCRIPT, Limits

ROOT = Path(__file__).resolve().parents[1]


def in_child(body) -> dict:
    """Run BODY() in a forked child; return the dict it returns (as JSON through a pipe)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            result = body()
        except BaseException as exc:  # noqa: BLE001
            result = {"error": f"{type(exc).__name__}: {exc}"}
        os.write(w, json.dumps(result).encode())
        os._exit(0)
    os.close(w)
    data = b""
    while chunk := os.read(r, 65536):
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return json.loads(data or b'{"error": "the child died"}')


def errno_of(call) -> int:
    try:
        call()
    except OSError as exc:
        return exc.errno
    return 0


# ---- seccomp ------------------------------------------------------------------------------------
@pytest.mark.parametrize("arch", sorted(seccomp._SYSCALLS))
def test_seccomp_syscall_numbers_agree_with_libseccomp(arch):
    sc = pytest.importorskip("pyseccomp", reason="pyseccomp (extra 'sandbox') has libseccomp's syscall tables")
    token = {"x86_64": sc.Arch.X86_64, "aarch64": sc.Arch.AARCH64}[arch]
    wrong = {name: (nr, sc.resolve_syscall(token, name)) for name, nr in seccomp.syscall_numbers(arch).items()
             if sc.resolve_syscall(token, name) != nr}
    assert not wrong, f"{arch}: ours vs libseccomp's: {wrong}"


@pytest.mark.skipif(seccomp.architecture() is None, reason="no seccomp syscall table for this machine")
def test_seccomp_filter_refuses_what_it_lists_and_allows_ordinary_work():
    parent = os.getpid()

    def body():
        import socket

        import numpy as np

        libc = ctypes.CDLL(None, use_errno=True)
        seccomp.Installer(seccomp.build((parent, -os.getpgrp()))).install()
        out = {
            "socket": errno_of(lambda: socket.socket()),
            "socketpair": errno_of(lambda: socket.socketpair()),
            "kill_parent": errno_of(lambda: os.kill(parent, 0)),
            "kill_group": errno_of(lambda: os.killpg(os.getpgrp(), 0)),
            "kill_everyone": errno_of(lambda: os.kill(-1, 0)),
            "kill_self": errno_of(lambda: os.kill(os.getpid(), 0)),
            "unshare_user": ctypes.get_errno() if libc.unshare(0x10000000) != 0 else 0,
            "ptrace": ctypes.get_errno() if libc.ptrace(16, parent, 0, 0) != 0 else 0,   # PTRACE_ATTACH
        }
        def fork_errno(fork) -> int:     # 0 if a process was started (the child leaves at once)
            try:
                pid = fork()
            except OSError as exc:
                return exc.errno
            if pid == 0:
                os._exit(0)
            return ctypes.get_errno() if pid == -1 else 0

        out["fork"] = fork_errno(os.fork)                                  # clone without CLONE_THREAD
        out["posix_spawn"] = errno_of(lambda: os.posix_spawn("/bin/true", ["true"], {}))   # clone(CLONE_VFORK)
        if platform.machine() == "x86_64":
            out["fork_syscall"] = fork_errno(lambda: libc.syscall(57))     # fork(2) itself
        try:                                                                # no thread either
            threading.Thread(target=lambda: None).start()
            out["thread"] = "started"
        except RuntimeError as exc:
            out["thread"] = str(exc)
        out["numpy"] = float(np.linalg.norm(np.ones((3, 3)) @ np.ones(3)))
        out["filters"] = procs.seccomp_filters()
        return out

    got = in_child(body)
    assert got.get("error") is None, got
    for name in ("socket", "socketpair", "kill_parent", "kill_group", "kill_everyone", "unshare_user", "ptrace",
                 "fork", "posix_spawn", "fork_syscall"):
        assert got.get(name, errno.EPERM) == errno.EPERM, (name, got)
    assert got["kill_self"] == 0 and got["thread"] == "can't start new thread", got
    assert abs(got["numpy"] - 27 ** 0.5) < 1e-9, got
    assert got["filters"] >= procs.seccomp_filters() + 1


def test_seccomp_program_rejects_foreign_architecture_first():
    prog = seccomp.build(arch="x86_64")
    first = [prog[i:i + 8] for i in range(0, 24, 8)]
    import struct
    code, _, _, k = struct.unpack("=HBBI", first[0])
    assert (code, k) == (0x20, 4), "the program must load the architecture before anything else"
    code, jt, jf, k = struct.unpack("=HBBI", first[1])
    assert k == 0xC000003E
    code, _, _, k = struct.unpack("=HBBI", first[2])
    assert k == seccomp.RET_KILL_PROCESS


# ---- Landlock -----------------------------------------------------------------------------------
@pytest.mark.skipif(landlock.abi_version() == 0, reason="this kernel has no Landlock")
def test_landlock_allows_only_the_listed_trees(tmp_path):
    allowed, writable, secret = tmp_path / "allowed", tmp_path / "writable", tmp_path / "secret"
    for d in (allowed, writable, secret):
        d.mkdir()
    (allowed / "a.txt").write_text("a")
    (secret / "s.txt").write_text("s")
    abi = landlock.abi_version()
    ruleset = landlock.Ruleset([str(allowed)], [str(writable)], abi)
    parent = os.getpid()

    def body():
        ruleset.restrict()
        return {
            "read_allowed": errno_of(lambda: open(allowed / "a.txt").read()),
            "read_secret": errno_of(lambda: open(secret / "s.txt").read()),
            "write_allowed": errno_of(lambda: open(allowed / "new.txt", "w").close()),
            "write_writable": errno_of(lambda: open(writable / "new.txt", "w").close()),
            "list_root": errno_of(lambda: os.listdir("/")),
            "signal_parent": errno_of(lambda: os.kill(parent, 0)),
        }

    try:
        got = in_child(body)
    finally:
        ruleset.close()
    assert got.get("error") is None, got
    assert got["read_allowed"] == 0 and got["write_writable"] == 0, got
    assert got["read_secret"] == errno.EACCES and got["write_allowed"] == errno.EACCES, got
    assert got["list_root"] == errno.EACCES, got
    if abi >= 6:
        assert got["signal_parent"] == errno.EPERM, got


# ---- the Python view ----------------------------------------------------------------------------
def test_runtime_view_has_the_stdlib_and_numpy_and_nothing_of_site_packages():
    rt = runtime.ensure()
    code = ("import json, sys, numpy\nmods = {}\nfor m in ('hypothesis', 'autograder', 'sympy', 'pytest'):\n"
            "    try:\n        __import__(m); mods[m] = True\n    except ImportError:\n        mods[m] = False\n"
            "print(json.dumps({'prefix': sys.prefix, 'numpy': numpy.__file__, 'mods': mods}))")
    out = subprocess.run([str(rt.python), "-I", "-c", code], env={"PATH": "/usr/bin:/bin", **rt.env},
                         capture_output=True, text=True, timeout=60, cwd=tempfile.gettempdir())
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["prefix"] == str(rt.root)
    assert info["numpy"].startswith(str(rt.root))
    assert not any(info["mods"].values()), info["mods"]
    st = rt.root.stat()
    assert st.st_uid == os.geteuid() and not st.st_mode & 0o022, "the view must not be writable by others"


# ---- modes and the log --------------------------------------------------------------------------
def test_unknown_sandbox_mode_is_refused(monkeypatch):
    monkeypatch.setenv(confine.MODE_ENV, "off")
    with pytest.raises(confine.SandboxError, match="auto, namespaces or fallback"):
        confine.requested_mode()


def _box(tmp_path, monkeypatch, mode: str, script: Path) -> confine.Box:
    monkeypatch.setenv(confine.MODE_ENV, mode)
    sub = Path(tempfile.mkdtemp(prefix="rnn-test-sub-"))
    job = Path(tempfile.mkdtemp(prefix="rnn-test-job-"))
    return confine.prepare(job, sub, script, Limits())


def _run(box: confine.Box) -> tuple[int | None, str]:
    """Start the box's script, wait for it to exit, keep what it printed, then kill_all."""
    proc, progress = box.spawn(0, 0)
    fd, out = proc.stdout.fileno(), b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        chunk = os.read(fd, 65536) if ready else b""
        out += chunk
        if proc.poll() is not None and not chunk:
            break
    box.kill_all(proc)
    os.close(progress)
    return box.returncode(proc), out.decode(errors="replace")


DAEMON = r'''
import os, sys, time
r, w = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.write(w, str(os.getpid()).encode() + b"\n")
        # a detached daemon: it would rewrite files after the grader is gone
        for _ in range(600):
            time.sleep(0.1)
        os._exit(0)
    os._exit(0)
line = os.read(r, 64)
print("daemon", int(line), flush=True)
print("uid", os.getuid(), flush=True)
sys.exit(3)
'''


def allow_processes(monkeypatch) -> None:
    """Workers that may start processes, as where the kernel has no seccomp (a real worker's fork is
    refused: test_seccomp_filter_refuses_what_it_lists_and_allows_ordinary_work): the daemon
    tests need one, which must still die with its worker."""
    monkeypatch.setattr(seccomp, "build", functools.partial(seccomp.build, new_processes=True))


@pytest.mark.parametrize("mode", ["namespaces", "fallback"])
def test_worker_is_confined_logged_and_its_setsid_daemon_dies(tmp_path, monkeypatch, mode):
    if mode == "namespaces" and not confine.host().bwrap:
        pytest.skip("bubblewrap is not installed")
    allow_processes(monkeypatch)
    script = tmp_path / "daemon.py"
    script.write_text(DAEMON)
    box = _box(tmp_path, monkeypatch, mode, script)
    try:
        assert box.mode == mode, box.log
        log = "\n".join(box.log)
        assert ("namespaces via" in log) if mode == "namespaces" else ("FALLBACK" in log), log
        assert "seccomp: filter active" in log or "UNAVAILABLE" in log
        rc, out = _run(box)
        assert rc == 3, (rc, out)
        lines = dict(line.split() for line in out.splitlines() if line.split()[:1] in (["daemon"], ["uid"]))
        if box.slot is not None:
            assert int(lines["uid"]) == box.slot.uid != 0, out
            left = procs.processes_of_uid(box.slot.uid)
        elif mode == "fallback":       # the daemon's pid is a real one: it must be gone
            left = [int(lines["daemon"])] if Path(f"/proc/{lines['daemon']}").exists() and \
                not procs._status(int(lines["daemon"])).get("State", "Z").startswith("Z") else []
        else:                          # its own pid namespace died with the worker
            left = [p for p in procs._pids() if str(box.job) in _cmdline(p)]
        assert left == [], f"still running after kill_all: {left}"
    finally:
        box.close()


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_planted_links_are_removed_from_out_before_the_grader_reads(tmp_path, monkeypatch):
    box = _box(tmp_path, monkeypatch, "fallback", WORKER_SCRIPT)
    try:
        (box.out_dir / "step_0.jsonl").symlink_to(ROOT / "reference" / "rnn_bptt" / "solution" / "rnn.py")
        (box.out_dir / "s0_c0_l0.npy").write_bytes(b"x")
        os.link(box.out_dir / "s0_c0_l0.npy", box.out_dir / "s0_c0_l1.npy")
        (box.out_dir / "ok.jsonl").write_text("{}\n")
        (box.out_dir / "sub").mkdir()
        if box.slot is not None:        # what the worker wrote is its uid's; anything else is planted
            for name in ("ok.jsonl", "s0_c0_l0.npy"):
                os.chown(box.out_dir / name, box.slot.uid, box.slot.gid)
        removed = box.seal_output()
        assert sorted(removed) == ["s0_c0_l0.npy", "s0_c0_l1.npy", "step_0.jsonl", "sub"]
        assert sorted(os.listdir(box.out_dir)) == ["ok.jsonl"]
    finally:
        box.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="uid slots exist only when the grader runs as root")
def test_job_files_are_readable_by_the_slot_group_only(tmp_path, monkeypatch):
    box = _box(tmp_path, monkeypatch, "fallback", WORKER_SCRIPT)
    try:
        for path in (box.job, box.plan_dir, box.submission_dir):
            st = path.stat()
            assert (st.st_uid, st.st_gid) == (0, box.slot.gid) and st.st_mode & 0o777 == 0o750, path
        for path in (box.out_dir, box.tmp_dir):
            st = path.stat()
            assert (st.st_uid, st.st_mode & 0o777) == (box.slot.uid, 0o700), path
        assert box.slot.uid not in (0, os.getuid())
    finally:
        box.close()


def test_memory_budget_never_exceeds_what_the_container_leaves(monkeypatch):
    monkeypatch.setattr(confine, "container_memory_left", lambda: 700 << 20)
    budget, note = confine._memory_budget(1536 << 20)
    assert budget == (700 - 64) << 20 and "700 MiB" in note
    monkeypatch.setattr(confine, "container_memory_left", lambda: None)
    assert confine._memory_budget(1536 << 20)[0] == 1536 << 20


def test_sandbox_is_reported_in_the_grade_log():
    from autograder.pipeline.grade import grade_submission

    report = grade_submission(ROOT / "reference" / "rnn_bptt" / "solution")
    assert report.score == 100
    assert any(line.startswith("sandbox: ") for line in report.log), report.log
    assert not any(line.startswith("WARNING") for line in report.log), report.log


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))


# ---- without root ---------------------------------------------------------------------------------
GRADE_AND_LOG = """
import json, sys
from pathlib import Path
from autograder.pipeline.grade import grade_submission
r = grade_submission(Path(sys.argv[1]))
print(json.dumps({"score": r.score, "log": r.log}))
"""


@pytest.fixture(scope="module")
def unprivileged_env():
    """A copy of the grader and its pure-Python dependencies that user nobody can read, and the
    Python view (NumPy included) to run it with: what a student running the grader locally has."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and util-linux's setpriv to become an unprivileged user")
    import importlib.util

    top = Path(tempfile.mkdtemp(prefix="rnn-nonroot-"))
    site, repo, home = top / "site", top / "repo", top / "home"
    for name in ("hypothesis", "_hypothesis_globals", "attr", "attrs", "sortedcontainers", "exceptiongroup"):
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin)
        if origin.name == "__init__.py":
            shutil.copytree(origin.parent, site / name)
        else:
            site.mkdir(exist_ok=True)
            shutil.copy(origin, site / origin.name)
    for part in ("autograder", "reference"):
        shutil.copytree(ROOT / part, repo / part)
    home.mkdir()
    for directory, _dirs, files in os.walk(top):    # nobody's alone: no world-readable reference copy
        os.chown(directory, 65534, 65534)
        os.chmod(directory, 0o700)
        for f in files:
            os.chown(os.path.join(directory, f), 65534, 65534)
    rt = runtime.ensure()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "PYTHONPATH": f"{repo}:{site}", **rt.env}
    yield top, repo, env, rt
    shutil.rmtree(top, ignore_errors=True)


@pytest.mark.parametrize("mode", ["auto", "fallback"])
def test_the_grader_works_without_root(unprivileged_env, mode):
    top, repo, env, rt = unprivileged_env
    out = subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "--",
                          str(rt.python), "-c", GRADE_AND_LOG, str(repo / "reference" / "rnn_bptt" / "solution")],
                         env={**env, confine.MODE_ENV: mode}, cwd=top, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    log = "\n".join(result["log"])
    assert result["score"] == 100, log
    assert "not root: no uid drop possible" in log
    if mode == "fallback" or not confine.host().bwrap:
        assert "FALLBACK" in log and "by seccomp marker" in log, log
    else:
        assert "namespaces via" in log, log


DAEMON_AS_USER = """
import functools, json, os, sys, tempfile, time
from pathlib import Path
from autograder.sandbox import confine, seccomp
from autograder.sandbox.runner import Limits
seccomp.build = functools.partial(seccomp.build, new_processes=True)     # as DAEMON needs (see allow_processes)
script = Path(tempfile.mkdtemp()) / "daemon.py"
script.write_text(sys.argv[1])
box = confine.prepare(Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp()), script, Limits())
proc, progress = box.spawn(0, 0)
out = b""
while b"uid" not in out:
    chunk = os.read(proc.stdout.fileno(), 4096)
    if not chunk:
        break
    out += chunk
box.kill_all(proc)
box.close()
pids = [int(line.split()[1]) for line in out.decode().splitlines() if line.startswith("daemon")]
alive = [p for p in pids if os.path.exists(f"/proc/{p}") and
         not open(f"/proc/{p}/status").read().split("State:")[1].strip().startswith("Z")]
print(json.dumps({"mode": box.mode, "pids": pids, "alive": alive, "out": out.decode()[-500:]}))
"""


@pytest.mark.parametrize("mode", ["auto", "fallback"])
def test_without_root_a_setsid_daemon_dies_with_the_worker(unprivileged_env, mode):
    top, repo, env, rt = unprivileged_env
    out = subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "--",
                          str(rt.python), "-c", DAEMON_AS_USER, DAEMON], env={**env, confine.MODE_ENV: mode},
                         cwd=top, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["pids"], got
    if got["mode"] == "fallback":      # a real pid: it must be gone (in namespaces mode its namespace is)
        assert got["alive"] == [], got


def test_runtime_view_falls_back_to_the_next_private_place(tmp_path, monkeypatch):
    monkeypatch.setattr(runtime, "base_dirs", lambda: [Path("/proc/read-only-here"), tmp_path / "rt"])
    rt = runtime.ensure.__wrapped__()
    assert rt.root.parent == tmp_path / "rt" and rt.python.exists()
    os.chmod(tmp_path / "rt", 0o777)      # someone else could plant files in it: refused
    with pytest.raises(RuntimeError, match="not group/world-writable"):
        runtime.ensure.__wrapped__()
