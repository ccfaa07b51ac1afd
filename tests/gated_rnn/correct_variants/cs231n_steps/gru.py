"""Correct variant (CS231n style): gru_step_forward / gru_step_backward with caches."""
import numpy as np


def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def gru_step_forward(x, prev_h, p):
    r = sigmoid(x.dot(p["W_xr"]) + prev_h.dot(p["W_hr"]) + p["b_r"])
    z = sigmoid(x.dot(p["W_xz"]) + prev_h.dot(p["W_hz"]) + p["b_z"])
    n = np.tanh(x.dot(p["W_xn"]) + (r * prev_h).dot(p["W_hn"]) + p["b_n"])
    next_h = (1 - z) * prev_h + z * n
    return next_h, (x, prev_h, r, z, n)


def gru_step_backward(dnext_h, cache, p):
    x, prev_h, r, z, n = cache
    dn = dnext_h * z
    dz = dnext_h * (n - prev_h)
    dprev_h = dnext_h * (1 - z)
    dan = dn * (1 - n ** 2)
    drh = dan.dot(p["W_hn"].T)
    dprev_h += drh * r
    dar = drh * prev_h * r * (1 - r)
    daz = dz * z * (1 - z)
    dprev_h += dar.dot(p["W_hr"].T) + daz.dot(p["W_hz"].T)
    dx = dar.dot(p["W_xr"].T) + daz.dot(p["W_xz"].T) + dan.dot(p["W_xn"].T)
    g = {"W_xr": x.T.dot(dar), "W_hr": prev_h.T.dot(dar), "b_r": dar.sum(0),
         "W_xz": x.T.dot(daz), "W_hz": prev_h.T.dot(daz), "b_z": daz.sum(0),
         "W_xn": x.T.dot(dan), "W_hn": (r * prev_h).T.dot(dan), "b_n": dan.sum(0)}
    return dx, dprev_h, g


def gru_forward(x, h0, params):
    N, T, D = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    prev_h = h0
    for t in range(T):
        prev_h, _ = gru_step_forward(x[:, t, :], prev_h, params)
        h[:, t, :] = prev_h
    return h


def gru_backward(dh, x, h0, h, params):
    N, T, D = x.shape
    dx = np.zeros((N, T, D))
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dprev_h = np.zeros_like(h0)
    for t in reversed(range(T)):
        prev_h = h[:, t - 1, :] if t > 0 else h0
        _, cache = gru_step_forward(x[:, t, :], prev_h, params)
        dx[:, t, :], dprev_h, g = gru_step_backward(dh[:, t, :] + dprev_h, cache, params)
        for k in grads:
            grads[k] += g[k]
    return dx, dprev_h, grads
