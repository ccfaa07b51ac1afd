"""Bug: the gates i, f, o are treated as constants in the left blocks; only g_t is differentiated."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_state_jacobian",)
BUG_CODES = ("lstm_jacobian_gates_constant",)


def lstm_state_jacobian(x_t, h_prev, c_prev, params):
    H = h_prev.size
    a = x_t @ params["W_x"] + h_prev @ params["W_h"] + params["b"]
    sg = 0.5 * (1 + np.tanh(0.5 * a[:3 * H]))
    i, f, o = sg[:H], sg[H:2 * H], sg[2 * H:]
    g = np.tanh(a[3 * H:])
    c_t = f * c_prev + i * g
    dtanh = 1 - np.tanh(c_t) ** 2
    dc_dh = np.diag(i * (1 - g ** 2)) @ params["W_h"][:, 3 * H:].T      # c_t = f c + i g, only g depends on h
    dh_dh = np.diag(o * dtanh) @ dc_dh
    top = np.concatenate([dh_dh, np.diag(o * dtanh * f)], axis=1)
    bot = np.concatenate([dc_dh, np.diag(f)], axis=1)
    return np.concatenate([top, bot], axis=0)
