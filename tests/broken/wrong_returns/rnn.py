"""rnn.py: rnn_forward stacks the states time-major, (T, N, H) and (T, N, O); rnn_backward returns
(dx, grads), a tuple of 2 items, forgetting dh0."""
import numpy as np


def rnn_forward(x, h0, params):
    hs, ys = [], []
    h_t = h0
    for t in range(x.shape[1]):
        h_t = np.tanh(x[:, t] @ params["W_xh"] + h_t @ params["W_hh"] + params["b_h"])
        hs.append(h_t)
        ys.append(h_t @ params["W_hy"] + params["b_y"])
    return np.array(hs), np.array(ys)


def rnn_backward(dh, dy, x, h0, h, params):
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    grads["W_hy"] = np.einsum("nth,nto->ho", h, dy)
    grads["b_y"] = dy.sum(axis=(0, 1))
    dx = np.zeros_like(x)
    carry = np.zeros_like(h0)
    for t in reversed(range(x.shape[1])):
        h_prev = h[:, t - 1] if t > 0 else h0
        dz = (dh[:, t] + dy[:, t] @ W_hy.T + carry) * (1.0 - h[:, t] ** 2)
        dx[:, t] = dz @ W_xh.T
        grads["W_xh"] += x[:, t].T @ dz
        grads["W_hh"] += h_prev.T @ dz
        grads["b_h"] += dz.sum(axis=0)
        carry = dz @ W_hh.T
    return dx, grads
