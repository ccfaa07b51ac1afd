"""Reference solution: the LSTM forward pass, its BPTT and the one-step state Jacobian.

Row vectors, batch first. For t = 1..T, with the gates stacked in the order i, f, o, g:
    a_t = x_t @ W_x + h_{t-1} @ W_h + b                               (N, 4H)
    i_t = sigma(a_t[:, :H])    f_t = sigma(a_t[:, H:2H])    o_t = sigma(a_t[:, 2H:3H])
    g_t = tanh(a_t[:, 3H:])
    c_t = f_t * c_{t-1} + i_t * g_t
    h_t = o_t * tanh(c_t)
params: W_x (D, 4H), W_h (H, 4H), b (4H,).
"""
import numpy as np


def sigmoid(z):
    """Logistic function without overflow: exp is only taken of -|z| <= 0."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def lstm_gates(x_t, h_prev, params):
    """x_t: (N, D), h_prev: (N, H) -> the gates i, f, o, g, each (N, H)."""
    H = params["W_h"].shape[0]
    a = x_t @ params["W_x"] + h_prev @ params["W_h"] + params["b"]
    return sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H]), np.tanh(a[:, 3 * H:])


def lstm_forward(x, h0, c0, params):
    """x: (N, T, D), h0: (N, H), c0: (N, H) -> h: (N, T, H), c: (N, T, H)."""
    N, T, _ = x.shape
    H = params["W_h"].shape[0]
    h, c = np.zeros((N, T, H)), np.zeros((N, T, H))
    h_prev, c_prev = h0, c0
    for t in range(T):
        i, f, o, g = lstm_gates(x[:, t], h_prev, params)
        c_prev = f * c_prev + i * g
        h_prev = o * np.tanh(c_prev)
        h[:, t], c[:, t] = h_prev, c_prev
    return h, c


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    """Gradients of L = sum(dh * h) + sum(dc * c) through the LSTM.

    dh, dc: (N, T, H) upstream gradients on each h_t and c_t; x: (N, T, D); h0, c0: (N, H);
    h, c: (N, T, H) the forward's states. Returns dx: (N, T, D), dh0: (N, H), dc0: (N, H) and
    grads with the shapes of params, summed over batch and time.
    """
    W_x, W_h = params["W_x"], params["W_h"]
    T = x.shape[1]
    grads = {k: np.zeros(v.shape) for k, v in params.items()}
    dx = np.zeros(x.shape)
    dh_next, dc_next = np.zeros(h0.shape), np.zeros(c0.shape)   # arriving from step t+1
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else h0
        c_prev = c[:, t - 1] if t > 0 else c0
        i, f, o, g = lstm_gates(x[:, t], h_prev, params)
        tc = np.tanh(c[:, t])
        dh_t = dh[:, t] + dh_next
        dc_t = dc[:, t] + dc_next + dh_t * o * (1.0 - tc ** 2)
        da = np.concatenate([dc_t * g * i * (1.0 - i),          # input gate
                             dc_t * c_prev * f * (1.0 - f),     # forget gate
                             dh_t * tc * o * (1.0 - o),         # output gate
                             dc_t * i * (1.0 - g ** 2)], axis=1)  # candidate
        dx[:, t] = da @ W_x.T
        grads["W_x"] += x[:, t].T @ da
        grads["W_h"] += h_prev.T @ da
        grads["b"] += da.sum(axis=0)
        dh_next = da @ W_h.T
        dc_next = dc_t * f
    return dx, dh_next, dc_next, grads


def lstm_state_jacobian(x_t, h_prev, c_prev, params):
    """d[h_t, c_t] / d[h_{t-1}, c_{t-1}] for one example, numerator layout.

    x_t: (D,), h_prev: (H,), c_prev: (H,) -> J: (2H, 2H), J[i, j] = d s_t[i] / d s_{t-1}[j]
    with s = [h, c]. Blocks: [[dh/dh, dh/dc], [dc/dh, dc/dc]]; dc/dc = diag(f_t).
    """
    W_h = params["W_h"]
    H = W_h.shape[0]
    i, f, o, g = (v[0] for v in lstm_gates(x_t[None, :], h_prev[None, :], params))
    c_t = f * c_prev + i * g
    tc = np.tanh(c_t)
    W_i, W_f, W_o, W_g = (W_h[:, k * H:(k + 1) * H] for k in range(4))
    dc_dh = ((i * (1.0 - i) * g)[:, None] * W_i.T + (f * (1.0 - f) * c_prev)[:, None] * W_f.T
             + (i * (1.0 - g ** 2))[:, None] * W_g.T)
    dc_dc = np.diag(f)
    through_c = o * (1.0 - tc ** 2)
    dh_dh = (o * (1.0 - o) * tc)[:, None] * W_o.T + through_c[:, None] * dc_dh
    dh_dc = np.diag(through_c * f)
    return np.block([[dh_dh, dh_dc], [dc_dh, dc_dc]])
