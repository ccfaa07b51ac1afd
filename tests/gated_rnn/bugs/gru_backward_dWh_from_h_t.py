"""Bug: the recurrent weight gradients dW_hr, dW_hz, dW_hn built from h_t instead of h_{t-1}."""
import numpy as np

BUG_FILE = "gru"
BUG_BREAKS = ("gru_backward",)
BUG_CODES = ("gru_recurrent_grad_uses_current_state",)


def gru_backward(dh, x, h0, h, params):
    N, T, D = x.shape
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dx = np.zeros_like(x)
    dnext = np.zeros_like(h0)
    for t in reversed(range(T)):
        xt, hp, ht = x[:, t], (h[:, t - 1] if t > 0 else h0), h[:, t]
        r = 0.5 * (1 + np.tanh(0.5 * (xt @ params["W_xr"] + hp @ params["W_hr"] + params["b_r"])))
        z = 0.5 * (1 + np.tanh(0.5 * (xt @ params["W_xz"] + hp @ params["W_hz"] + params["b_z"])))
        n = np.tanh(xt @ params["W_xn"] + (r * hp) @ params["W_hn"] + params["b_n"])
        g = dh[:, t] + dnext
        an = g * z * (1 - n ** 2)
        az = g * (n - hp) * z * (1 - z)
        rh = an @ params["W_hn"].T
        ar = rh * hp * r * (1 - r)
        grads["W_hr"] += ht.T @ ar
        grads["W_hz"] += ht.T @ az
        grads["W_hn"] += (r * ht).T @ an
        for q, aq in (("r", ar), ("z", az), ("n", an)):
            grads["W_x" + q] += xt.T @ aq
            grads["b_" + q] += aq.sum(0)
        dx[:, t] = ar @ params["W_xr"].T + az @ params["W_xz"].T + an @ params["W_xn"].T
        dnext = g * (1 - z) + rh * r + ar @ params["W_hr"].T + az @ params["W_hz"].T
    return dx, dnext, grads
