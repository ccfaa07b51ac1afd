"""Bug: every step's loss is back-propagated exactly k steps (a sliding window), not to its chunk's start."""
import numpy as np

BUG_FILE = "truncated"
BUG_BREAKS = ("rnn_backward_truncated",)
BUG_CODES = ("truncation_sliding_window",)


def rnn_backward_truncated(dh, dy, x, h0, h, params, k):
    N, T, D = x.shape
    hs = np.concatenate([h0[:, None, :], h], axis=1)       # hs[:, s] = h_s
    grads = {n: np.zeros_like(p) for n, p in params.items()}
    dx = np.zeros_like(x)
    dh0 = np.zeros_like(h0)
    for s in range(1, T + 1):
        grads["W_hy"] += hs[:, s].T @ dy[:, s - 1]
        grads["b_y"] += dy[:, s - 1].sum(axis=0)
        g = dh[:, s - 1] + dy[:, s - 1] @ params["W_hy"].T
        for j in range(s, max(s - k, 0), -1):             # at most k steps back from s
            dz = g * (1 - hs[:, j] ** 2)
            dx[:, j - 1] += dz @ params["W_xh"].T
            grads["W_xh"] += x[:, j - 1].T @ dz
            grads["W_hh"] += hs[:, j - 1].T @ dz
            grads["b_h"] += dz.sum(axis=0)
            g = dz @ params["W_hh"].T
            if j == 1:
                dh0 += g
    return dx, dh0, grads
