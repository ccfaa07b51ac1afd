"""Bug: the cell gradient is not carried back (dc_{t-1} += f_t * dc_t missing): dnext_c stays zero."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_backward",)
BUG_CODES = ("lstm_no_cell_carry",)


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    N, T, D = x.shape
    H = h0.shape[1]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, 4 * H)), np.zeros((H, 4 * H)), np.zeros(4 * H)
    dnext_h = np.zeros((N, H))
    dnext_c = np.zeros((N, H))
    for t in reversed(range(T)):
        prev_h = h0 if t == 0 else h[:, t - 1]
        prev_c = c0 if t == 0 else c[:, t - 1]
        a = x[:, t] @ params["W_x"] + prev_h @ params["W_h"] + params["b"]
        ifo = 0.5 * (1 + np.tanh(0.5 * a[:, :3 * H]))
        i, f, o = ifo[:, :H], ifo[:, H:2 * H], ifo[:, 2 * H:]
        g = np.tanh(a[:, 3 * H:])
        tc = np.tanh(c[:, t])
        dh_t = dh[:, t] + dnext_h
        dc_t = dc[:, t] + dnext_c + dh_t * o * (1 - tc ** 2)
        da = np.hstack([dc_t * g * i * (1 - i), dc_t * prev_c * f * (1 - f), dh_t * tc * o * (1 - o),
                        dc_t * i * (1 - g ** 2)])
        dx[:, t] = da @ params["W_x"].T
        dWx += x[:, t].T @ da
        dWh += prev_h.T @ da
        db += da.sum(axis=0)
        dnext_h = da @ params["W_h"].T
    return dx, dnext_h, dnext_c, {"W_x": dWx, "W_h": dWh, "b": db}
