"""Bug: h_{t-1} only receives gradient through the gates and the candidate; dh_t * (1 - z_t) is forgotten."""
import numpy as np

BUG_FILE = "gru"
BUG_BREAKS = ("gru_backward",)
BUG_CODES = ("gru_missing_direct_path",)


def gru_backward(dh, x, h0, h, params):
    T = x.shape[1]
    p = params
    grads = {k: np.zeros(v.shape) for k, v in p.items()}
    dx = np.zeros(x.shape)
    carry = np.zeros(h0.shape)
    for t in range(T - 1, -1, -1):
        xt = x[:, t]
        hp = h0 if t == 0 else h[:, t - 1]
        r = 0.5 * (1 + np.tanh(0.5 * (xt @ p["W_xr"] + hp @ p["W_hr"] + p["b_r"])))
        z = 0.5 * (1 + np.tanh(0.5 * (xt @ p["W_xz"] + hp @ p["W_hz"] + p["b_z"])))
        n = np.tanh(xt @ p["W_xn"] + (r * hp) @ p["W_hn"] + p["b_n"])
        gh = dh[:, t] + carry
        an = gh * z * (1 - n * n)
        az = gh * (n - hp) * z * (1 - z)
        grh = an @ p["W_hn"].T
        ar = grh * hp * r * (1 - r)
        grads["W_xn"] += xt.T @ an
        grads["W_xz"] += xt.T @ az
        grads["W_xr"] += xt.T @ ar
        grads["W_hn"] += (r * hp).T @ an
        grads["W_hz"] += hp.T @ az
        grads["W_hr"] += hp.T @ ar
        grads["b_n"] += an.sum(0)
        grads["b_z"] += az.sum(0)
        grads["b_r"] += ar.sum(0)
        dx[:, t] = an @ p["W_xn"].T + az @ p["W_xz"].T + ar @ p["W_xr"].T
        carry = grh * r + az @ p["W_hz"].T + ar @ p["W_hr"].T
    return dx, carry, grads
