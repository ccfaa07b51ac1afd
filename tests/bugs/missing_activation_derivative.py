"""Bug: BPTT passes dL/dh_t straight through as dL/dz_t, forgetting the tanh derivative."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_backward",)
BUG_CODES = ("missing_activation_derivative",)


def rnn_backward(dh, dy, x, h0, h, params):
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    N, T, _ = x.shape
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dx = np.zeros_like(x)
    dh_next = np.zeros_like(h0)
    for t in reversed(range(T)):
        h_prev = h0 if t == 0 else h[:, t - 1]
        grads["W_hy"] += h[:, t].T @ dy[:, t]
        grads["b_y"] += dy[:, t].sum(axis=0)
        dz = dh[:, t] + dy[:, t] @ W_hy.T + dh_next
        dx[:, t] = dz @ W_xh.T
        grads["W_xh"] += x[:, t].T @ dz
        grads["W_hh"] += h_prev.T @ dz
        grads["b_h"] += dz.sum(axis=0)
        dh_next = dz @ W_hh.T
    return dx, dh_next, grads
