"""Bug: PyTorch's candidate, n_t = tanh(x_t W_xn + r_t * (h_{t-1} W_hn) + b_n)."""
import numpy as np

BUG_FILE = "gru"
BUG_BREAKS = ("gru_forward",)
BUG_CODES = ("gru_reset_after_product",)


def gru_forward(x, h0, params):
    N, T, D = x.shape
    out = np.zeros((N, T, h0.shape[1]))
    state = h0
    for t in range(T):
        xt = x[:, t, :]
        r = 0.5 * (1 + np.tanh(0.5 * (xt @ params["W_xr"] + state @ params["W_hr"] + params["b_r"])))
        z = 0.5 * (1 + np.tanh(0.5 * (xt @ params["W_xz"] + state @ params["W_hz"] + params["b_z"])))
        n = np.tanh(xt @ params["W_xn"] + r * (state @ params["W_hn"]) + params["b_n"])
        state = (1 - z) * state + z * n
        out[:, t, :] = state
    return out
