"""Correct variant (plain loops): the slowest honest form the handout allows. Loops over samples
and time, one example's vectors per step, and every outer product written by hand, one row at a
time (the realistic-size case's time budget is calibrated on this file: README, security)."""
import numpy as np


def sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def add_outer(M, a, b):
    """M += outer(a, b), one row at a time."""
    for i in range(len(a)):
        M[i] += a[i] * b


def gates(x_t, h_prev, params):
    """One example: x_t (D,), h_prev (H,) -> i, f, o, g, each (H,)."""
    H = params["W_h"].shape[0]
    a = x_t @ params["W_x"] + h_prev @ params["W_h"] + params["b"]
    return sigmoid(a[:H]), sigmoid(a[H:2 * H]), sigmoid(a[2 * H:3 * H]), np.tanh(a[3 * H:])


def lstm_gates(x_t, h_prev, params):
    """x_t: (N, D), h_prev: (N, H) -> i, f, o, g, each (N, H) (for lstm_state_jacobian)."""
    out = [gates(x_t[n], h_prev[n], params) for n in range(x_t.shape[0])]
    return tuple(np.array([o[k] for o in out]) for k in range(4))


def lstm_forward(x, h0, c0, params):
    N, T, _ = x.shape
    H = params["W_h"].shape[0]
    h, c = np.zeros((N, T, H)), np.zeros((N, T, H))
    for n in range(N):
        h_prev, c_prev = h0[n], c0[n]
        for t in range(T):
            i, f, o, g = gates(x[n, t], h_prev, params)
            c_prev = f * c_prev + i * g
            h_prev = o * np.tanh(c_prev)
            h[n, t], c[n, t] = h_prev, c_prev
    return h, c


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    W_x, W_h = params["W_x"], params["W_h"]
    N, T, _ = x.shape
    grads = {k: np.zeros(v.shape) for k, v in params.items()}
    dx, dh0, dc0 = np.zeros(x.shape), np.zeros(h0.shape), np.zeros(c0.shape)
    for n in range(N):
        dh_next, dc_next = np.zeros(h0.shape[1]), np.zeros(c0.shape[1])
        for t in range(T - 1, -1, -1):
            h_prev = h[n, t - 1] if t > 0 else h0[n]
            c_prev = c[n, t - 1] if t > 0 else c0[n]
            i, f, o, g = gates(x[n, t], h_prev, params)
            tc = np.tanh(c[n, t])
            dh_t = dh[n, t] + dh_next
            dc_t = dc[n, t] + dc_next + dh_t * o * (1.0 - tc ** 2)
            da = np.concatenate([dc_t * g * i * (1.0 - i), dc_t * c_prev * f * (1.0 - f),
                                 dh_t * tc * o * (1.0 - o), dc_t * i * (1.0 - g ** 2)])
            dx[n, t] = W_x @ da
            add_outer(grads["W_x"], x[n, t], da)
            add_outer(grads["W_h"], h_prev, da)
            grads["b"] += da
            dh_next = W_h @ da
            dc_next = dc_t * f
        dh0[n], dc0[n] = dh_next, dc_next
    return dx, dh0, dc0, grads


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
