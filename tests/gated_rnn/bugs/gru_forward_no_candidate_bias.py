"""Bug (beyond the catalogue): b_n left out of the candidate, since the notes' ~h_t has "+ b" easy to miss."""
import numpy as np

BUG_FILE = "gru"
BUG_BREAKS = ("gru_forward",)
BUG_CODES = ()


def gru_forward(x, h0, params):
    N, T, D = x.shape
    h = np.empty((N, T, h0.shape[1]))
    prev = h0
    for t in range(T):
        r = 0.5 * (1 + np.tanh(0.5 * (x[:, t] @ params["W_xr"] + prev @ params["W_hr"] + params["b_r"])))
        z = 0.5 * (1 + np.tanh(0.5 * (x[:, t] @ params["W_xz"] + prev @ params["W_hz"] + params["b_z"])))
        n = np.tanh(x[:, t] @ params["W_xn"] + (r * prev) @ params["W_hn"])
        prev = (1 - z) * prev + z * n
        h[:, t] = prev
    return h
