"""Bug: the student's own sigmoid (imported from activations.py) used as the hidden activation."""
import numpy as np
from activations import sigmoid

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_forward",)
BUG_CODES = ("wrong_hidden_activation",)


def rnn_forward(x, h0, params):
    T = x.shape[1]
    hs = []
    h_prev = h0
    for t in range(T):
        h_prev = sigmoid(x[:, t] @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"])
        hs.append(h_prev)
    h = np.stack(hs, axis=1)
    y = h @ params["W_hy"] + params["b_y"]
    return h, y
