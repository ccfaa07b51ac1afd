"""Bug: "detaching" implemented as restarting each chunk from a zero state in the backward pass, so
step mk+1's term h_mk^T dz to dW_hh is lost (the carry is cut at the right places)."""
import numpy as np

BUG_FILE = "truncated"
BUG_BREAKS = ("rnn_backward_truncated",)
BUG_CODES = ("truncation_drops_boundary_weight_term",)


def rnn_backward_truncated(dh, dy, x, h0, h, params, k):
    N, T, D = x.shape
    grads = {n: np.zeros_like(p) for n, p in params.items()}
    dx = np.zeros_like(x)
    carry = np.zeros_like(h0)
    for t in reversed(range(T)):
        boundary = t > 0 and t % k == 0                  # step t+1 starts a chunk
        h_prev = np.zeros_like(h0) if boundary else (h[:, t - 1] if t > 0 else h0)
        dz = (dh[:, t] + dy[:, t] @ params["W_hy"].T + carry) * (1 - h[:, t] ** 2)
        dx[:, t] = dz @ params["W_xh"].T
        grads["W_xh"] += x[:, t].T @ dz
        grads["W_hh"] += h_prev.T @ dz
        grads["b_h"] += dz.sum(0)
        grads["W_hy"] += h[:, t].T @ dy[:, t]
        grads["b_y"] += dy[:, t].sum(0)
        carry = np.zeros_like(h0) if boundary else dz @ params["W_hh"].T
    return dx, carry, grads
