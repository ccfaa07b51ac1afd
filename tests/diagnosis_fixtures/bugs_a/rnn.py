import numpy as np


def rnn_forward(x, h0, params):
    # missing_hidden_bias
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    state = h0
    for t in range(T):
        state = np.tanh(x[:, t, :] @ params["W_xh"] + state @ params["W_hh"])
        h[:, t, :] = state
    return h, h @ params["W_hy"] + params["b_y"]


def rnn_backward(dh, dy, x, h0, h, params):
    # recurrent_weight_grad_uses_current_state
    N, T, _ = x.shape
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dx = np.zeros_like(x)
    dnext = np.zeros_like(h0)
    for t in reversed(range(T)):
        dht = dh[:, t] + dy[:, t] @ params["W_hy"].T + dnext
        dz = (1 - h[:, t] ** 2) * dht
        dx[:, t] = dz @ params["W_xh"].T
        grads["W_xh"] += x[:, t].T @ dz
        grads["W_hh"] += h[:, t].T @ dz
        grads["b_h"] += dz.sum(0)
        grads["W_hy"] += h[:, t].T @ dy[:, t]
        grads["b_y"] += dy[:, t].sum(0)
        dnext = dz @ params["W_hh"].T
    return dx, dnext, grads
