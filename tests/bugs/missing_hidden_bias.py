"""Bug: the hidden bias b_h is left out of the recurrence."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_forward",)
BUG_CODES = ("missing_hidden_bias",)


def rnn_forward(x, h0, params):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev = h0
    for t in range(T):
        prev = np.tanh(x[:, t, :] @ params["W_xh"] + prev @ params["W_hh"])
        h[:, t, :] = prev
    y = h @ params["W_hy"] + params["b_y"]
    return h, y
