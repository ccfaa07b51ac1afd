"""Bug: the boundary test t % k == 0 also fires at t = 0, so h0 is detached and dh0 comes back as zeros."""
import numpy as np

BUG_FILE = "truncated"
BUG_BREAKS = ("rnn_backward_truncated",)
BUG_CODES = ("truncation_detaches_h0",)


def rnn_backward_truncated(dh, dy, x, h0, h, params, k):
    N, T, D = x.shape
    grads = {n: np.zeros_like(p) for n, p in params.items()}
    dx = np.zeros_like(x)
    d_carry = np.zeros_like(h0)
    for step in range(T, 0, -1):                          # 1-based step; h_step is h[:, step-1]
        prev = h[:, step - 2] if step > 1 else h0
        dz = (dh[:, step - 1] + dy[:, step - 1] @ params["W_hy"].T + d_carry) * (1 - h[:, step - 1] ** 2)
        dx[:, step - 1] = dz @ params["W_xh"].T
        grads["W_xh"] += x[:, step - 1].T @ dz
        grads["W_hh"] += prev.T @ dz
        grads["b_h"] += dz.sum(axis=0)
        grads["W_hy"] += h[:, step - 1].T @ dy[:, step - 1]
        grads["b_y"] += dy[:, step - 1].sum(axis=0)
        d_carry = dz @ params["W_hh"].T
        if (step - 1) % k == 0:
            d_carry = np.zeros_like(h0)
    return dx, d_carry, grads
