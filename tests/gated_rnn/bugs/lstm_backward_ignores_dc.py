"""Bug: the dc argument is never read (the student's CS231n backward only had dh)."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_backward",)
BUG_CODES = ("lstm_ignores_dc",)


def _sg(z):
    out = np.empty_like(z)
    m = z >= 0
    out[m] = 1 / (1 + np.exp(-z[m]))
    ez = np.exp(z[~m])
    out[~m] = ez / (1 + ez)
    return out


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    T = x.shape[1]
    H = h0.shape[1]
    grads = {"W_x": np.zeros_like(params["W_x"]), "W_h": np.zeros_like(params["W_h"]), "b": np.zeros_like(params["b"])}
    dx = np.zeros_like(x)
    carry_h = np.zeros_like(h0)
    carry_c = np.zeros_like(c0)
    for t in range(T - 1, -1, -1):
        hp = h[:, t - 1] if t > 0 else h0
        cp = c[:, t - 1] if t > 0 else c0
        a = x[:, t] @ params["W_x"] + hp @ params["W_h"] + params["b"]
        i, f, o, g = _sg(a[:, :H]), _sg(a[:, H:2 * H]), _sg(a[:, 2 * H:3 * H]), np.tanh(a[:, 3 * H:])
        tanh_c = np.tanh(c[:, t])
        dnext_h = dh[:, t] + carry_h
        dnext_c = carry_c + dnext_h * o * (1 - tanh_c * tanh_c)
        da = np.concatenate((dnext_c * g * i * (1 - i), dnext_c * cp * f * (1 - f),
                             dnext_h * tanh_c * o * (1 - o), dnext_c * i * (1 - g * g)), axis=1)
        dx[:, t] = da @ params["W_x"].T
        grads["W_x"] += x[:, t].T @ da
        grads["W_h"] += hp.T @ da
        grads["b"] += np.sum(da, axis=0)
        carry_h = da @ params["W_h"].T
        carry_c = dnext_c * f
    return dx, carry_h, carry_c, grads
