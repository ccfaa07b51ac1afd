"""The fork server ("zygote"): fallback mode starts workers by fork from a pre-started interpreter.

Why: a worker costs ~0.13 s of CPU to start by exec (the interpreter, then NumPy), paid at least once
per submission. A zygote pays it once per grader process; each worker is then a fork of it.

Used in FALLBACK mode only. In namespaces mode every worker still starts through bubblewrap by exec:
a forked child cannot get a private mount tree and pid namespace of its own, which that mode keeps.

What the zygote is and is not:
- It is started by exec (so it inherits no memory of the grader, and no fd but its socket): in
  batch's warm_up before any job, else by confine.prepare (fallback mode) without waiting, so that it
  starts while the grader sets up the job; the first spawn waits for its "ready". It runs
  `python -I forkserver.py FD` from the runtime view with the worker's minimal environment (SAFE_ENV)
  and imports the standard library modules the worker uses and NumPy, nothing of the grader.
- It never reads a job file. It receives only requests "fork a worker: argv (paths), environment,
  working directory, slot uid/gid, rlimits, seccomp program" over a private socketpair, with the
  fds the worker needs (progress pipe, stdout/stderr pipe, Landlock ruleset) by SCM_RIGHTS.
- It is undumpable (its /proc files are root's, no same-uid ptrace), and its pid is added to the
  seccomp filter's protected pids; as root it is root, the worker a slot uid.
- The child, before it reads any job file or student code, does what Box._child_setup and Popen did:
  new session, oom_score_adj 1000, no supplementary groups, the slot's uid/gid, the parent death
  signal, the rlimits, stdin (the grader's "go" pipe, else /dev/null), stdout/stderr to the
  runner's pipe, every other fd closed
  (the control socket included), the worker's environment, chdir to the job's tmp/, NumPy's global
  random state reseeded, Landlock, then the seccomp filter last. Only then does it run worker.py
  (the job's copy) as __main__. Each worker serves one submission and never forks another worker.
- The zygote reports each child's pid (with a pidfd, so that the grader never signals a recycled
  pid) and, when it has reaped it, its exit status. Orphans of a worker re-parent to the grader
  (a child subreaper in fallback mode), as before, and are killed by uid or by seccomp marker.

RNN_AUTOGRADER_FORKSERVER=off execs every worker as before. If the zygote cannot start, or dies,
the grader execs workers and says so in the instructor log.

This file is also the zygote's script: at module level it imports the standard library only.
"""
from __future__ import annotations

import os
import select
import socket
import sys

ENV = "RNN_AUTOGRADER_FORKSERVER"
READY = b"ready"
MAX_MESSAGE = 1 << 16
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP = 1, 4, 38, 22
SECCOMP_MODE_FILTER = 2
SYS_LANDLOCK_RESTRICT_SELF = 446       # same on x86_64 and arm64
PRELOAD = ("builtins", "io", "json", "mmap", "os", "sys", "traceback", "warnings", "runpy", "numpy")


# ==== the zygote (runs under `python -I`, standard library and NumPy only) ========================
def _libc():
    import ctypes
    return ctypes.CDLL(None, use_errno=True)


def serve(sock_fd: int) -> None:
    import ctypes
    import importlib
    import json

    libc = _libc()
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)      # /proc/<zygote>/{environ,mem,fd}: root's; no ptrace
    for name in PRELOAD:
        importlib.import_module(name)
    sock = socket.socket(fileno=sock_fd)
    sock.send(READY)
    children: dict[int, int] = {}      # pidfd -> pid
    while True:
        ready, _, _ = select.select([sock_fd, *children], [], [])
        for fd in ready:
            if fd in children:
                pid = children.pop(fd)
                os.close(fd)
                _, status = os.waitpid(pid, 0)
                sock.send(f"exit {pid} {status}".encode())
        if sock_fd not in ready:
            continue
        try:
            msg, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, 8)
        except OSError:
            msg, fds = b"", []
        if not msg:           # the grader is gone: so are we (the workers have PDEATHSIG)
            os._exit(0)
        try:
            request = json.loads(msg)
        except ValueError:
            for fd in fds:
                os.close(fd)
            sock.send(b"error bad request")
            continue
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(ready_r)
            try:
                _child(request, fds, ready_w, sock_fd, libc, ctypes)
            except BaseException as exc:  # noqa: BLE001 - the setup failed: say why, and go
                try:
                    os.write(ready_w, ("error " + repr(exc)).encode()[:2000])
                finally:
                    os._exit(125)
            os._exit(0)
        os.close(ready_w)
        for fd in fds:
            os.close(fd)
        pidfd = os.pidfd_open(pid)
        answer = b""
        while True:
            chunk = os.read(ready_r, 4096)
            if not chunk:
                break
            answer += chunk
        os.close(ready_r)
        if answer == b"ok":
            children[pidfd] = pid
            socket.send_fds(sock, [f"pid {pid}".encode()], [pidfd])
        else:
            os.close(pidfd)
            os.waitpid(pid, 0)
            sock.send(b"error " + (answer.removeprefix(b"error ") or b"the child exited during its setup")[:2000])


