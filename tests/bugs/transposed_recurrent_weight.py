"""Bug: the column-vector convention of the slides, W_hh @ h_{t-1}, i.e. h_{t-1} @ W_hh.T."""
import numpy as np

BUG_FILE = "rnn"
BUG_BREAKS = ("rnn_forward",)
BUG_CODES = ("transposed_recurrent_weight",)


def rnn_forward(x, h0, params):
    W_xh, W_hh, b_h, W_hy, b_y = (params[k] for k in ("W_xh", "W_hh", "b_h", "W_hy", "b_y"))
    states = []
    h_t = h0
    for t in range(x.shape[1]):
        # h_t = tanh(W_xh^T x_t + W_hh h_{t-1} + b), as on the slide
        h_t = np.tanh(x[:, t] @ W_xh + (W_hh @ h_t.T).T + b_h)
        states.append(h_t)
    h = np.stack(states, axis=1)
    return h, h @ W_hy + b_y
