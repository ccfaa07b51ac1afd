"""Bug: the running state is a buffer updated in place (h_prev[:] = ...), and that buffer is h0."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_forward",)
BUG_CODES = ("mutates_input",)


def rnn_forward(x, h0, params):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    h_prev = h0
    for t in range(T):
        h_prev[:] = np.tanh(x[:, t] @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"])
        h[:, t] = h_prev
    y = h @ params["W_hy"] + params["b_y"]
    return h, y
