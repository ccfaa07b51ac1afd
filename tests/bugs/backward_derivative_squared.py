"""Bug: BPTT multiplies by the tanh derivative squared, (1 - h_t**2)**2, via a helper."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_backward",)
BUG_CODES = ("derivative_squared",)


def _dtanh(h_t):
    d = 1 - h_t ** 2
    return d * d


def rnn_backward(dh, dy, x, h0, h, params):
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    T = x.shape[1]
    dzs = np.zeros_like(h)
    carry = np.zeros_like(h0)
    for t in reversed(range(T)):
        dzs[:, t] = (dh[:, t] + dy[:, t] @ W_hy.T + carry) * _dtanh(h[:, t])
        carry = dzs[:, t] @ W_hh.T
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
    grads = {
        "W_xh": np.einsum("ntd,nth->dh", x, dzs),
        "W_hh": np.einsum("ntk,nth->kh", h_prev, dzs),
        "b_h": dzs.sum(axis=(0, 1)),
        "W_hy": np.einsum("nth,nto->ho", h, dy),
        "b_y": dy.sum(axis=(0, 1)),
    }
    return dzs @ W_xh.T, carry, grads
