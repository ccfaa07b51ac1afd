"""Bug: the carry into h[:, t-1] is cut when (t + 1) % k == 0 (0-based t), i.e. into h_{k-1}, h_{2k-1}, ..."""
import numpy as np

BUG_FILE = "truncated"
BUG_BREAKS = ("rnn_backward_truncated",)
BUG_CODES = ("truncation_off_by_one",)


def rnn_backward_truncated(dh, dy, x, h0, h, params, k):
    T = x.shape[1]
    grads = {n: np.zeros(p.shape) for n, p in params.items()}
    grads["W_hy"] = np.einsum("nti,ntj->ij", h, dy)
    grads["b_y"] = dy.sum(axis=(0, 1))
    dx = np.zeros(x.shape)
    carry = np.zeros(h0.shape)
    for t in reversed(range(T)):
        prev = h[:, t - 1] if t > 0 else h0
        dz = (dh[:, t] + dy[:, t] @ params["W_hy"].T + carry) * (1 - h[:, t] ** 2)
        dx[:, t] = dz @ params["W_xh"].T
        grads["W_xh"] += x[:, t].T @ dz
        grads["W_hh"] += prev.T @ dz
        grads["b_h"] += dz.sum(axis=0)
        carry = dz @ params["W_hh"].T
        if (t + 1) % k == 0:
            carry = np.zeros(h0.shape)
    return dx, carry, grads
