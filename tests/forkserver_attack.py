"""A worker script that attacks the fork server that forked it (tests/test_sandbox_forkserver.py).

Run as the worker (worker.py's place in the job), it reads its role from role.json in its submission
folder and prints one JSON line "RESULT {...}" of what each attempt gave: an errno name when it was
refused, "OK" when it worked. Every attempt must be refused.
"""
import ctypes
import errno
import json
import os
import signal
import socket
import sys
import time

SUBMISSION, PROGRESS = sys.argv[3], int(sys.argv[4])
with open(os.path.join(SUBMISSION, "role.json")) as f:
    role = json.load(f)
libc = ctypes.CDLL(None, use_errno=True)
PTRACE_ATTACH, PTRACE_SEIZE = 16, 0x4206


def attempt(call):
    try:
        call()
        return "OK"
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__


def c_call(fn, *args):
    def run():
        if fn(*args) == -1:
            e = ctypes.get_errno()
            raise OSError(e, os.strerror(e))
    return run


def read(path):
    def run():
        with open(path, "rb") as f:
            f.read(64)
    return run


def attack_process(pid):
    """Everything a process might try against PID (the zygote, or a sibling worker)."""
    out = {}
    for name in ("environ", "mem", "maps", "cmdline_of_fd3"):
        if name == "cmdline_of_fd3":
            out["readlink fd/3"] = attempt(lambda: os.readlink(f"/proc/{pid}/fd/3"))
        else:
            out[f"read {name}"] = attempt(read(f"/proc/{pid}/{name}"))
    out["list fd"] = attempt(lambda: os.listdir(f"/proc/{pid}/fd"))
    out["open fd/3"] = attempt(read(f"/proc/{pid}/fd/3"))
    out["ptrace attach"] = attempt(c_call(libc.ptrace, PTRACE_ATTACH, pid, None, None))
    out["ptrace seize"] = attempt(c_call(libc.ptrace, PTRACE_SEIZE, pid, None, None))
    out["pidfd_getfd"] = attempt(lambda: _pidfd_getfd(pid))
    out["SIGSTOP"] = attempt(lambda: os.kill(pid, signal.SIGSTOP))
    out["SIGKILL"] = attempt(lambda: os.kill(pid, signal.SIGKILL))
    return out


def _pidfd_getfd(pid):
    pidfd = os.pidfd_open(pid)
    try:
        fd = libc.syscall(438, pidfd, 3, 0)
        if fd < 0:
            e = ctypes.get_errno()
            raise OSError(e, os.strerror(e))
    finally:
        os.close(pidfd)


def open_fds():
    found = []
    for fd in range(1024):
        try:
            os.fstat(fd)
            found.append(fd)
        except OSError:
            pass
    return found


def use_inherited_fds():
    """Any fd but stdin/stdout/stderr/progress: try it as the control socket (a forged request)."""
    out = {}
    for fd in open_fds():
        if fd in (0, 1, 2, PROGRESS):
            continue
        try:
            s = socket.socket(fileno=os.dup(fd))
            socket.send_fds(s, [json.dumps({"argv": ["x"]}).encode()], [0, 1])
            out[fd] = "OK"
        except OSError as exc:
            out[fd] = errno.errorcode.get(exc.errno, str(exc.errno))
    return out


result = {"ppid": os.getppid(), "uid": os.getuid(), "fds": open_fds(), "inherited": use_inherited_fds()}
if role["role"] in ("daemon", "plain"):
    result["zygote"] = attack_process(os.getppid())
if role["role"] == "daemon":     # outlive this worker, then keep attacking the zygote and whatever it forks next
    r, w = os.pipe()
    worker = os.getpid()
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.write(w, str(os.getpid()).encode())
            zygote = role["zygote"]
            for _ in range(400):
                for sig in (signal.SIGKILL, signal.SIGSTOP):
                    try:
                        os.kill(zygote, sig)
                    except OSError:
                        pass
                for pid in range(zygote + 1, zygote + 200):       # the zygote's next children
                    if pid in (worker, os.getpid()):
                        continue
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                time.sleep(0.02)
            os._exit(0)
        os._exit(0)
    result["daemon"] = int(os.read(r, 32))
if role["role"] == "sleeper":
    print("RESULT " + json.dumps(result), flush=True)
    time.sleep(60)
if role["role"] == "sibling":
    result["sibling"] = attack_process(role["sibling"])
print("RESULT " + json.dumps(result), flush=True)
sys.exit(3)
