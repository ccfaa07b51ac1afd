"""Bug: h_t = z_t * h_{t-1} + (1 - z_t) * n_t (PyTorch's update, z weighing the old state)."""
import numpy as np

BUG_FILE = "gru"
BUG_BREAKS = ("gru_forward",)
BUG_CODES = ("gru_update_gate_swapped",)


def _logistic(v):
    return 0.5 * (1.0 + np.tanh(0.5 * v))


def gru_forward(x, h0, params):
    hs = []
    h_t = h0
    for t in range(x.shape[1]):
        r = _logistic(x[:, t] @ params["W_xr"] + h_t @ params["W_hr"] + params["b_r"])
        z = _logistic(x[:, t] @ params["W_xz"] + h_t @ params["W_hz"] + params["b_z"])
        n = np.tanh(x[:, t] @ params["W_xn"] + (r * h_t) @ params["W_hn"] + params["b_n"])
        h_t = z * h_t + (1 - z) * n
        hs.append(h_t)
    return np.stack(hs, axis=1)
