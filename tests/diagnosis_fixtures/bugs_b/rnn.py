import numpy as np


def rnn_forward(x, h0, params):
    # mutates_input: h_prev is h0 itself, updated in place
    N, T, _ = x.shape
    h_prev = h0
    hs = []
    for t in range(T):
        h_prev[...] = np.tanh(x[:, t] @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"])
        hs.append(h_prev.copy())
    h = np.stack(hs, axis=1)
    return h, h @ params["W_hy"] + params["b_y"]


def rnn_backward(dh, dy, x, h0, h, params):
    # two mistakes: overwrites_instead_of_accumulating (dW_xh) and averages_over_batch (db_y)
    N, T, _ = x.shape
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    dW_xh = np.zeros_like(W_xh)
    dW_hh = np.zeros_like(W_hh)
    db_h = np.zeros_like(params["b_h"])
    dx = np.zeros_like(x)
    carry = np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        prev = h0 if t == 0 else h[:, t - 1]
        dz = (dh[:, t] + dy[:, t] @ W_hy.T + carry) * (1 - h[:, t] ** 2)
        dx[:, t] = dz @ W_xh.T
        dW_xh = x[:, t].T @ dz
        dW_hh += prev.T @ dz
        db_h += dz.sum(axis=0)
        carry = dz @ W_hh.T
    grads = {"W_xh": dW_xh, "W_hh": dW_hh, "b_h": db_h,
             "W_hy": np.einsum("nth,nto->ho", h, dy), "b_y": dy.mean(axis=0).sum(axis=0)}
    return dx, carry, grads
