"""Correct variant: truncated BPTT chunk by chunk (each chunk back-propagated on its own, its
gradient into the state before the chunk thrown away except for the first chunk)."""
import numpy as np


def rnn_step_backward(dnext_h, x, prev_h, next_h, Wx, Wh):
    dz = dnext_h * (1 - next_h ** 2)
    return dz.dot(Wx.T), dz.dot(Wh.T), x.T.dot(dz), prev_h.T.dot(dz), dz.sum(axis=0)


def rnn_backward_truncated(dh, dy, x, h0, h, params, k):
    N, T, D = x.shape
    Wx, Wh, Wy = params["W_xh"], params["W_hh"], params["W_hy"]
    dx = np.zeros_like(x)
    grads = {n: np.zeros_like(p) for n, p in params.items()}
    grads["W_hy"] = h.reshape(N * T, -1).T.dot(dy.reshape(N * T, -1))
    grads["b_y"] = dy.sum(axis=(0, 1))
    dh_total = dh + dy.dot(Wy.T)                        # gradient from above and through y
    dh0 = None
    for start in range(0, T, k):                        # the chunk of steps start+1 .. end
        end = min(start + k, T)
        carry = np.zeros_like(h0)
        for t in range(end - 1, start - 1, -1):
            prev = h[:, t - 1, :] if t > 0 else h0
            dx[:, t, :], carry, dWx, dWh, db = rnn_step_backward(dh_total[:, t, :] + carry, x[:, t, :], prev,
                                                                 h[:, t, :], Wx, Wh)
            grads["W_xh"] += dWx
            grads["W_hh"] += dWh
            grads["b_h"] += db
        if start == 0:
            dh0 = carry                                 # only h0 keeps the gradient leaving its chunk
    return dx, dh0, grads
