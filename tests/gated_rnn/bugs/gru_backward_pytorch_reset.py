"""Bug: the backward of PyTorch's candidate tanh(x W_xn + r * (h W_hn) + b_n), derived consistently."""
import numpy as np

BUG_FILE = "gru"
BUG_BREAKS = ("gru_backward",)
BUG_CODES = ("gru_reset_after_product",)


def gru_backward(dh, x, h0, h, params):
    N, T, D = x.shape
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dx = np.zeros_like(x)
    back = np.zeros_like(h0)
    for t in reversed(range(T)):
        xt = x[:, t]
        hp = h[:, t - 1] if t > 0 else h0
        r = 0.5 * (1 + np.tanh(0.5 * (xt @ params["W_xr"] + hp @ params["W_hr"] + params["b_r"])))
        z = 0.5 * (1 + np.tanh(0.5 * (xt @ params["W_xz"] + hp @ params["W_hz"] + params["b_z"])))
        hw = hp @ params["W_hn"]
        n = np.tanh(xt @ params["W_xn"] + r * hw + params["b_n"])
        d = dh[:, t] + back
        dpn = d * z * (1 - n ** 2)
        dpz = d * (n - hp) * z * (1 - z)
        dpr = dpn * hw * r * (1 - r)
        grads["W_hn"] += hp.T @ (dpn * r)
        grads["W_hr"] += hp.T @ dpr
        grads["W_hz"] += hp.T @ dpz
        for g, dg in (("r", dpr), ("z", dpz), ("n", dpn)):
            grads["W_x" + g] += xt.T @ dg
            grads["b_" + g] += dg.sum(0)
            dx[:, t] += dg @ params["W_x" + g].T
        back = d * (1 - z) + (dpn * r) @ params["W_hn"].T + dpr @ params["W_hr"].T + dpz @ params["W_hz"].T
    return dx, back, grads
