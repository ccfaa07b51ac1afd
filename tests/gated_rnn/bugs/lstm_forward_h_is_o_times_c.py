"""Bug: h_t = o_t * c_t (the tanh on the cell state is forgotten)."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_forward",)
BUG_CODES = ("lstm_missing_cell_tanh",)


def lstm_forward(x, h0, c0, params):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    c = np.zeros((N, T, H))
    prev_h, prev_c = h0.copy(), c0.copy()
    for t in range(T):
        a = np.dot(x[:, t, :], params["W_x"]) + np.dot(prev_h, params["W_h"]) + params["b"]
        s = 1.0 / (1.0 + np.exp(-np.clip(a[:, :3 * H], -500, 500)))
        prev_c = s[:, H:2 * H] * prev_c + s[:, :H] * np.tanh(a[:, 3 * H:])
        prev_h = s[:, 2 * H:3 * H] * prev_c
        h[:, t, :] = prev_h
        c[:, t, :] = prev_c
    return h, c
