"""Bug: the gradient carried back to h_{t-1} with W_hh instead of W_hh.T."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_backward",)
BUG_CODES = ("carry_missing_transpose",)


def rnn_backward(dh, dy, x, h0, h, params):
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    T = x.shape[1]
    grads = {name: np.zeros_like(p) for name, p in params.items()}
    dx = np.zeros_like(x)
    dh_carry = np.zeros_like(h0)
    for t in reversed(range(T)):
        dh_t = dh[:, t] + dy[:, t] @ W_hy.T + dh_carry
        da = (1 - h[:, t] * h[:, t]) * dh_t
        h_prev = h0 if t == 0 else h[:, t - 1]
        dx[:, t] = da @ W_xh.T
        grads["W_xh"] += x[:, t].T @ da
        grads["W_hh"] += h_prev.T @ da
        grads["b_h"] += da.sum(axis=0)
        grads["W_hy"] += h[:, t].T @ dy[:, t]
        grads["b_y"] += dy[:, t].sum(axis=0)
        dh_carry = da @ W_hh
    return dx, dh_carry, grads
