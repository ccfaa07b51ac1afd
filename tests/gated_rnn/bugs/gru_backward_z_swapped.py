"""Bug: the backward of h_t = z_t * h_{t-1} + (1 - z_t) * n_t (PyTorch's update), consistently."""
import numpy as np

BUG_FILE = "gru"
BUG_BREAKS = ("gru_backward",)
BUG_CODES = ("gru_update_gate_swapped",)


def gru_backward(dh, x, h0, h, params):
    N, T, D = x.shape
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dx = np.zeros_like(x)
    dnext = np.zeros_like(h0)
    for t in reversed(range(T)):
        xt, hp = x[:, t], (h[:, t - 1] if t > 0 else h0)
        r = 0.5 * (1 + np.tanh(0.5 * (xt @ params["W_xr"] + hp @ params["W_hr"] + params["b_r"])))
        z = 0.5 * (1 + np.tanh(0.5 * (xt @ params["W_xz"] + hp @ params["W_hz"] + params["b_z"])))
        n = np.tanh(xt @ params["W_xn"] + (r * hp) @ params["W_hn"] + params["b_n"])
        d = dh[:, t] + dnext
        dn_pre = d * (1 - z) * (1 - n ** 2)
        dz_pre = d * (hp - n) * z * (1 - z)
        drh = dn_pre @ params["W_hn"].T
        dr_pre = drh * hp * r * (1 - r)
        for g, dg in (("r", dr_pre), ("z", dz_pre), ("n", dn_pre)):
            grads["W_x" + g] += xt.T @ dg
            grads["b_" + g] += dg.sum(axis=0)
        grads["W_hr"] += hp.T @ dr_pre
        grads["W_hz"] += hp.T @ dz_pre
        grads["W_hn"] += (r * hp).T @ dn_pre
        dx[:, t] = dr_pre @ params["W_xr"].T + dz_pre @ params["W_xz"].T + dn_pre @ params["W_xn"].T
        dnext = d * z + drh * r + dr_pre @ params["W_hr"].T + dz_pre @ params["W_hz"].T
    return dx, dnext, grads
