"""Bug: dc0 returned as zeros ("c0 is just an initial value"), everything else right."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_backward",)
BUG_CODES = ("lstm_c0_ignored",)


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    N, T, D = x.shape
    H = h0.shape[1]
    dx = np.zeros_like(x)
    dWx = np.zeros_like(params["W_x"])
    dWh = np.zeros_like(params["W_h"])
    db = np.zeros_like(params["b"])
    nh, nc = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        hp = h[:, t - 1] if t > 0 else h0
        cp = c[:, t - 1] if t > 0 else c0
        a = x[:, t] @ params["W_x"] + hp @ params["W_h"] + params["b"]
        sa = 0.5 * (1 + np.tanh(0.5 * a))
        i, f, o = sa[:, :H], sa[:, H:2 * H], sa[:, 2 * H:3 * H]
        g = np.tanh(a[:, 3 * H:])
        th = np.tanh(c[:, t])
        gh = dh[:, t] + nh
        gc = dc[:, t] + nc + gh * o * (1 - th * th)
        da = np.concatenate([gc * g * i * (1 - i), gc * cp * f * (1 - f), gh * th * o * (1 - o),
                             gc * i * (1 - g * g)], 1)
        dx[:, t] = da @ params["W_x"].T
        dWx += x[:, t].T @ da
        dWh += hp.T @ da
        db += da.sum(0)
        nh = da @ params["W_h"].T
        nc = gc * f
    return dx, nh, np.zeros_like(c0), {"W_x": dWx, "W_h": dWh, "b": db}
