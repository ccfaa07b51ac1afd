"""Bug (beyond the catalogue): states stacked time-major, h (T, N, H) and y (T, N, O)."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_forward",)
BUG_CODES = ()


def rnn_forward(x, h0, params):
    hs, ys = [], []
    h_t = h0
    for t in range(x.shape[1]):
        h_t = np.tanh(x[:, t] @ params["W_xh"] + h_t @ params["W_hh"] + params["b_h"])
        hs.append(h_t)
        ys.append(h_t @ params["W_hy"] + params["b_y"])
    return np.array(hs), np.array(ys)
