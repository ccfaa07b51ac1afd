"""Bug (beyond the catalogue): the candidate is added without the input gate, c_t = f_t * c_{t-1} + g_t."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_forward",)
BUG_CODES = ()


def lstm_forward(x, h0, c0, params):
    H = h0.shape[1]
    h_list, c_list = [], []
    h_prev, c_prev = h0, c0
    for t in range(x.shape[1]):
        a = x[:, t] @ params["W_x"] + h_prev @ params["W_h"] + params["b"]
        f = 0.5 * (1 + np.tanh(0.5 * a[:, H:2 * H]))
        o = 0.5 * (1 + np.tanh(0.5 * a[:, 2 * H:3 * H]))
        c_prev = f * c_prev + np.tanh(a[:, 3 * H:])
        h_prev = o * np.tanh(c_prev)
        h_list.append(h_prev)
        c_list.append(c_prev)
    return np.stack(h_list, axis=1), np.stack(c_list, axis=1)
