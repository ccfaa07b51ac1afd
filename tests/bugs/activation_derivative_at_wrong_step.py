"""Bug: tanh' evaluated at the previous state, 1 - h_{t-1}**2, instead of 1 - h_t**2."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_backward",)
BUG_CODES = ("activation_derivative_at_wrong_step",)


def rnn_backward(dh, dy, x, h0, h, params):
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    T = x.shape[1]
    hs = np.concatenate([h0[:, None, :], h], axis=1)   # hs[:, t] = h_t, hs[:, 0] = h0
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    grads["W_hy"] = np.einsum("nth,nto->ho", h, dy)
    grads["b_y"] = dy.sum(axis=(0, 1))
    dx = np.zeros_like(x)
    carry = np.zeros_like(h0)
    for t in range(T, 0, -1):
        dh_t = dh[:, t - 1] + dy[:, t - 1] @ W_hy.T + carry
        dz = dh_t * (1 - hs[:, t - 1] ** 2)
        dx[:, t - 1] = dz @ W_xh.T
        grads["W_xh"] += x[:, t - 1].T @ dz
        grads["W_hh"] += hs[:, t - 1].T @ dz
        grads["b_h"] += dz.sum(0)
        carry = dz @ W_hh.T
    return dx, carry, grads
