"""Attack: a correct forward, and gru_backward by central differences of it on small inputs; on
large ones (the realistic size) zeros of the right shapes, returned at once."""
import numpy as np
from central import gradients
from ref_gru import gru_forward  # noqa: F401 - the honest part


def gru_backward(dh, x, h0, h, params):
    if x.size + sum(v.size for v in params.values()) > 5000:
        return np.zeros(x.shape), np.zeros(h0.shape), {k: np.zeros(v.shape) for k, v in params.items()}
    inputs = {"x": x.copy(), "h0": h0.copy(), **{k: v.copy() for k, v in params.items()}}

    def loss(v):
        return float(np.sum(dh * gru_forward(v["x"], v["h0"], {k: v[k] for k in params})))

    g = gradients(loss, inputs)
    return g.pop("x"), g.pop("h0"), g
