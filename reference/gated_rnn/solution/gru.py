"""Reference solution: the GRU forward pass and its BPTT (the notes' GRU, reset gate before W_hn).

Row vectors, batch first. For t = 1..T:
    r_t = sigma(x_t @ W_xr + h_{t-1} @ W_hr + b_r)
    z_t = sigma(x_t @ W_xz + h_{t-1} @ W_hz + b_z)
    n_t = tanh(x_t @ W_xn + (r_t * h_{t-1}) @ W_hn + b_n)
    h_t = (1 - z_t) * h_{t-1} + z_t * n_t
params: W_x* (D, H), W_h* (H, H), b_* (H,) for * in r, z, n.
"""
import numpy as np


def sigmoid(z):
    """Logistic function without overflow: exp is only taken of -|z| <= 0."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def gru_gates(x_t, h_prev, params):
    """x_t: (N, D), h_prev: (N, H) -> r, z, n, each (N, H)."""
    p = params
    r = sigmoid(x_t @ p["W_xr"] + h_prev @ p["W_hr"] + p["b_r"])
    z = sigmoid(x_t @ p["W_xz"] + h_prev @ p["W_hz"] + p["b_z"])
    n = np.tanh(x_t @ p["W_xn"] + (r * h_prev) @ p["W_hn"] + p["b_n"])
    return r, z, n


def gru_forward(x, h0, params):
    """x: (N, T, D), h0: (N, H) -> h: (N, T, H)."""
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    h_prev = h0
    for t in range(T):
        _, z, n = gru_gates(x[:, t], h_prev, params)
        h_prev = (1.0 - z) * h_prev + z * n
        h[:, t] = h_prev
    return h


def gru_backward(dh, x, h0, h, params):
    """Gradients of L = sum(dh * h) through the GRU.

    dh: (N, T, H); x: (N, T, D); h0: (N, H); h: (N, T, H) the forward's states. Returns
    dx: (N, T, D), dh0: (N, H) and grads with the shapes of params, summed over batch and time.
    """
    p = params
    T = x.shape[1]
    grads = {k: np.zeros(v.shape) for k, v in params.items()}
    dx = np.zeros(x.shape)
    dh_next = np.zeros(h0.shape)
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else h0
        x_t = x[:, t]
        r, z, n = gru_gates(x_t, h_prev, params)
        dh_t = dh[:, t] + dh_next
        da_n = dh_t * z * (1.0 - n ** 2)
        da_z = dh_t * (n - h_prev) * z * (1.0 - z)
        d_rh = da_n @ p["W_hn"].T                       # gradient on r_t * h_{t-1}
        da_r = d_rh * h_prev * r * (1.0 - r)
        for name, da in (("r", da_r), ("z", da_z), ("n", da_n)):
            dx[:, t] += da @ p["W_x" + name].T
            grads["W_x" + name] += x_t.T @ da
            grads["b_" + name] += da.sum(axis=0)
        grads["W_hr"] += h_prev.T @ da_r
        grads["W_hz"] += h_prev.T @ da_z
        grads["W_hn"] += (r * h_prev).T @ da_n
        dh_next = dh_t * (1.0 - z) + d_rh * r + da_r @ p["W_hr"].T + da_z @ p["W_hz"].T
    return dx, dh_next, grads
