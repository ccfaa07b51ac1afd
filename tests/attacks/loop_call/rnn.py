"""Attack: rnn_backward never returns (an infinite CPU loop in the call)."""
from ref_rnn import *  # noqa: F401,F403


def rnn_backward(dh, dy, x, h0, h, params):
    while True:
        pass
