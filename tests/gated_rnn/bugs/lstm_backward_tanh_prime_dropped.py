"""Bug: the gradient reaching c_t through h_t is dh_t * o_t, without 1 - tanh(c_t)^2."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_backward",)
BUG_CODES = ("lstm_tanh_prime_dropped",)


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    N, T, D = x.shape
    H = h0.shape[1]
    W_x, W_h, b = params["W_x"], params["W_h"], params["b"]
    dx = np.zeros(x.shape)
    dW_x, dW_h, db = np.zeros(W_x.shape), np.zeros(W_h.shape), np.zeros(b.shape)
    dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t >= 1 else h0
        c_prev = c[:, t - 1] if t >= 1 else c0
        a = x[:, t] @ W_x + h_prev @ W_h + b
        sg = 0.5 + 0.5 * np.tanh(0.5 * a)
        i, f, o, g = sg[:, :H], sg[:, H:2 * H], sg[:, 2 * H:3 * H], np.tanh(a[:, 3 * H:])
        dht = dh[:, t] + dh_next
        dct = dc[:, t] + dc_next + dht * o
        do = dht * np.tanh(c[:, t])
        da = np.concatenate([dct * g * i * (1 - i), dct * c_prev * f * (1 - f), do * o * (1 - o),
                             dct * i * (1 - g ** 2)], axis=1)
        dx[:, t] = da @ W_x.T
        dW_x += x[:, t].T @ da
        dW_h += h_prev.T @ da
        db += da.sum(0)
        dh_next = da @ W_h.T
        dc_next = dct * f
    return dx, dh_next, dc_next, {"W_x": dW_x, "W_h": dW_h, "b": db}
