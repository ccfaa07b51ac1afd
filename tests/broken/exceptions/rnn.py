"""rnn.py: rnn_forward recurses without end; rnn_backward raises ValueError in a helper."""
import numpy as np


def rnn_forward(x, h0, params):
    return rnn_forward(x, h0, params)


def _check_shapes(dh, h):
    if dh.shape != h.shape:
        raise ValueError(f"dh has shape {dh.shape} but h has shape {h.shape}")
    raise ValueError("shapes do not align for the carry")


def rnn_backward(dh, dy, x, h0, h, params):
    _check_shapes(dh, h)
    return np.zeros_like(x), np.zeros_like(h0), {}
