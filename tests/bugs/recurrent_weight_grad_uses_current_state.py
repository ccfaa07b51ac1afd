"""Bug: dW_hh accumulated from h_t instead of h_{t-1}."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_backward",)
BUG_CODES = ("recurrent_weight_grad_uses_current_state",)


def rnn_backward(dh, dy, x, h0, h, params):
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    T = x.shape[1]
    grads = {k: np.zeros(v.shape) for k, v in params.items()}
    grads["W_hy"] = np.einsum("nth,nto->ho", h, dy)
    grads["b_y"] = np.sum(dy, axis=(0, 1))
    dx = np.zeros(x.shape)
    carry = np.zeros(h0.shape)
    for t in reversed(range(T)):
        dz = (dh[:, t] + dy[:, t] @ W_hy.T + carry) * (1 - h[:, t] ** 2)
        dx[:, t] = dz @ W_xh.T
        grads["W_xh"] += x[:, t].T @ dz
        grads["W_hh"] += h[:, t].T @ dz
        grads["b_h"] += dz.sum(axis=0)
        carry = dz @ W_hh.T
    return dx, carry, grads
