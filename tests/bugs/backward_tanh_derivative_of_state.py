"""Bug (beyond the catalogue): the student's tanh_derivative (a function of the PRE-activation) called
on the state h_t, giving 1 - tanh(h_t)**2 where 1 - h_t**2 belongs."""
import numpy as np
from activations import tanh_derivative

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_backward",)
BUG_CODES = ()


def rnn_backward(dh, dy, x, h0, h, params):
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    N, T, _ = x.shape
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    grads["W_hy"] = np.einsum("nth,nto->ho", h, dy)
    grads["b_y"] = dy.sum(axis=(0, 1))
    dx = np.zeros_like(x)
    carry = np.zeros_like(h0)
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else h0
        dz = (dh[:, t] + dy[:, t] @ W_hy.T + carry) * tanh_derivative(h[:, t])
        dx[:, t] = dz @ W_xh.T
        grads["W_xh"] += x[:, t].T @ dz
        grads["W_hh"] += h_prev.T @ dz
        grads["b_h"] += dz.sum(axis=0)
        carry = dz @ W_hh.T
    return dx, carry, grads
