"""Bug (beyond the catalogue): h returned with h0 in front, shape (N, T+1, H); y is right."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_forward",)
BUG_CODES = ()


def rnn_forward(x, h0, params):
    N, T, _ = x.shape
    h = np.zeros((N, T + 1, h0.shape[1]))
    h[:, 0] = h0
    for t in range(1, T + 1):
        h[:, t] = np.tanh(x[:, t - 1] @ params["W_xh"] + h[:, t - 1] @ params["W_hh"] + params["b_h"])
    y = h[:, 1:] @ params["W_hy"] + params["b_y"]
    return h, y
