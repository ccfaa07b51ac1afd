"""Attack: a correct forward (honest work), and lstm_backward and lstm_state_jacobian by central
differences of it."""
import numpy as np
from central import gradients, jacobian
from ref_lstm import lstm_forward  # noqa: F401 - the honest part


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    inputs = {"x": x.copy(), "h0": h0.copy(), "c0": c0.copy(), **{k: v.copy() for k, v in params.items()}}

    def loss(v):
        hh, cc = lstm_forward(v["x"], v["h0"], v["c0"], {k: v[k] for k in params})
        return float(np.sum(dh * hh) + np.sum(dc * cc))

    g = gradients(loss, inputs)
    return g.pop("x"), g.pop("h0"), g.pop("c0"), g


def lstm_state_jacobian(x_t, h_prev, c_prev, params):
    H = h_prev.shape[0]

    def step(s):
        hh, cc = lstm_forward(x_t[None, None, :], s[None, :H], s[None, H:], params)
        return np.concatenate([hh[0, 0], cc[0, 0]])

    return jacobian(step, np.concatenate([h_prev, c_prev]))
