"""Bug: the slide's typo copied into BPTT: (1 - h_t)**2 where 1 - h_t**2 belongs."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_backward",)
BUG_CODES = ("jacobian_slide_typo",)


def rnn_backward(dh, dy, x, h0, h, params):
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    N, T, _ = x.shape
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dx = np.zeros_like(x)
    dnext = np.zeros_like(h0)
    for t in reversed(range(T)):
        dz = (dh[:, t] + dy[:, t] @ W_hy.T + dnext) * (1 - h[:, t]) ** 2
        h_prev = h[:, t - 1] if t > 0 else h0
        dx[:, t] = dz @ W_xh.T
        grads["W_xh"] += x[:, t].T @ dz
        grads["W_hh"] += h_prev.T @ dz
        grads["b_h"] += dz.sum(axis=0)
        grads["W_hy"] += h[:, t].T @ dy[:, t]
        grads["b_y"] += dy[:, t].sum(axis=0)
        dnext = dz @ W_hh.T
    return dx, dnext, grads
