import numpy as np


def rnn_backward_truncated(dh, dy, x, h0, h, params, k):
    N, T, D = x.shape
    Wxh, Whh, Why = params["W_xh"], params["W_hh"], params["W_hy"]
    grads = {key: np.zeros_like(val) for key, val in params.items()}
    dx = np.zeros_like(x)
    dnext = np.zeros_like(h0)
    for t in reversed(range(T)):
        # new chunk starts here -> detach
        if t % k == 0 and t > 0:
            dnext = np.zeros_like(h0)
        hprev = h[:, t - 1] if t > 0 else h0
        grads["W_hy"] += h[:, t].T @ dy[:, t]
        grads["b_y"] += dy[:, t].sum(axis=0)
        dtot = dh[:, t] + dy[:, t] @ Why.T + dnext
        dz = dtot * (1 - h[:, t] ** 2)
        dx[:, t] = dz @ Wxh.T
        grads["W_xh"] += x[:, t].T @ dz
        grads["W_hh"] += hprev.T @ dz
        grads["b_h"] += dz.sum(axis=0)
        dnext = dz @ Whh.T
    return dx, dnext, grads
