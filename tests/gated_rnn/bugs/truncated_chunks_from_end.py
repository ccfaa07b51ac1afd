"""Bug: chunks counted backwards from the last step (a cut every k steps of the backward loop), so the
detached states are h_{T-k}, h_{T-2k}, ... and the short chunk is the first one."""
import numpy as np

BUG_FILE = "truncated"
BUG_BREAKS = ("rnn_backward_truncated",)
BUG_CODES = ("truncation_chunks_from_end",)


def rnn_backward_truncated(dh, dy, x, h0, h, params, k):
    N, T, D = x.shape
    grads = {n: np.zeros_like(p) for n, p in params.items()}
    dx = np.zeros_like(x)
    carry = np.zeros_like(h0)
    steps_done = 0
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else h0
        dz = (dh[:, t] + dy[:, t] @ params["W_hy"].T + carry) * (1 - h[:, t] ** 2)
        dx[:, t] = dz @ params["W_xh"].T
        grads["W_xh"] += x[:, t].T @ dz
        grads["W_hh"] += h_prev.T @ dz
        grads["b_h"] += dz.sum(0)
        grads["W_hy"] += h[:, t].T @ dy[:, t]
        grads["b_y"] += dy[:, t].sum(0)
        steps_done += 1
        carry = dz @ params["W_hh"].T
        if steps_done % k == 0 and t > 0:
            carry = np.zeros_like(h0)
    return dx, carry, grads
