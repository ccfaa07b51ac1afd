"""Bug: k is accepted but never used: this is part 1's full BPTT."""
import numpy as np

BUG_FILE = "truncated"
BUG_BREAKS = ("rnn_backward_truncated",)
BUG_CODES = ("truncation_never_detaches",)


def rnn_backward_truncated(dh, dy, x, h0, h, params, k):
    N, T, D = x.shape
    grads = {name: np.zeros_like(p) for name, p in params.items()}
    dx = np.zeros_like(x)
    dh_next = np.zeros_like(h0)
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else h0
        dz = (dh[:, t] + dy[:, t] @ params["W_hy"].T + dh_next) * (1 - h[:, t] ** 2)
        dx[:, t] = dz @ params["W_xh"].T
        grads["W_xh"] += x[:, t].T @ dz
        grads["W_hh"] += h_prev.T @ dz
        grads["b_h"] += dz.sum(0)
        grads["W_hy"] += h[:, t].T @ dy[:, t]
        grads["b_y"] += dy[:, t].sum(0)
        dh_next = dz @ params["W_hh"].T
    return dx, dh_next, grads
