import numpy as np


def rnn_forward(x, h0, params):
    N, T, D = x.shape
    H = h0.shape[1]
    O = params["W_hy"].shape[1]
    h = np.zeros((N, T, H))
    y = np.zeros((N, T, O))
    for n in range(N):
        prev = h0[n].copy()
        for t in range(T):
            z = x[n, t] @ params["W_xh"] + prev @ params["W_hh"] + params["b_h"]
            prev = np.tanh(z)
            h[n, t] = prev
            y[n, t] = prev @ params["W_hy"] + params["b_y"]
    return h, y


def rnn_backward(dh, dy, x, h0, h, params):
    N, T, D = x.shape
    grads = {k: np.zeros(v.shape) for k, v in params.items()}
    dx = np.zeros(x.shape)
    dh0 = np.zeros(h0.shape)
    for n in range(N):
        carry = np.zeros(h0.shape[1])
        for t in reversed(range(T)):
            prev = h[n, t - 1] if t > 0 else h0[n]
            grads["W_hy"] += np.outer(h[n, t], dy[n, t])
            grads["b_y"] += dy[n, t]
            total = dh[n, t] + params["W_hy"] @ dy[n, t] + carry
            dz = total * (1.0 - h[n, t] ** 2)
            dx[n, t] = params["W_xh"] @ dz
            grads["W_xh"] += np.outer(x[n, t], dz)
            grads["W_hh"] += np.outer(prev, dz)
            grads["b_h"] += dz
            carry = params["W_hh"] @ dz
        dh0[n] = carry
    return dx, dh0, grads