def _child(request: dict, fds: list[int], ready_w: int, sock_fd: int, libc, ctypes) -> None:
    """The worker's confinement, in the forked child, before anything of the job is touched."""
    import resource
    import runpy
    import signal

    progress, output = fds[0], fds[1]
    rest = fds[2:]
    stdin = rest.pop(0) if request.get("stdin") and rest else -1
    ruleset = rest[0] if request.get("landlock") and rest else -1
    zygote = os.getppid()
    os.close(sock_fd)
    os.setsid()
    libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)        # our /proc files ours again (not yet the job's)...
    with open("/proc/self/oom_score_adj", "w") as f:       # before the uid drop, which makes it root's
        f.write("1000")
    if request.get("uid") is not None:
        os.setgroups([])
        os.setresgid(request["gid"], request["gid"], request["gid"])
        os.setresuid(request["uid"], request["uid"], request["uid"])
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)   # after the uid drop, which clears it
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)        # ...and root's from here on (as root the uid drop did it too)
    if os.getppid() != zygote:
        os._exit(125)
    for name, soft, hard in request["rlimits"]:
        resource.setrlimit(getattr(resource, name), (soft, hard))
    os.dup2(stdin if stdin >= 0 else os.open("/dev/null", os.O_RDONLY), 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    keep = sorted({0, 1, 2, progress, ready_w} | ({ruleset} if ruleset >= 0 else set()))
    start = 3
    for fd in keep:
        if fd >= start:
            os.closerange(start, fd)
            start = fd + 1
    os.closerange(start, 1 << 20)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    np_random = sys.modules.get("numpy.random")
    if np_random is not None:            # fresh entropy, as a worker started by exec has
        np_random.seed()
    if ruleset >= 0:
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
        os.close(ruleset)
    program = bytes.fromhex(request.get("seccomp") or "")
    if program:
        class SockFprog(ctypes.Structure):
            _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

        buf = ctypes.create_string_buffer(program, len(program))
        fprog = SockFprog(len(program) // 8, ctypes.addressof(buf))
        prctl = libc.prctl
        prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
        if prctl(PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")
    os.write(ready_w, b"ok")
    os.close(ready_w)
    sys.argv = list(request["argv"])
    sys.argv[request["progress_arg"]] = str(progress)      # its number here
    try:
        runpy.run_path(sys.argv[0], run_name="__main__")     # worker.py ends with os._exit
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - as the interpreter would: traceback, status 1
        import traceback
        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001
            pass
    os._exit(code)


# ==== the grader's side ===========================================================================
def wanted() -> bool:
    return os.environ.get(ENV, "on").strip().lower() not in ("off", "0", "no", "false")


class ForkServerError(OSError):
    pass


class ForkedWorker:
    """What runner.py and Box use of a subprocess.Popen, for a worker the zygote forked."""

    def __init__(self, server: ForkServer, pid: int, pidfd: int, stdout):
        self.server, self.pid, self.pidfd, self.stdout = server, pid, pidfd, stdout
        self.returncode: int | None = None
        self.args = ["<forked worker>"]

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.server.exit_status(self.pid, 0)
            if self.returncode is not None:
                self._close_pidfd()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import subprocess
        if self.returncode is None:
            self.returncode = self.server.exit_status(self.pid, timeout)
            if self.returncode is None:
                raise subprocess.TimeoutExpired(self.args, timeout)
            self._close_pidfd()
        return self.returncode

    def kill(self) -> None:
        import signal
        if self.returncode is None and self.pidfd >= 0:
            try:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            except OSError:
                pass

    def _close_pidfd(self) -> None:
        if self.pidfd >= 0:
            os.close(self.pidfd)
            self.pidfd = -1

    def __del__(self):
        self._close_pidfd()


class ForkServer:
    """The grader's handle on its zygote (one per grader process)."""

    def __init__(self, python: str, env: dict, timeout: float = 30.0):
        import subprocess
        import threading

        self.lock = threading.Lock()
        self.exits: dict[int, int] = {}
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.proc = subprocess.Popen([python, "-I", os.path.abspath(__file__), str(theirs.fileno())],
                                         env=env, cwd="/", stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE, pass_fds=[theirs.fileno()])
        except BaseException:
            self.sock.close()
            raise
        finally:
            theirs.close()
        self.pid = self.proc.pid
        self.owner = os.getpid()
        self.timeout = timeout
        self.ready = False          # its "ready" not yet read: it starts while the grader works on

    def wait_ready(self) -> None:
        """Wait (once) for the zygote's "ready"; raises ForkServerError if it does not come."""
        import time

        if self.ready:
            return
        deadline = time.monotonic() + self.timeout
        ready, _, _ = select.select([self.sock], [], [], self.timeout)
        answer = self.sock.recv(MAX_MESSAGE) if ready else b""
        if answer != READY:
            err = b""
            if self.proc.poll() is not None or time.monotonic() >= deadline:
                self.proc.kill()
                err = self.proc.stderr.read()[-500:]
            self.close()
            raise ForkServerError(f"the fork server did not start: {err.decode(errors='replace').strip()}")
        self.proc.stderr.close()
        self.ready = True

    def alive(self) -> bool:
        return self.owner == os.getpid() and self.proc.poll() is None

    def rss_bytes(self) -> int:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def spawn(self, request: dict, progress_w: int, ruleset_fd: int, stdin_fd: int = -1,
              timeout: float = 30.0) -> ForkedWorker:
        """Fork a worker; PROGRESS_W (and RULESET_FD, STDIN_FD, if >= 0) are passed, not closed. The
        worker's stdin is STDIN_FD (Box.spawn's "go" pipe), else /dev/null."""
        import json

        out_r, out_w = os.pipe()
        fds = [progress_w, out_w] + ([stdin_fd] if stdin_fd >= 0 else []) + ([ruleset_fd] if ruleset_fd >= 0 else [])
        request = dict(request, landlock=ruleset_fd >= 0, stdin=stdin_fd >= 0)
        try:
            with self.lock:
                self.wait_ready()
                socket.send_fds(self.sock, [json.dumps(request).encode()], fds)
                while True:
                    msg, got = self._receive(timeout)
                    if msg.startswith(b"pid ") and len(got) == 1:
                        pid, pidfd = int(msg.split()[1]), got[0]
                        break
                    for fd in got:
                        os.close(fd)
                    if msg.startswith(b"error"):
                        raise ForkServerError(msg.decode(errors="replace").removeprefix("error").strip())
        except BaseException:
            os.close(out_r)
            raise
        finally:
            os.close(out_w)
        return ForkedWorker(self, pid, pidfd, os.fdopen(out_r, "rb", buffering=0))

    def _receive(self, timeout: float | None) -> tuple[bytes, list[int]]:
        """The next message that is not an exit report (those are filed); the lock is held."""
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                raise ForkServerError("the fork server did not answer")
            msg, fds, _flags, _addr = socket.recv_fds(self.sock, MAX_MESSAGE, 4)
            if not msg:
                raise ForkServerError("the fork server is gone")
            if msg.startswith(b"exit "):
                _, pid, status = msg.split()
                self.exits[int(pid)] = os.waitstatus_to_exitcode(int(status))
                continue
            return msg, fds

    def exit_status(self, pid: int, timeout: float | None) -> int | None:
        """PID's exit code (negative: a signal) once the zygote has reaped it; None if not by TIMEOUT.
        The lock is held for one short look at a time, so that other threads' workers are not held up."""
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self.lock:
                while pid not in self.exits:
                    ready, _, _ = select.select([self.sock], [], [], 0)
                    if not ready:
                        break
                    msg, fds, _flags, _addr = socket.recv_fds(self.sock, MAX_MESSAGE, 4)
                    for fd in fds:
                        os.close(fd)
                    if not msg:       # the zygote died, and its children with it (PDEATHSIG)
                        self.exits.setdefault(pid, -9)
                    elif msg.startswith(b"exit "):
                        _, p, status = msg.split()
                        self.exits[int(p)] = os.waitstatus_to_exitcode(int(status))
                if pid in self.exits:
                    return self.exits.pop(pid)
            if deadline is not None and time.monotonic() >= deadline:
                return None
            left = 0.05 if deadline is None else min(0.05, max(0.0, deadline - time.monotonic()))
            select.select([self.sock], [], [], left)

    def close(self) -> None:
        try:
            self.sock.close()
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            try:
                self.proc.wait(timeout=10)
            except Exception:  # noqa: BLE001
                pass


_server: ForkServer | None = None
_failed: str | None = None


def server(runtime_python: str, env: dict) -> ForkServer:
    """This process's zygote, started now if need be. Raises ForkServerError when it cannot start,
    or when it has died: from then on this process execs its workers."""
    global _server, _failed
    if _server is not None and _server.owner != os.getpid():      # a fork of a grader: not its zygote
        _server, _failed = None, None
    if _failed is not None:
        raise ForkServerError(_failed)
    if _server is not None and not _server.alive():
        _failed = f"the fork server (pid {_server.pid}) has died"
        _server.close()
        _server = None
        raise ForkServerError(_failed)
    if _server is None:
        try:
            _server = ForkServer(runtime_python, env)
            import atexit
            atexit.register(_server.close)
        except OSError as exc:
            _failed = str(exc)
            raise ForkServerError(str(exc)) from exc
    return _server


def prestart(runtime_python: str, env: dict) -> None:
    """Start this process's zygote now without waiting for it (confine.prepare, fallback mode): it
    starts while the grader writes the plan. A failure shows at the spawn (then: exec, logged)."""
    if wanted():
        try:
            server(runtime_python, env)
        except OSError:
            pass


def give_up(reason: str) -> None:
    """A spawn failed: stop this process's zygote; its workers are started by exec from now on."""
    global _server, _failed
    _failed = reason
    if _server is not None and _server.owner == os.getpid():
        _server.close()
    _server = None


def current() -> ForkServer | None:
    return _server if _server is not None and _server.alive() else None


if __name__ == "__main__":
    serve(int(sys.argv[1]))
