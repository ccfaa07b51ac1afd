"""Bug: tanh applied to the outputs too, y_t = tanh(h_t @ W_hy + b_y)."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_forward",)
BUG_CODES = ("activation_on_output_layer",)


def rnn_forward(x, h0, params):
    N, T, _ = x.shape
    h = np.empty((N, T, h0.shape[1]))
    y = np.empty((N, T, params["W_hy"].shape[1]))
    h_t = h0
    for t in range(T):
        h_t = np.tanh(x[:, t] @ params["W_xh"] + h_t @ params["W_hh"] + params["b_h"])
        h[:, t] = h_t
        y[:, t] = np.tanh(h_t @ params["W_hy"] + params["b_y"])
    return h, y
