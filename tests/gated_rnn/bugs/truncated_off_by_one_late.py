"""Bug: the carry is reset at the top of the loop when t % k == 0 (0-based t), which cuts the
gradient into h_1, h_{k+1}, h_{2k+1}, ... instead of h_k, h_2k, ..."""
import numpy as np

BUG_FILE = "truncated"
BUG_BREAKS = ("rnn_backward_truncated",)
BUG_CODES = ("truncation_off_by_one",)


def rnn_backward_truncated(dh, dy, x, h0, h, params, k):
    N, T, D = x.shape
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    grads = {name: np.zeros_like(p) for name, p in params.items()}
    dx = np.zeros_like(x)
    dnext = np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        if t % k == 0:
            dnext = np.zeros_like(h0)          # start of a chunk: detach
        h_prev = h0 if t == 0 else h[:, t - 1]
        dz = (dh[:, t] + dy[:, t] @ W_hy.T + dnext) * (1 - h[:, t] * h[:, t])
        dx[:, t] = dz @ W_xh.T
        grads["W_xh"] += x[:, t].T @ dz
        grads["W_hh"] += h_prev.T @ dz
        grads["b_h"] += dz.sum(axis=0)
        grads["W_hy"] += h[:, t].T @ dy[:, t]
        grads["b_y"] += dy[:, t].sum(axis=0)
        dnext = dz @ W_hh.T
    return dx, dnext, grads
