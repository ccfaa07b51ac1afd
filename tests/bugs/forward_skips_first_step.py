"""Bug (beyond the catalogue): off-by-one loop over time starting at t = 1, so h_1 stays zero and
h0 is never used."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_forward",)
BUG_CODES = ()


def rnn_forward(x, h0, params):
    N, T, _ = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    for t in range(1, T):
        h[:, t] = np.tanh(x[:, t] @ params["W_xh"] + h[:, t - 1] @ params["W_hh"] + params["b_h"])
    y = h @ params["W_hy"] + params["b_y"]
    return h, y
