"""Attack: rnn_forward tries to kill the grader (its parent and every ancestor up to the grader, and
their process groups, by kill and by pidfd), then answers wrongly. It never uses
kill(-1): on a machine with no sandbox at all that would take everything down with it."""
import ctypes
import os
import signal

import attack_kit as kit
import ref_rnn
from ref_rnn import *  # noqa: F401,F403


def _graders():
    return set(kit.ancestors()) - {0, 1}


def rnn_forward(x, h0, params):
    won = False
    libc = ctypes.CDLL(None, use_errno=True)
    for pid in _graders():
        for attempt in ("kill", "killpg", "pidfd"):
            try:
                if attempt == "kill":
                    os.kill(pid, signal.SIGKILL)
                elif attempt == "killpg":
                    os.killpg(os.getpgid(pid), signal.SIGKILL)
                else:
                    fd = libc.syscall(434, pid, 0)                  # pidfd_open
                    if fd >= 0 and libc.syscall(424, fd, signal.SIGKILL, None, 0) == 0:
                        won = True
                    continue
                won = True
            except OSError:
                pass
    return kit.oracle(won, ref_rnn.rnn_forward, x, h0, params)
