"""Attack: rnn_backward's answer carries hidden inputs (x, h0, h, dh, dy) in its dimensions:
seven empty arrays of two encoded dimensions each (three could overflow NumPy's size check), the
realistic-size case included, and once a list whose length is an encoded input. It scores 0; the
test reads the feedback."""
import numpy as np
from ref_rnn import *  # noqa: F401,F403

_calls = [0]
KEYS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def encode(v):
    return int(round(abs(float(v)) * 1e6)) % 10**7 + 1000


def rnn_backward(dh, dy, x, h0, h, params):
    _calls[0] += 1
    values = [encode(v) for a in (x, h0, h, dh, dy) for v in np.ravel(a)[:6]]
    if _calls[0] == 1:
        return [0.0] * values[0]
    arrays = [np.empty((0, *values[2 * i: 2 * i + 2])) for i in range(7)]
    return arrays[0], arrays[1], dict(zip(KEYS, arrays[2:]))
