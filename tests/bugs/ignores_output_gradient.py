"""Bug: dy is used for dW_hy and db_y but never sent down into the hidden states."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_backward",)
BUG_CODES = ("ignores_output_gradient",)


def rnn_backward(dh, dy, x, h0, h, params):
    W_xh, W_hh = params["W_xh"], params["W_hh"]
    N, T, D = x.shape
    dW_hy = np.zeros_like(params["W_hy"])
    db_y = np.zeros_like(params["b_y"])
    for t in range(T):
        dW_hy += h[:, t].T @ dy[:, t]
        db_y += dy[:, t].sum(axis=0)
    dW_xh, dW_hh, db_h = np.zeros_like(W_xh), np.zeros_like(W_hh), np.zeros_like(params["b_h"])
    dx = np.zeros_like(x)
    dnext = np.zeros_like(h0)
    for t in reversed(range(T)):
        dz = (dh[:, t] + dnext) * (1 - h[:, t] ** 2)
        prev = h[:, t - 1] if t else h0
        dx[:, t] = dz @ W_xh.T
        dW_xh += x[:, t].T @ dz
        dW_hh += prev.T @ dz
        db_h += dz.sum(axis=0)
        dnext = dz @ W_hh.T
    grads = {"W_xh": dW_xh, "W_hh": dW_hh, "b_h": db_h, "W_hy": dW_hy, "b_y": db_y}
    return dx, dnext, grads
