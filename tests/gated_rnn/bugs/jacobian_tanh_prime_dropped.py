"""Bug: the top blocks treat h_t = o_t * tanh(c_t) as if d tanh(c_t) / d c_t were 1."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_state_jacobian",)
BUG_CODES = ("lstm_jacobian_tanh_prime_dropped",)


def lstm_state_jacobian(x_t, h_prev, c_prev, params):
    H = h_prev.shape[0]
    a = x_t @ params["W_x"] + h_prev @ params["W_h"] + params["b"]
    i, f, o = (0.5 * (1 + np.tanh(0.5 * a[q * H:(q + 1) * H])) for q in range(3))
    g = np.tanh(a[3 * H:])
    c_t = f * c_prev + i * g
    W_i, W_f, W_o, W_g = (params["W_h"][:, q * H:(q + 1) * H] for q in range(4))
    dc_dh = np.diag(g * i * (1 - i)) @ W_i.T + np.diag(c_prev * f * (1 - f)) @ W_f.T + np.diag(i * (1 - g * g)) @ W_g.T
    dh_dh = np.diag(np.tanh(c_t) * o * (1 - o)) @ W_o.T + np.diag(o) @ dc_dh
    dh_dc = np.diag(o * f)
    return np.block([[dh_dh, dh_dc], [dc_dh, np.diag(f)]])
