import numpy as np


def rnn_backward_truncated(dh, dy, x, h0, h, params, k):
    N, T, D = x.shape
    before = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
    g_top = dh + np.einsum("nto,ho->nth", dy, params["W_hy"])
    dW_xh = np.zeros_like(params["W_xh"])
    dW_hh = np.zeros_like(params["W_hh"])
    db_h = np.zeros_like(params["b_h"])
    dx = np.empty_like(x)
    incoming = np.zeros_like(h0)
    for s in reversed(range(T)):
        delta = (g_top[:, s] + incoming) * (1 - np.square(h[:, s]))
        dx[:, s] = delta @ params["W_xh"].T
        dW_xh += x[:, s].T @ delta
        dW_hh += before[:, s].T @ delta
        db_h += delta.sum(axis=0)
        incoming = delta @ params["W_hh"].T
        if s > 0 and s % k == 0:
            incoming = np.zeros_like(h0)
    return dx, incoming, {"W_xh": dW_xh, "W_hh": dW_hh, "b_h": db_h,
                          "W_hy": np.einsum("nth,nto->ho", h, dy), "b_y": dy.sum(axis=(0, 1))}
