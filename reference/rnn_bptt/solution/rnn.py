"""Reference solution: vanilla RNN forward pass and backpropagation through time.

Row-vector convention, batch first:
    h_t = tanh(x_t @ W_xh + h_{t-1} @ W_hh + b_h),   y_t = h_t @ W_hy + b_y.
"""
import numpy as np


def rnn_forward(x, h0, params):
    """x: (N, T, D), h0: (N, H) -> h: (N, T, H), y: (N, T, O)."""
    W_xh, W_hh, b_h = params["W_xh"], params["W_hh"], params["b_h"]
    W_hy, b_y = params["W_hy"], params["b_y"]
    N, T, _ = x.shape
    h = np.zeros((N, T, W_hh.shape[0]))
    h_prev = h0
    for t in range(T):
        h_prev = np.tanh(x[:, t] @ W_xh + h_prev @ W_hh + b_h)
        h[:, t] = h_prev
    y = h @ W_hy + b_y
    return h, y


def rnn_backward(dh, dy, x, h0, h, params):
    """BPTT for L with dL/dh_t (from above) = dh: (N, T, H) and dL/dy_t = dy: (N, T, O).

    Returns dx: (N, T, D), dh0: (N, H) and grads with the shapes of params,
    summed over batch and time.
    """
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    N, T, _ = x.shape
    grads = {k: np.zeros_like(v, dtype=np.float64) for k, v in params.items()}
    grads["W_hy"] = np.einsum("nth,nto->ho", h, dy)
    grads["b_y"] = dy.sum(axis=(0, 1))
    dx = np.zeros_like(x, dtype=np.float64)
    carry = np.zeros_like(h0, dtype=np.float64)   # dL/dh_t arriving from step t+1
    for t in reversed(range(T)):
        h_t = h[:, t]
        h_prev = h[:, t - 1] if t > 0 else h0
        dh_t = dh[:, t] + dy[:, t] @ W_hy.T + carry
        dz = dh_t * (1.0 - h_t ** 2)
        dx[:, t] = dz @ W_xh.T
        grads["W_xh"] += x[:, t].T @ dz
        grads["W_hh"] += h_prev.T @ dz
        grads["b_h"] += dz.sum(axis=0)
        carry = dz @ W_hh.T
    return dx, carry, grads
