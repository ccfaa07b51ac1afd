"""Correct variant (loops): explicit loops over time and over the batch, one example's vectors per
step, and every outer product written by hand, one row at a time: the slowest honest form the
handout allows (the realistic-size case's time budget is calibrated on it: README, security)."""
import numpy as np


def add_outer(M, a, b):
    """M += outer(a, b), one row at a time."""
    for i in range(len(a)):
        M[i] += a[i] * b


def rnn_forward(x, h0, params):
    N, T, D = x.shape
    H = params["W_hh"].shape[0]
    O = params["W_hy"].shape[1]
    h = np.zeros((N, T, H))
    y = np.zeros((N, T, O))
    for n in range(N):
        prev = h0[n]
        for t in range(T):
            cur = np.tanh(x[n, t] @ params["W_xh"] + prev @ params["W_hh"] + params["b_h"])
            h[n, t] = cur
            y[n, t] = cur @ params["W_hy"] + params["b_y"]
            prev = cur
    return h, y


def rnn_backward(dh, dy, x, h0, h, params):
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    N, T, D = x.shape
    dW_xh = np.zeros(W_xh.shape)
    dW_hh = np.zeros(W_hh.shape)
    db_h = np.zeros(params["b_h"].shape)
    dW_hy = np.zeros(W_hy.shape)
    db_y = np.zeros(params["b_y"].shape)
    dx = np.zeros(x.shape)
    dh0 = np.zeros(h0.shape)
    for n in range(N):
        from_next = np.zeros(h0.shape[1])
        for t in range(T - 1, -1, -1):
            prev = h[n, t - 1] if t > 0 else h0[n]
            add_outer(dW_hy, h[n, t], dy[n, t])
            db_y += dy[n, t]
            total = dh[n, t] + W_hy @ dy[n, t] + from_next
            dz = total * (1.0 - h[n, t] ** 2)
            add_outer(dW_xh, x[n, t], dz)
            add_outer(dW_hh, prev, dz)
            db_h += dz
            dx[n, t] = W_xh @ dz
            from_next = W_hh @ dz
        dh0[n] = from_next
    grads = {"W_xh": dW_xh, "W_hh": dW_hh, "b_h": db_h, "W_hy": dW_hy, "b_y": db_y}
    return dx, dh0, grads
