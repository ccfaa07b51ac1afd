import numpy as np


def rnn_forward(x, h0, params):
    Wx, Wh, bh, Wy, by = (params[k] for k in ("W_xh", "W_hh", "b_h", "W_hy", "b_y"))
    steps = []
    last = h0
    for xt in np.moveaxis(x, 1, 0):
        last = np.tanh(last @ Wh + xt @ Wx + bh)
        steps.append(last)
    hs = np.stack(steps, 1)
    return hs, hs @ Wy + by


def rnn_backward(dh, dy, x, h0, h, params):
    Wx, Wh, Wy = params["W_xh"], params["W_hh"], params["W_hy"]
    T = x.shape[1]
    prev = np.concatenate((h0[:, None], h[:, :-1]), axis=1)
    upstream = dh + dy @ Wy.T
    dWx, dWh, dbh = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[0])
    dx = np.zeros_like(x)
    running = np.zeros_like(h0)
    for t in range(T)[::-1]:
        da = (upstream[:, t] + running) * (1.0 - h[:, t] ** 2)
        dWx += x[:, t].T @ da
        dWh += prev[:, t].T @ da
        dbh += da.sum(0)
        dx[:, t] = da @ Wx.T
        running = da @ Wh.T
    flat_h = h.reshape(-1, h.shape[-1])
    flat_dy = dy.reshape(-1, dy.shape[-1])
    return dx, running, {"W_xh": dWx, "W_hh": dWh, "b_h": dbh, "W_hy": flat_h.T @ flat_dy,
                         "b_y": flat_dy.sum(0)}
