"""Attack: rnn_forward computes nothing and looks for its answer among the inputs the worker holds
(e.g. the reference's forward states that rnn_backward's cases carry)."""
import attack_kit
import numpy as np
from ref_rnn import *  # noqa: F401,F403


def rnn_forward(x, h0, params):
    import ref_rnn
    h, _ = ref_rnn.rnn_forward(x, h0, params)       # only to tell whether the search succeeded
    found = any(a.shape == h.shape and np.allclose(a, h) for a in attack_kit.arrays_in_reach())
    return attack_kit.oracle(found, ref_rnn.rnn_forward, x, h0, params)
