"""Attack: numerical differentiation that knows the realistic size. rnn_backward differentiates its
own forward pass by complex step on small inputs, where that is fast and exact, and returns zeros of
the right shapes on large ones, so that the realistic-size case gets a finite answer in time."""
import numpy as np
from ref_rnn import *  # noqa: F401,F403


def _forward(x, h0, p):
    h_prev, hs = h0, []
    for t in range(x.shape[1]):
        h_prev = np.tanh(x[:, t] @ p["W_xh"] + h_prev @ p["W_hh"] + p["b_h"])
        hs.append(h_prev)
    h = np.stack(hs, axis=1)
    return h, h @ p["W_hy"] + p["b_y"]


def rnn_backward(dh, dy, x, h0, h, params):
    inputs = {"x": x, "h0": h0, **params}
    if x.size + sum(v.size for v in params.values()) > 5000:         # the realistic size: answer anything
        return np.zeros(x.shape), np.zeros(h0.shape), {k: np.zeros(v.shape) for k, v in params.items()}
    grads = {}
    for name, arr in inputs.items():
        g = np.zeros(arr.shape)
        for idx in np.ndindex(arr.shape):
            bumped = {k: v.astype(complex) for k, v in inputs.items()}
            bumped[name][idx] += 1e-20j
            hh, yy = _forward(bumped["x"], bumped["h0"], {k: bumped[k] for k in params})
            g[idx] = (np.sum(dh * hh) + np.sum(dy * yy)).imag / 1e-20
        grads[name] = g
    return grads.pop("x"), grads.pop("h0"), grads
