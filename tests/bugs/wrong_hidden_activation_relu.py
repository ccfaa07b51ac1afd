"""Bug: ReLU instead of tanh for the hidden state."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_forward",)
BUG_CODES = ("wrong_hidden_activation",)


def rnn_forward(x, h0, params):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[-1]))
    prev = h0.copy()
    for t in range(T):
        prev = np.maximum(0.0, x[:, t] @ params["W_xh"] + prev @ params["W_hh"] + params["b_h"])
        h[:, t] = prev
    return h, h @ params["W_hy"] + params["b_y"]
