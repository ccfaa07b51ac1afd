"""Bug: dW_h accumulated from h_t instead of h_{t-1}."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_backward",)
BUG_CODES = ("lstm_recurrent_grad_uses_current_state",)


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    N, T, D = x.shape
    H = h0.shape[1]
    dx = np.zeros_like(x)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dnh, dnc = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        hp = h[:, t - 1] if t else h0
        cp = c[:, t - 1] if t else c0
        a = x[:, t] @ params["W_x"] + hp @ params["W_h"] + params["b"]
        s = 0.5 * (1 + np.tanh(0.5 * a))
        i, f, o, g = s[:, :H], s[:, H:2 * H], s[:, 2 * H:3 * H], np.tanh(a[:, 3 * H:])
        tc = np.tanh(c[:, t])
        dht = dh[:, t] + dnh
        dct = dc[:, t] + dnc + dht * o * (1 - tc ** 2)
        da = np.concatenate([dct * g * i * (1 - i), dct * cp * f * (1 - f), dht * tc * o * (1 - o),
                             dct * i * (1 - g ** 2)], axis=1)
        dx[:, t] = da @ params["W_x"].T
        grads["W_x"] += x[:, t].T @ da
        grads["W_h"] += h[:, t].T @ da
        grads["b"] += da.sum(axis=0)
        dnh = da @ params["W_h"].T
        dnc = dct * f
    return dx, dnh, dnc, grads
