"""Attack: gru_forward returns zeros on purpose; gru_backward differentiates whatever gru_forward
the module holds when it runs (the grader's correct one, when it substitutes it for this one)."""
import numpy as np
from central import gradients


def gru_forward(x, h0, params):
    return np.zeros(x.shape[:2] + h0.shape[1:])


def gru_backward(dh, x, h0, h, params):
    inputs = {"x": x.copy(), "h0": h0.copy(), **{k: v.copy() for k, v in params.items()}}

    def loss(v):
        return float(np.sum(dh * globals()["gru_forward"](v["x"], v["h0"], {k: v[k] for k in params})))

    g = gradients(loss, inputs)
    return g.pop("x"), g.pop("h0"), g
