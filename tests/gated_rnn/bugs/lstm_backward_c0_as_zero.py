"""Bug: the backward takes c_0 = 0 (as CS231n's forward did): df_1 uses zeros, dc0 is zeros."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_backward",)
BUG_CODES = ("lstm_c0_ignored",)


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    N, T, D = x.shape
    H = h0.shape[1]
    c_full = np.concatenate([np.zeros((N, 1, H)), c], axis=1)      # c_0 = 0 like in the CS231n starter
    h_full = np.concatenate([h0[:, None, :], h], axis=1)
    dx = np.zeros_like(x)
    grads = {"W_x": np.zeros_like(params["W_x"]), "W_h": np.zeros_like(params["W_h"]), "b": np.zeros_like(params["b"])}
    dh_carry = np.zeros((N, H))
    dc_carry = np.zeros((N, H))
    for t in range(T, 0, -1):
        a = x[:, t - 1] @ params["W_x"] + h_full[:, t - 1] @ params["W_h"] + params["b"]
        sig = 0.5 * (1 + np.tanh(0.5 * a))
        i, f, o, g = sig[:, :H], sig[:, H:2 * H], sig[:, 2 * H:3 * H], np.tanh(a[:, 3 * H:])
        tc = np.tanh(c_full[:, t])
        dht = dh[:, t - 1] + dh_carry
        dct = dc[:, t - 1] + dc_carry + dht * o * (1 - tc ** 2)
        da = np.concatenate([dct * g * i * (1 - i), dct * c_full[:, t - 1] * f * (1 - f),
                             dht * tc * o * (1 - o), dct * i * (1 - g ** 2)], axis=1)
        dx[:, t - 1] = da @ params["W_x"].T
        grads["W_x"] += x[:, t - 1].T @ da
        grads["W_h"] += h_full[:, t - 1].T @ da
        grads["b"] += da.sum(axis=0)
        dh_carry = da @ params["W_h"].T
        dc_carry = dct * f
    return dx, dh_carry, np.zeros((N, H)), grads
