"""Bug: dW_hn accumulated from h_{t-1} instead of r_t * h_{t-1}."""
import numpy as np

BUG_FILE = "gru"
BUG_BREAKS = ("gru_backward",)
BUG_CODES = ("gru_candidate_grad_without_reset",)


def gru_backward(dh, x, h0, h, params):
    N, T, D = x.shape
    H = h0.shape[1]
    dW = {k: np.zeros_like(v) for k, v in params.items()}
    dx = np.zeros((N, T, D))
    dprev = np.zeros((N, H))
    for t in reversed(range(T)):
        xt = x[:, t]
        hp = h[:, t - 1] if t > 0 else h0
        r = 0.5 + 0.5 * np.tanh(0.5 * (xt @ params["W_xr"] + hp @ params["W_hr"] + params["b_r"]))
        z = 0.5 + 0.5 * np.tanh(0.5 * (xt @ params["W_xz"] + hp @ params["W_hz"] + params["b_z"]))
        n = np.tanh(xt @ params["W_xn"] + (r * hp) @ params["W_hn"] + params["b_n"])
        dht = dh[:, t] + dprev
        dn = dht * z * (1 - n ** 2)
        dz = dht * (n - hp) * z * (1 - z)
        drh = dn @ params["W_hn"].T
        dr = drh * hp * r * (1 - r)
        dW["W_hn"] += hp.T @ dn
        dW["W_hz"] += hp.T @ dz
        dW["W_hr"] += hp.T @ dr
        for gate, d in zip("rzn", (dr, dz, dn)):
            dW["W_x" + gate] += xt.T @ d
            dW["b_" + gate] += d.sum(axis=0)
        dx[:, t] = dr @ params["W_xr"].T + dz @ params["W_xz"].T + dn @ params["W_xn"].T
        dprev = dht * (1 - z) + drh * r + dz @ params["W_hz"].T + dr @ params["W_hr"].T
    return dx, dprev, dW
