"""Correct, but messy: pure-Python loops over every index, prints, reseeding."""
import math
import random

import numpy as np

print("DEBUG rnn.py imported")
np.random.seed(2024)
random.seed(2024)


def _matvec(v, M):
    """Row vector v (len a) times matrix M (a x b) -> list of len b."""
    return [sum(v[i] * M[i][j] for i in range(len(v))) for j in range(len(M[0]))]


def _mat_t_vec(v, M):
    """Row vector v (len b) times M.T, M (a x b) -> list of len a."""
    return [sum(v[j] * M[i][j] for j in range(len(v))) for i in range(len(M))]


def rnn_forward(x, h0, params):
    random.seed(1)
    p = {k: v.tolist() for k, v in params.items()}
    x, h0 = x.tolist(), h0.tolist()
    h, y = [], []
    for n in range(len(x)):
        h_prev, hs, ys = h0[n], [], []
        for t in range(len(x[n])):
            a = _matvec(x[n][t], p["W_xh"])
            b = _matvec(h_prev, p["W_hh"])
            h_prev = [math.tanh(a[j] + b[j] + p["b_h"][j]) for j in range(len(a))]
            out = _matvec(h_prev, p["W_hy"])
            hs.append(h_prev)
            ys.append([out[o] + p["b_y"][o] for o in range(len(out))])
        h.append(hs)
        y.append(ys)
        print("DEBUG rnn_forward sequence", n, "done")
    return h, y


def rnn_backward(dh, dy, x, h0, h, params):
    p = {k: v.tolist() for k, v in params.items()}
    dh, dy, x, h0, h = dh.tolist(), dy.tolist(), x.tolist(), h0.tolist(), h.tolist()
    D, H, O = len(p["W_xh"]), len(p["W_hh"]), len(p["b_y"])
    g = {"W_xh": [[0.0] * H for _ in range(D)], "W_hh": [[0.0] * H for _ in range(H)], "b_h": [0.0] * H,
         "W_hy": [[0.0] * O for _ in range(H)], "b_y": [0.0] * O}
    dx, dh0 = [], []
    for n in range(len(x)):
        T = len(x[n])
        carry = [0.0] * H
        dx_n = [None] * T
        for t in reversed(range(T)):
            h_t = h[n][t]
            h_prev = h[n][t - 1] if t > 0 else h0[n]
            for i in range(H):
                for o in range(O):
                    g["W_hy"][i][o] += h_t[i] * dy[n][t][o]
            for o in range(O):
                g["b_y"][o] += dy[n][t][o]
            up = _mat_t_vec(dy[n][t], p["W_hy"])
            dz = [(dh[n][t][j] + up[j] + carry[j]) * (1.0 - h_t[j] ** 2) for j in range(H)]
            for d in range(D):
                for j in range(H):
                    g["W_xh"][d][j] += x[n][t][d] * dz[j]
            for i in range(H):
                for j in range(H):
                    g["W_hh"][i][j] += h_prev[i] * dz[j]
            for j in range(H):
                g["b_h"][j] += dz[j]
            dx_n[t] = _mat_t_vec(dz, p["W_xh"])
            carry = _mat_t_vec(dz, p["W_hh"])
        dx.append(dx_n)
        dh0.append(carry)
    print("DEBUG rnn_backward grads", {k: len(v) for k, v in g.items()})
    return dx, dh0, g
