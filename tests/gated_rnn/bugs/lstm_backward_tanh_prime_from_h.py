"""Bug: part 1's habit 1 - h_t^2 used as the tanh derivative on the cell path (should be 1 - tanh(c_t)^2)."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_backward",)
BUG_CODES = ("lstm_tanh_prime_from_h",)


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    N, T, D = x.shape
    H = h0.shape[1]
    dx = np.zeros_like(x)
    g_Wx = np.zeros_like(params["W_x"])
    g_Wh = np.zeros_like(params["W_h"])
    g_b = np.zeros_like(params["b"])
    back_h = np.zeros((N, H))
    back_c = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        hprev = h0 if t == 0 else h[:, t - 1]
        cprev = c0 if t == 0 else c[:, t - 1]
        z = x[:, t] @ params["W_x"] + hprev @ params["W_h"] + params["b"]
        i = 0.5 * (1 + np.tanh(z[:, :H] / 2))
        f = 0.5 * (1 + np.tanh(z[:, H:2 * H] / 2))
        o = 0.5 * (1 + np.tanh(z[:, 2 * H:3 * H] / 2))
        g = np.tanh(z[:, 3 * H:])
        total_h = dh[:, t] + back_h
        total_c = dc[:, t] + back_c + total_h * o * (1 - h[:, t] ** 2)
        dz = np.concatenate([total_c * g * i * (1 - i), total_c * cprev * f * (1 - f),
                             total_h * np.tanh(c[:, t]) * o * (1 - o), total_c * i * (1 - g ** 2)], axis=1)
        dx[:, t] = dz @ params["W_x"].T
        g_Wx += x[:, t].T @ dz
        g_Wh += hprev.T @ dz
        g_b += dz.sum(axis=0)
        back_h = dz @ params["W_h"].T
        back_c = total_c * f
    return dx, back_h, back_c, {"W_x": g_Wx, "W_h": g_Wh, "b": g_b}
