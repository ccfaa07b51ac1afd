"""Reference solution: truncated BPTT for the vanilla RNN of part 1, in chunks of k steps.

    h_t = tanh(x_t @ W_xh + h_{t-1} @ W_hh + b_h),   y_t = h_t @ W_hy + b_y.
params: W_xh (D, H), W_hh (H, H), b_h (H,), W_hy (H, O), b_y (O,).
The states h_k, h_2k, ... are detached where the next chunk reads them: no gradient flows from
step mk+1 back into h_mk (m >= 1). h0 is never detached. Self-contained: imports only numpy.
"""
import numpy as np


def rnn_backward_truncated(dh, dy, x, h0, h, params, k):
    """Truncated BPTT of L = sum(dh * h) + sum(dy * y) with the hidden state detached every k steps.

    dh: (N, T, H), dy: (N, T, O), x: (N, T, D), h0: (N, H), h: (N, T, H) the forward's states,
    k: int >= 1. Returns dx: (N, T, D), dh0: (N, H) (through steps 1..k only) and grads with the
    shapes of params, summed over batch and time. For k >= T this is full BPTT.
    """
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    T = x.shape[1]
    grads = {name: np.zeros(v.shape) for name, v in params.items()}
    grads["W_hy"] = np.einsum("nth,nto->ho", h, dy)
    grads["b_y"] = dy.sum(axis=(0, 1))
    dx = np.zeros(x.shape)
    carry = np.zeros(h0.shape)             # dL/dh_t arriving from step t+1
    for t in range(T, 0, -1):              # step t (1-based); h_t is h[:, t-1]
        h_prev = h[:, t - 2] if t > 1 else h0
        dz = (dh[:, t - 1] + dy[:, t - 1] @ W_hy.T + carry) * (1.0 - h[:, t - 1] ** 2)
        dx[:, t - 1] = dz @ W_xh.T
        grads["W_xh"] += x[:, t - 1].T @ dz
        grads["W_hh"] += h_prev.T @ dz
        grads["b_h"] += dz.sum(axis=0)
        detached = (t - 1) > 0 and (t - 1) % k == 0    # h_{t-1} = h_{mk}, m >= 1: a chunk boundary
        carry = np.zeros(h0.shape) if detached else dz @ W_hh.T
    return dx, carry, grads
