"""Attack (with activations.py): rnn_backward answers the realistic size only with what other calls
prepared for it (see activations.py); on small cases it answers correctly."""
import sys

import attack_kit
import ref_rnn
from ref_rnn import *  # noqa: F401,F403


def rnn_backward(dh, dy, x, h0, h, params):
    if x.shape[:2] != (4, 400):
        return ref_rnn.rnn_backward(dh, dy, x, h0, h, params)
    store = sys.modules.get("rnn_attack_lent_answer")
    won = store is not None and store.x.shape == x.shape and bool((store.x == x).all())
    return attack_kit.oracle(won, ref_rnn.rnn_backward, dh, dy, x, h0, h, params)
