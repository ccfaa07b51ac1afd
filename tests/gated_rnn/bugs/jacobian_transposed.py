"""Bug: the Jacobian built with rows = inputs, columns = outputs (denominator layout), i.e. J.T."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_state_jacobian",)
BUG_CODES = ("lstm_jacobian_transposed",)


def lstm_state_jacobian(x_t, h_prev, c_prev, params):
    H = h_prev.shape[0]
    Wh = params["W_h"]
    a = x_t @ params["W_x"] + h_prev @ Wh + params["b"]
    s = 1 / (1 + np.exp(-a))
    i, f, o, g = s[:H], s[H:2 * H], s[2 * H:3 * H], np.tanh(a[3 * H:])
    tc = np.tanh(f * c_prev + i * g)
    # J[j, k] = d s_t[k] / d s_prev[j]
    dcdh = Wh[:, :H] * (i * (1 - i) * g) + Wh[:, H:2 * H] * (f * (1 - f) * c_prev) + Wh[:, 3 * H:] * (i * (1 - g ** 2))
    dhdh = Wh[:, 2 * H:3 * H] * (o * (1 - o) * tc) + dcdh * (o * (1 - tc ** 2))
    return np.block([[dhdh, dcdh], [np.diag(o * (1 - tc ** 2) * f), np.diag(f)]])
