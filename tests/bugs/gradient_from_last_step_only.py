"""Bug: dW_hy and db_y taken from the last time step only (as in a many-to-one RNN)."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_backward",)
BUG_CODES = ("gradient_from_last_step_only",)


def rnn_backward(dh, dy, x, h0, h, params):
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    N, T, _ = x.shape
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    grads["W_hy"] = h[:, -1].T @ dy[:, -1]
    grads["b_y"] = dy[:, -1].sum(axis=0)
    dx = np.zeros_like(x)
    carry = np.zeros_like(h0)
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else h0
        dz = (dh[:, t] + dy[:, t] @ W_hy.T + carry) * (1.0 - h[:, t] ** 2)
        dx[:, t] = dz @ W_xh.T
        grads["W_xh"] += x[:, t].T @ dz
        grads["W_hh"] += h_prev.T @ dz
        grads["b_h"] += dz.sum(axis=0)
        carry = dz @ W_hh.T
    return dx, carry, grads
