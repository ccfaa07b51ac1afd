"""Bug: d c_t / d c_{t-1} taken as the identity ("the cell state is updated by an addition")."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_state_jacobian",)
BUG_CODES = ("lstm_cell_jacobian_identity",)


def lstm_state_jacobian(x_t, h_prev, c_prev, params):
    H = h_prev.shape[0]
    a = x_t @ params["W_x"] + h_prev @ params["W_h"] + params["b"]
    i, f, o = (0.5 * (1 + np.tanh(0.5 * a[q * H:(q + 1) * H])) for q in range(3))
    g = np.tanh(a[3 * H:])
    ct = f * c_prev + i * g
    k = o * (1 - np.tanh(ct) ** 2)
    Wi, Wf, Wo, Wg = np.hsplit(params["W_h"], 4)
    dc_dh = ((i * (1 - i) * g)[:, None] * Wi.T + (f * (1 - f) * c_prev)[:, None] * Wf.T
             + (i * (1 - g ** 2))[:, None] * Wg.T)
    dh_dh = (o * (1 - o) * np.tanh(ct))[:, None] * Wo.T + k[:, None] * dc_dh
    J = np.zeros((2 * H, 2 * H))
    J[:H, :H] = dh_dh
    J[:H, H:] = np.diag(k * f)
    J[H:, :H] = dc_dh
    J[H:, H:] = np.eye(H)
    return J
