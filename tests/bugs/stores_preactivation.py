"""Bug: the pre-activation z_t is stored (and used for y) instead of h_t = tanh(z_t)."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_forward",)
BUG_CODES = ("stores_preactivation",)


def rnn_forward(x, h0, params):
    N, T, _ = x.shape
    H = params["W_hh"].shape[0]
    h = np.zeros((N, T, H))
    h_prev = h0
    for t in range(T):
        z = x[:, t] @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"]
        h[:, t] = z
        h_prev = np.tanh(z)
    y = h @ params["W_hy"] + params["b_y"]
    return h, y
