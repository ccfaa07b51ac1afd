"""Bug: the weight gradients are assigned at every step, so only step 1's contribution survives."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_backward",)
BUG_CODES = ("overwrites_instead_of_accumulating",)


def rnn_backward(dh, dy, x, h0, h, params):
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    N, T, _ = x.shape
    grads = {"W_hy": np.einsum("nth,nto->ho", h, dy), "b_y": dy.sum(axis=(0, 1))}
    dx = np.zeros_like(x)
    dh_next = np.zeros_like(h0)
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else h0
        dz = (dh[:, t] + dy[:, t] @ W_hy.T + dh_next) * (1 - h[:, t] ** 2)
        dx[:, t] = dz @ W_xh.T
        grads["W_xh"] = x[:, t].T @ dz
        grads["W_hh"] = h_prev.T @ dz
        grads["b_h"] = dz.sum(axis=0)
        dh_next = dz @ W_hh.T
    return dx, dh_next, grads
