"""Bug: the reset gate is treated as a constant, so W_xr, W_hr and b_r get zero gradient."""
import numpy as np

BUG_FILE = "gru"
BUG_BREAKS = ("gru_backward",)
BUG_CODES = ("gru_no_gradient_through_reset",)


def gru_backward(dh, x, h0, h, params):
    N, T, D = x.shape
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dx = np.zeros_like(x)
    nxt = np.zeros_like(h0)
    for t in reversed(range(T)):
        hp = h[:, t - 1] if t else h0
        r = 0.5 * (1 + np.tanh(0.5 * (x[:, t] @ params["W_xr"] + hp @ params["W_hr"] + params["b_r"])))
        z = 0.5 * (1 + np.tanh(0.5 * (x[:, t] @ params["W_xz"] + hp @ params["W_hz"] + params["b_z"])))
        n = np.tanh(x[:, t] @ params["W_xn"] + (r * hp) @ params["W_hn"] + params["b_n"])
        g = dh[:, t] + nxt
        da_n = g * z * (1 - n ** 2)
        da_z = g * (n - hp) * z * (1 - z)
        grads["W_xn"] += x[:, t].T @ da_n
        grads["W_hn"] += (r * hp).T @ da_n
        grads["b_n"] += da_n.sum(0)
        grads["W_xz"] += x[:, t].T @ da_z
        grads["W_hz"] += hp.T @ da_z
        grads["b_z"] += da_z.sum(0)
        dx[:, t] = da_n @ params["W_xn"].T + da_z @ params["W_xz"].T
        nxt = g * (1 - z) + (da_n @ params["W_hn"].T) * r + da_z @ params["W_hz"].T
    return dx, nxt, grads
