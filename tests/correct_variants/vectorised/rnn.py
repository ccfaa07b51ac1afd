"""Correct variant (vectorised): one loop for the recurrence, einsum for every weight gradient."""
import numpy as np


def rnn_forward(x, h0, params):
    xw = np.einsum("ntd,dh->nth", x, params["W_xh"]) + params["b_h"]   # input terms of all steps
    states = []
    h_t = h0
    for t in range(x.shape[1]):
        h_t = np.tanh(xw[:, t] + h_t @ params["W_hh"])
        states.append(h_t)
    h = np.stack(states, axis=1)
    y = np.einsum("nth,ho->nto", h, params["W_hy"]) + params["b_y"]
    return h, y


def rnn_backward(dh, dy, x, h0, h, params):
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    g = dh + np.einsum("nto,ho->nth", dy, W_hy)        # gradient into h_t from above and from y_t
    local = 1.0 - h * h
    dz = np.empty_like(h)
    carry = np.zeros_like(h0)
    for t in range(h.shape[1] - 1, -1, -1):
        dz[:, t] = (g[:, t] + carry) * local[:, t]
        carry = dz[:, t] @ W_hh.T
    h_prev = np.concatenate([h0[:, None, :], h[:, :-1, :]], axis=1)
    grads = {
        "W_xh": np.einsum("ntd,nth->dh", x, dz),
        "W_hh": np.einsum("ntk,nth->kh", h_prev, dz),
        "b_h": dz.sum(axis=(0, 1)),
        "W_hy": np.einsum("nth,nto->ho", h, dy),
        "b_y": dy.sum(axis=(0, 1)),
    }
    dx = np.einsum("nth,dh->ntd", dz, W_xh)
    return dx, carry, grads
