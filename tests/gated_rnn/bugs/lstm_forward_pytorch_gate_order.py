"""Bug: the forward slices a_t in PyTorch's order i, f, g, o (ported from an nn.LSTM notebook)."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_forward",)
BUG_CODES = ("lstm_gate_order",)


def lstm_forward(x, h0, c0, params):
    N, T, D = x.shape
    hs, cs = [], []
    h_t, c_t = h0, c0
    for t in range(T):
        gates = x[:, t] @ params["W_x"] + h_t @ params["W_h"] + params["b"]
        i_g, f_g, g_g, o_g = np.split(gates, 4, axis=1)
        i_g, f_g, o_g = (0.5 * (1 + np.tanh(0.5 * v)) for v in (i_g, f_g, o_g))
        c_t = f_g * c_t + i_g * np.tanh(g_g)
        h_t = o_g * np.tanh(c_t)
        hs.append(h_t)
        cs.append(c_t)
    return np.stack(hs, 1), np.stack(cs, 1)
