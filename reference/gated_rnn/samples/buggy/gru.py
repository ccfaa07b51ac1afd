import numpy as np


def sigm(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


def gru_forward(x, h0, params):
    T = x.shape[1]
    states = []
    hprev = h0
    for t in range(T):
        xt = x[:, t]
        r = sigm(xt @ params["W_xr"] + hprev @ params["W_hr"] + params["b_r"])
        z = sigm(xt @ params["W_xz"] + hprev @ params["W_hz"] + params["b_z"])
        cand = np.tanh(xt @ params["W_xn"] + (r * hprev) @ params["W_hn"] + params["b_n"])
        hprev = (1 - z) * hprev + z * cand
        states.append(hprev)
    return np.stack(states, axis=1)


def gru_backward(dh, x, h0, h, params):
    T = x.shape[1]
    grads = {name: np.zeros_like(val) for name, val in params.items()}
    dx = np.zeros_like(x)
    running = np.zeros_like(h0)
    for t in reversed(range(T)):
        xt = x[:, t]
        hprev = h[:, t - 1] if t > 0 else h0
        r = sigm(xt @ params["W_xr"] + hprev @ params["W_hr"] + params["b_r"])
        z = sigm(xt @ params["W_xz"] + hprev @ params["W_hz"] + params["b_z"])
        cand = np.tanh(xt @ params["W_xn"] + (r * hprev) @ params["W_hn"] + params["b_n"])
        g = dh[:, t] + running
        dpre_n = g * z * (1 - cand ** 2)
        dpre_z = g * (cand - hprev) * z * (1 - z)
        drh = dpre_n @ params["W_hn"].T
        dpre_r = drh * hprev * r * (1 - r)
        grads["W_xn"] += xt.T @ dpre_n
        grads["W_hn"] += (r * hprev).T @ dpre_n
        grads["b_n"] += dpre_n.sum(0)
        grads["W_xz"] += xt.T @ dpre_z
        grads["W_hz"] += hprev.T @ dpre_z
        grads["b_z"] += dpre_z.sum(0)
        grads["W_xr"] += xt.T @ dpre_r
        grads["W_hr"] += hprev.T @ dpre_r
        grads["b_r"] += dpre_r.sum(0)
        dx[:, t] = dpre_n @ params["W_xn"].T + dpre_z @ params["W_xz"].T + dpre_r @ params["W_xr"].T
        running = g * (1 - z) + drh * r + dpre_z @ params["W_hz"].T + dpre_r @ params["W_hr"].T
    return dx, running, grads
