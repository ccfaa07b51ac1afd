# Written for the similarity bank: an independent style (gates split with np.split, caches kept).
import numpy as np


def _sig(a):
    return 0.5 + 0.5 * np.tanh(0.5 * a)


def lstm_forward(x, h0, c0, params):
    hs, cs = [], []
    hid, cell = h0, c0
    for step in range(x.shape[1]):
        pre = np.dot(x[:, step], params["W_x"]) + np.dot(hid, params["W_h"]) + params["b"]
        ig, fg, og, cand = np.split(pre, 4, axis=-1)
        cell = _sig(fg) * cell + _sig(ig) * np.tanh(cand)
        hid = _sig(og) * np.tanh(cell)
        hs.append(hid)
        cs.append(cell)
    return np.stack(hs, axis=1), np.stack(cs, axis=1)


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    Wx, Wh = params["W_x"], params["W_h"]
    hs_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
    cs_prev = np.concatenate([c0[:, None], c[:, :-1]], axis=1)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(params["b"])
    dx = np.zeros_like(x)
    gh, gc = np.zeros_like(h0), np.zeros_like(c0)
    for step in reversed(range(x.shape[1])):
        pre = np.dot(x[:, step], Wx) + np.dot(hs_prev[:, step], Wh) + params["b"]
        ig, fg, og, cand = np.split(pre, 4, axis=-1)
        i, f, o, g = _sig(ig), _sig(fg), _sig(og), np.tanh(cand)
        th = np.tanh(c[:, step])
        gh = gh + dh[:, step]
        gc = gc + dc[:, step] + gh * o * (1 - th * th)
        dpre = np.hstack([gc * g * i * (1 - i), gc * cs_prev[:, step] * f * (1 - f),
                          gh * th * o * (1 - o), gc * i * (1 - g * g)])
        dWx += np.dot(x[:, step].T, dpre)
        dWh += np.dot(hs_prev[:, step].T, dpre)
        db += dpre.sum(axis=0)
        dx[:, step] = np.dot(dpre, Wx.T)
        gh = np.dot(dpre, Wh.T)
        gc = gc * f
    return dx, gh, gc, {"W_x": dWx, "W_h": dWh, "b": db}


def lstm_state_jacobian(x_t, h_prev, c_prev, params):
    Wh = params["W_h"]
    n = Wh.shape[0]
    pre = x_t @ params["W_x"] + h_prev @ Wh + params["b"]
    ig, fg, og, cand = np.split(pre, 4)
    i, f, o, g = _sig(ig), _sig(fg), _sig(og), np.tanh(cand)
    c_new = f * c_prev + i * g
    th = np.tanh(c_new)
    Wi, Wf, Wo, Wg = np.split(Wh, 4, axis=1)
    dc_dh = Wi.T * (g * i * (1 - i))[:, None] + Wf.T * (c_prev * f * (1 - f))[:, None] \
        + Wg.T * (i * (1 - g * g))[:, None]
    out = np.zeros((2 * n, 2 * n))
    out[n:, :n] = dc_dh
    out[n:, n:] = np.diag(f)
    out[:n, :n] = Wo.T * (th * o * (1 - o))[:, None] + (o * (1 - th * th))[:, None] * dc_dh
    out[:n, n:] = np.diag(o * (1 - th * th) * f)
    return out
