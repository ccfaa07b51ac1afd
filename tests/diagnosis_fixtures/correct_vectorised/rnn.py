import numpy as np


def rnn_forward(x, h0, params):
    xw = np.einsum("ntd,dh->nth", x, params["W_xh"]) + params["b_h"]
    states = []
    h_prev = h0
    for t in range(x.shape[1]):
        h_prev = np.tanh(xw[:, t] + h_prev @ params["W_hh"])
        states.append(h_prev)
    h = np.stack(states, axis=1)
    return h, np.einsum("nth,ho->nto", h, params["W_hy"]) + params["b_y"]


def rnn_backward(dh, dy, x, h0, h, params):
    T = x.shape[1]
    g = dh + np.einsum("nto,ho->nth", dy, params["W_hy"])
    dz = np.zeros_like(h)
    carry = np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        dz[:, t] = (g[:, t] + carry) * (1.0 - h[:, t] ** 2)
        carry = dz[:, t] @ params["W_hh"].T
    h_prev = np.concatenate([h0[:, None, :], h[:, :-1]], axis=1)
    grads = {
        "W_xh": np.einsum("ntd,nth->dh", x, dz),
        "W_hh": np.einsum("ntk,nth->kh", h_prev, dz),
        "b_h": dz.sum(axis=(0, 1)),
        "W_hy": np.einsum("nth,nto->ho", h, dy),
        "b_y": dy.sum(axis=(0, 1)),
    }
    return np.einsum("nth,dh->ntd", dz, params["W_xh"]), carry, grads
