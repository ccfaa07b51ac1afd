"""Attack: rnn_backward does its work in a forked child that the worker never waits for, so that a
call's CPU count (the worker's own, /proc/PID/stat) misses it. At the realistic size the child first
burns more CPU than the case's budget (as numerical differentiation would), then sends the answer
down a pipe; the worker blocks on the pipe, using no CPU. Process creation is refused in the worker
(seccomp), so the attack answers wrongly everywhere."""
import os
import pickle
import time

import attack_kit as kit
import ref_rnn
from ref_rnn import *  # noqa: F401,F403

BURN_SECONDS = 25.0      # more than the realistic-size budget (20 s of CPU time)


def rnn_backward(dh, dy, x, h0, h, params):
    try:
        r, w = os.pipe()
        pid = os.fork()
    except OSError:
        return kit.wrong(ref_rnn.rnn_backward(dh, dy, x, h0, h, params))
    if pid == 0:
        kit.mark()
        if x.size > 5000:                     # the realistic size
            start = time.process_time()
            while time.process_time() - start < BURN_SECONDS:
                pass
        os.write(w, pickle.dumps(ref_rnn.rnn_backward(dh, dy, x, h0, h, params)))
        os._exit(0)
    os.close(w)
    chunks = []
    while True:
        chunk = os.read(r, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(r)
    return pickle.loads(b"".join(chunks))
