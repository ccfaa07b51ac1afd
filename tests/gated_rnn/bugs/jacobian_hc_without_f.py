"""Bug: d h_t / d c_{t-1} written as diag(o_t (1 - tanh(c_t)^2)), the factor f_t forgotten."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_state_jacobian",)
BUG_CODES = ("lstm_jacobian_missing_forget_factor",)


def lstm_state_jacobian(x_t, h_prev, c_prev, params):
    H = len(h_prev)
    W = params["W_h"]
    pre = x_t @ params["W_x"] + h_prev @ W + params["b"]
    gi, gf, go = (0.5 + 0.5 * np.tanh(0.5 * pre[j * H:(j + 1) * H]) for j in range(3))
    gg = np.tanh(pre[3 * H:])
    c_new = gf * c_prev + gi * gg
    d_tanh = 1 - np.tanh(c_new) ** 2
    dc_dh = np.diag(gi * (1 - gi) * gg) @ W[:, :H].T + np.diag(gf * (1 - gf) * c_prev) @ W[:, H:2 * H].T \
        + np.diag(gi * (1 - gg ** 2)) @ W[:, 3 * H:].T
    dh_dh = np.diag(go * (1 - go) * np.tanh(c_new)) @ W[:, 2 * H:3 * H].T + np.diag(go * d_tanh) @ dc_dh
    dh_dc = np.diag(go * d_tanh)
    return np.vstack([np.hstack([dh_dh, dh_dc]), np.hstack([dc_dh, np.diag(gf)])])
