"""Bug: the gradient reaching h_{t-1} through h_t is computed but never added: no flow through time."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_backward",)
BUG_CODES = ("no_gradient_through_time",)


def rnn_backward(dh, dy, x, h0, h, params):
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    N, T, _ = x.shape
    dW_xh = np.zeros_like(W_xh)
    dW_hh = np.zeros_like(W_hh)
    db_h = np.zeros_like(params["b_h"])
    dx = np.zeros_like(x)
    dh_prev = np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        dh_total = dh[:, t] + dy[:, t] @ W_hy.T
        dz = dh_total * (1 - h[:, t] ** 2)
        h_prev = h[:, t - 1] if t > 0 else h0
        dW_xh += x[:, t].T @ dz
        dW_hh += h_prev.T @ dz
        db_h += dz.sum(axis=0)
        dx[:, t] = dz @ W_xh.T
        dh_prev = dz @ W_hh.T
    grads = {"W_xh": dW_xh, "W_hh": dW_hh, "b_h": db_h,
             "W_hy": np.einsum("nth,nto->ho", h, dy), "b_y": dy.sum(axis=(0, 1))}
    return dx, dh_prev, grads
