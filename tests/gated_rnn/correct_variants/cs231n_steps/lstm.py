"""Correct variant (CS231n style): lstm_step_forward / lstm_step_backward with caches, wrapped
into this assignment's contract. The state Jacobian is built row by row from lstm_step_backward."""
import numpy as np


def sigmoid(x):
    pos = x >= 0
    neg = ~pos
    z = np.zeros_like(x)
    z[pos] = np.exp(-x[pos])
    z[neg] = np.exp(x[neg])
    top = np.ones_like(x)
    top[neg] = z[neg]
    return top / (1 + z)


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    N, H = prev_h.shape
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    ai, af, ao, ag = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
    i, f, o, g = sigmoid(ai), sigmoid(af), sigmoid(ao), np.tanh(ag)
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c)
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    tanh_c = np.tanh(next_c)
    dnext_c = dnext_c + dnext_h * o * (1 - tanh_c ** 2)
    do = dnext_h * tanh_c
    df = dnext_c * prev_c
    di = dnext_c * g
    dg = dnext_c * i
    dprev_c = dnext_c * f
    da = np.hstack((di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g ** 2)))
    dx = da.dot(Wx.T)
    dprev_h = da.dot(Wh.T)
    dWx = x.T.dot(da)
    dWh = prev_h.T.dot(da)
    db = np.sum(da, axis=0)
    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_forward(x, h0, c0, params):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    c = np.zeros((N, T, H))
    prev_h, prev_c = h0, c0
    for t in range(T):
        prev_h, prev_c, _ = lstm_step_forward(x[:, t, :], prev_h, prev_c, params["W_x"], params["W_h"], params["b"])
        h[:, t, :] = prev_h
        c[:, t, :] = prev_c
    return h, c


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    N, T, D = x.shape
    H = h0.shape[1]
    dx = np.zeros((N, T, D))
    dWx = np.zeros_like(params["W_x"])
    dWh = np.zeros_like(params["W_h"])
    db = np.zeros_like(params["b"])
    dprev_h = np.zeros((N, H))
    dprev_c = np.zeros((N, H))
    for t in reversed(range(T)):
        prev_h = h[:, t - 1, :] if t > 0 else h0
        prev_c = c[:, t - 1, :] if t > 0 else c0
        _, _, cache = lstm_step_forward(x[:, t, :], prev_h, prev_c, params["W_x"], params["W_h"], params["b"])
        dx_t, dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t, :] + dprev_h,
                                                                        dc[:, t, :] + dprev_c, cache)
        dx[:, t, :] = dx_t
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dprev_c, {"W_x": dWx, "W_h": dWh, "b": db}


def lstm_state_jacobian(x_t, h_prev, c_prev, params):
    H = h_prev.shape[0]
    _, _, cache = lstm_step_forward(x_t[None, :], h_prev[None, :], c_prev[None, :],
                                    params["W_x"], params["W_h"], params["b"])
    J = np.zeros((2 * H, 2 * H))
    for row in range(2 * H):                     # row i of J = the gradient of s_t[i]
        e = np.zeros((1, 2 * H))
        e[0, row] = 1.0
        _, dprev_h, dprev_c, _, _, _ = lstm_step_backward(e[:, :H], e[:, H:], cache)
        J[row] = np.concatenate([dprev_h[0], dprev_c[0]])
    return J
