"""Bug: d h_t / d h_{t-1} only through c_t; the output gate's own dependence on h_{t-1} is left out."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_state_jacobian",)
BUG_CODES = ("lstm_jacobian_missing_output_gate_path",)


def lstm_state_jacobian(x_t, h_prev, c_prev, params):
    H = h_prev.shape[0]
    a = x_t @ params["W_x"] + h_prev @ params["W_h"] + params["b"]
    i = 0.5 * (1 + np.tanh(0.5 * a[:H]))
    f = 0.5 * (1 + np.tanh(0.5 * a[H:2 * H]))
    o = 0.5 * (1 + np.tanh(0.5 * a[2 * H:3 * H]))
    g = np.tanh(a[3 * H:])
    c = f * c_prev + i * g
    J = np.zeros((2 * H, 2 * H))
    for r in range(H):
        for q in range(H):
            J[H + r, q] = (params["W_h"][q, r] * i[r] * (1 - i[r]) * g[r]
                           + params["W_h"][q, H + r] * f[r] * (1 - f[r]) * c_prev[r]
                           + params["W_h"][q, 3 * H + r] * i[r] * (1 - g[r] ** 2))
            J[r, q] = o[r] * (1 - np.tanh(c[r]) ** 2) * J[H + r, q]
        J[r, H + r] = o[r] * (1 - np.tanh(c[r]) ** 2) * f[r]
        J[H + r, H + r] = f[r]
    return J
