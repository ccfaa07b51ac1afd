"""Bug: the weight gradients divided by the batch size N (a mean loss), though the contract asks for sums."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_backward",)
BUG_CODES = ("averages_over_batch",)


def rnn_backward(dh, dy, x, h0, h, params):
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    N, T, _ = x.shape
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dx = np.zeros_like(x)
    carry = np.zeros_like(h0)
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else h0
        dz = (dh[:, t] + dy[:, t] @ W_hy.T + carry) * (1.0 - h[:, t] ** 2)
        dx[:, t] = dz @ W_xh.T
        grads["W_xh"] += x[:, t].T @ dz
        grads["W_hh"] += h_prev.T @ dz
        grads["b_h"] += dz.sum(axis=0)
        grads["W_hy"] += h[:, t].T @ dy[:, t]
        grads["b_y"] += dy[:, t].sum(axis=0)
        carry = dz @ W_hh.T
    for k in grads:
        grads[k] /= N   # average over the batch
    return dx, carry, grads
