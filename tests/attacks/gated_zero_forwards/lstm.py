"""Attack: lstm_forward returns zeros on purpose; lstm_backward differentiates whatever lstm_forward
the module holds when it runs (the grader's correct one, when it substitutes it for this one)."""
import numpy as np
from central import gradients
from ref_lstm import lstm_state_jacobian  # noqa: F401 - honest


def lstm_forward(x, h0, c0, params):
    shape = x.shape[:2] + h0.shape[1:]
    return np.zeros(shape), np.zeros(shape)


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    inputs = {"x": x.copy(), "h0": h0.copy(), "c0": c0.copy(), **{k: v.copy() for k, v in params.items()}}

    def loss(v):
        hh, cc = globals()["lstm_forward"](v["x"], v["h0"], v["c0"], {k: v[k] for k in params})
        return float(np.sum(dh * hh) + np.sum(dc * cc))

    g = gradients(loss, inputs)
    return g.pop("x"), g.pop("h0"), g.pop("c0"), g
