"""Bug: the cell carry is f_t * (dc + carry), computed before the gradient through h_t is added."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_backward",)
BUG_CODES = ("lstm_cell_carry_misses_h_path",)


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    N, T, D = x.shape
    H = h0.shape[1]
    dx = np.zeros_like(x)
    dWx, dWh, db = np.zeros_like(params["W_x"]), np.zeros_like(params["W_h"]), np.zeros_like(params["b"])
    dhn = np.zeros((N, H))
    dcn = np.zeros((N, H))
    for t in reversed(range(T)):
        hp = h[:, t - 1] if t > 0 else h0
        cp = c[:, t - 1] if t > 0 else c0
        a = x[:, t] @ params["W_x"] + hp @ params["W_h"] + params["b"]
        i = 0.5 * (1 + np.tanh(0.5 * a[:, :H]))
        f = 0.5 * (1 + np.tanh(0.5 * a[:, H:2 * H]))
        o = 0.5 * (1 + np.tanh(0.5 * a[:, 2 * H:3 * H]))
        g = np.tanh(a[:, 3 * H:])
        tc = np.tanh(c[:, t])
        dht = dh[:, t] + dhn
        dc_in = dc[:, t] + dcn
        dcn = dc_in * f                                   # carry to c_{t-1}
        dct = dc_in + dht * o * (1 - tc ** 2)
        da = np.hstack([dct * g * i * (1 - i), dct * cp * f * (1 - f), dht * tc * o * (1 - o), dct * i * (1 - g ** 2)])
        dx[:, t] = da @ params["W_x"].T
        dWx += x[:, t].T @ da
        dWh += hp.T @ da
        db += da.sum(0)
        dhn = da @ params["W_h"].T
    return dx, dhn, dcn, {"W_x": dWx, "W_h": dWh, "b": db}
