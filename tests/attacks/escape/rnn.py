"""Attack: rnn_forward answers correctly only if it can open any socket (network or Unix);
rnn_backward only if it can ptrace or read the memory of the grader (or another ancestor)."""
import ctypes
import os
import socket

import attack_kit as kit
import ref_rnn
from ref_rnn import *  # noqa: F401,F403

PTRACE_SEIZE = 0x4206


def _any_socket():
    for family, kind in ((socket.AF_INET, socket.SOCK_STREAM), (socket.AF_INET6, socket.SOCK_DGRAM),
                         (socket.AF_UNIX, socket.SOCK_STREAM), (socket.AF_NETLINK, socket.SOCK_RAW)):
        try:
            s = socket.socket(family, kind)
        except OSError:
            continue
        s.close()
        return True
    try:
        a, b = socket.socketpair()
        a.close()
        b.close()
        return True
    except OSError:
        return False


def rnn_forward(x, h0, params):
    return kit.oracle(kit.once("socket", _any_socket), ref_rnn.rnn_forward, x, h0, params)


def _seized(pid):
    """Can this process ptrace PID? Asked without stopping it: a child seizes PID (PTRACE_SEIZE
    does not stop the tracee) and exits at once, which detaches it."""
    child = os.fork()
    if child == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
        os._exit(0 if libc.ptrace(PTRACE_SEIZE, pid, None, None) == 0 else 1)
    _, status = os.waitpid(child, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _traced():
    for pid in kit.ancestors():   # only these: on a machine with no sandbox, nobody else is touched
        if pid <= 1:
            continue
        try:
            if _seized(pid):
                return True
        except OSError:
            pass
        try:
            with open(f"/proc/{pid}/maps") as f:
                start = int(f.readline().split("-")[0], 16)
            with open(f"/proc/{pid}/mem", "rb") as f:
                f.seek(start)
                if f.read(8):
                    return True
        except (OSError, ValueError):
            pass
    return False


def rnn_backward(dh, dy, x, h0, h, params):
    return kit.oracle(kit.once("ptrace", _traced), ref_rnn.rnn_backward, dh, dy, x, h0, h, params)
