"""Bug: a fully vectorised forward pass that uses h0 at every step instead of h_{t-1}."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_forward",)
BUG_CODES = ("no_recurrence",)


def rnn_forward(x, h0, params):
    # all time steps at once: (N, T, D) @ (D, H) -> (N, T, H)
    z = x @ params["W_xh"] + (h0 @ params["W_hh"])[:, None, :] + params["b_h"]
    h = np.tanh(z)
    y = np.einsum("nth,ho->nto", h, params["W_hy"]) + params["b_y"]
    return h, y
