"""Bug (beyond the gated catalogue): the parameter gradients are divided by N (a mean over the batch)."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_backward",)
BUG_CODES = ()


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    N, T, D = x.shape
    H = h0.shape[1]
    dx = np.zeros_like(x)
    dWx, dWh, db = np.zeros_like(params["W_x"]), np.zeros_like(params["W_h"]), np.zeros_like(params["b"])
    nxt_h, nxt_c = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        hp = h[:, t - 1] if t > 0 else h0
        cp = c[:, t - 1] if t > 0 else c0
        a = x[:, t] @ params["W_x"] + hp @ params["W_h"] + params["b"]
        s = 0.5 * (1 + np.tanh(0.5 * a))
        i, f, o, g = s[:, :H], s[:, H:2 * H], s[:, 2 * H:3 * H], np.tanh(a[:, 3 * H:])
        tc = np.tanh(c[:, t])
        gh = dh[:, t] + nxt_h
        gc = dc[:, t] + nxt_c + gh * o * (1 - tc ** 2)
        da = np.hstack([gc * g * i * (1 - i), gc * cp * f * (1 - f), gh * tc * o * (1 - o), gc * i * (1 - g ** 2)])
        dx[:, t] = da @ params["W_x"].T
        dWx += x[:, t].T @ da / N
        dWh += hp.T @ da / N
        db += da.mean(axis=0)
        nxt_h, nxt_c = da @ params["W_h"].T, gc * f
    return dx, nxt_h, nxt_c, {"W_x": dWx, "W_h": dWh, "b": db}
