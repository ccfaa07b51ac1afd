import numpy as np


def _sig(a):
    return 0.5 + 0.5 * np.tanh(0.5 * a)


def gru_forward(x, h0, params):
    P = params
    states = np.empty(x.shape[:2] + h0.shape[1:])
    s = h0
    for step in range(x.shape[1]):
        xt = x[:, step]
        reset = _sig(np.dot(xt, P["W_xr"]) + np.dot(s, P["W_hr"]) + P["b_r"])
        update = _sig(np.dot(xt, P["W_xz"]) + np.dot(s, P["W_hz"]) + P["b_z"])
        cand = np.tanh(np.dot(xt, P["W_xn"]) + np.dot(reset * s, P["W_hn"]) + P["b_n"])
        s = s + update * (cand - s)
        states[:, step] = s
    return states


def gru_backward(dh, x, h0, h, params):
    P = params
    out = {name: np.zeros_like(val) for name, val in P.items()}
    dx = np.zeros_like(x)
    back = np.zeros_like(h0)
    for step in range(x.shape[1] - 1, -1, -1):
        xt, s = x[:, step], (h[:, step - 1] if step else h0)
        reset = _sig(np.dot(xt, P["W_xr"]) + np.dot(s, P["W_hr"]) + P["b_r"])
        update = _sig(np.dot(xt, P["W_xz"]) + np.dot(s, P["W_hz"]) + P["b_z"])
        cand = np.tanh(np.dot(xt, P["W_xn"]) + np.dot(reset * s, P["W_hn"]) + P["b_n"])
        total = dh[:, step] + back
        g_n = total * update * (1 - cand * cand)
        g_z = total * (cand - s) * update * (1 - update)
        g_rs = np.dot(g_n, P["W_hn"].T)
        g_r = g_rs * s * reset * (1 - reset)
        out["W_hn"] += np.dot((reset * s).T, g_n)
        out["W_hz"] += np.dot(s.T, g_z)
        out["W_hr"] += np.dot(s.T, g_r)
        for key, g in zip("rzn", (g_r, g_z, g_n)):
            out["W_x" + key] += np.dot(xt.T, g)
            out["b_" + key] += g.sum(0)
        dx[:, step] = np.dot(g_r, P["W_xr"].T) + np.dot(g_z, P["W_xz"].T) + np.dot(g_n, P["W_xn"].T)
        back = total * (1 - update) + g_rs * reset + np.dot(g_r, P["W_hr"].T) + np.dot(g_z, P["W_hz"].T)
    return dx, back, out
