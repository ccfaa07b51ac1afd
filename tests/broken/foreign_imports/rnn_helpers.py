"""The student's own helper module, beside rnn.py."""
import numpy as np


def step(x_t, h_prev, params):
    return np.tanh(x_t @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"])


def step_backward(g, x_t, h_t, h_prev, params, grads):
    dz = g * (1.0 - h_t ** 2)
    grads["W_xh"] += x_t.T @ dz
    grads["W_hh"] += h_prev.T @ dz
    grads["b_h"] += dz.sum(axis=0)
    return dz @ params["W_xh"].T, dz @ params["W_hh"].T
