"""Correct variant (plain loops): the slowest honest form the handout allows. Loops over samples
and time, one example's vectors per step, and every outer product written by hand, one row at a
time (the realistic-size case's time budget is calibrated on this file: README, security)."""
import numpy as np


def add_outer(M, a, b):
    """M += outer(a, b), one row at a time."""
    for i in range(len(a)):
        M[i] += a[i] * b


def rnn_backward_truncated(dh, dy, x, h0, h, params, k):
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    N, T, _ = x.shape
    grads = {name: np.zeros(v.shape) for name, v in params.items()}
    dx, dh0 = np.zeros(x.shape), np.zeros(h0.shape)
    for n in range(N):
        carry = np.zeros(h0.shape[1])
        for t in range(T, 0, -1):                      # step t (1-based): h_t is h[n, t - 1]
            h_prev = h[n, t - 2] if t > 1 else h0[n]
            add_outer(grads["W_hy"], h[n, t - 1], dy[n, t - 1])
            grads["b_y"] += dy[n, t - 1]
            dz = (dh[n, t - 1] + W_hy @ dy[n, t - 1] + carry) * (1.0 - h[n, t - 1] ** 2)
            dx[n, t - 1] = W_xh @ dz
            add_outer(grads["W_xh"], x[n, t - 1], dz)
            add_outer(grads["W_hh"], h_prev, dz)
            grads["b_h"] += dz
            carry = np.zeros(h0.shape[1]) if (t - 1) > 0 and (t - 1) % k == 0 else W_hh @ dz
        dh0[n] = carry
    return dx, dh0, grads
