"""Bug: CS231n's starter line prev_c = np.zeros_like(prev_h) kept, so c0 is ignored."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_forward",)
BUG_CODES = ("lstm_c0_ignored",)


def _sig(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def lstm_forward(x, h0, c0, params):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    c = np.zeros((N, T, H))
    prev_h = h0
    prev_c = np.zeros_like(prev_h)
    for t in range(T):
        a = x[:, t, :] @ params["W_x"] + prev_h @ params["W_h"] + params["b"]
        i, f, o = _sig(a[:, :H]), _sig(a[:, H:2 * H]), _sig(a[:, 2 * H:3 * H])
        g = np.tanh(a[:, 3 * H:])
        prev_c = f * prev_c + i * g
        prev_h = o * np.tanh(prev_c)
        h[:, t, :], c[:, t, :] = prev_h, prev_c
    return h, c
