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


def gates(x_t, h_prev, p):
    """One example: x_t (D,), h_prev (H,) -> r, z, n, each (H,)."""
    r = sigmoid(x_t @ p["W_xr"] + h_prev @ p["W_hr"] + p["b_r"])
    z = sigmoid(x_t @ p["W_xz"] + h_prev @ p["W_hz"] + p["b_z"])
    n = np.tanh(x_t @ p["W_xn"] + (r * h_prev) @ p["W_hn"] + p["b_n"])
    return r, z, n


def gru_forward(x, h0, params):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    for n in range(N):
        h_prev = h0[n]
        for t in range(T):
            _, z, cand = gates(x[n, t], h_prev, params)
            h_prev = (1.0 - z) * h_prev + z * cand
            h[n, t] = h_prev
    return h


def gru_backward(dh, x, h0, h, params):
    p = params
    N, T, _ = x.shape
    grads = {k: np.zeros(v.shape) for k, v in params.items()}
    dx, dh0 = np.zeros(x.shape), np.zeros(h0.shape)
    for n in range(N):
        dh_next = np.zeros(h0.shape[1])
        for t in range(T - 1, -1, -1):
            h_prev = h[n, t - 1] if t > 0 else h0[n]
            x_t = x[n, t]
            r, z, cand = gates(x_t, h_prev, p)
            dh_t = dh[n, t] + dh_next
            da_n = dh_t * z * (1.0 - cand ** 2)
            da_z = dh_t * (cand - h_prev) * z * (1.0 - z)
            d_rh = p["W_hn"] @ da_n
            da_r = d_rh * h_prev * r * (1.0 - r)
            for name, da in (("r", da_r), ("z", da_z), ("n", da_n)):
                dx[n, t] += p["W_x" + name] @ da
                add_outer(grads["W_x" + name], x_t, da)
                grads["b_" + name] += da
            add_outer(grads["W_hr"], h_prev, da_r)
            add_outer(grads["W_hz"], h_prev, da_z)
            add_outer(grads["W_hn"], r * h_prev, da_n)
            dh_next = dh_t * (1.0 - z) + d_rh * r + p["W_hr"] @ da_r + p["W_hz"] @ da_z
        dh0[n] = dh_next
    return dx, dh0, grads
