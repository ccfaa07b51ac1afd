import numpy as np


def _sigmoid(v):
    out = np.empty_like(v)
    pos = v >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-v[pos]))
    ev = np.exp(v[~pos])
    out[~pos] = ev / (1.0 + ev)
    return out


def _step(xt, hp, cp, params):
    H = hp.shape[1]
    a = xt.dot(params["W_x"]) + hp.dot(params["W_h"]) + params["b"]
    ig = _sigmoid(a[:, :H])
    fg = _sigmoid(a[:, H:2 * H])
    og = _sigmoid(a[:, 2 * H:3 * H])
    gg = np.tanh(a[:, 3 * H:])
    cn = fg * cp + ig * gg
    hn = og * np.tanh(cn)
    return hn, cn, (ig, fg, og, gg)


def lstm_forward(x, h0, c0, params):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    c = np.zeros((N, T, H))
    hp, cp = h0, c0
    for t in range(T):
        hp, cp, _ = _step(x[:, t, :], hp, cp, params)
        h[:, t, :] = hp
        c[:, t, :] = cp
    return h, c


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    # adapted from my CS231n lstm_backward (which only gets dh)
    N, T, D = x.shape
    H = h0.shape[1]
    dx = np.zeros_like(x)
    dWx = np.zeros_like(params["W_x"])
    dWh = np.zeros_like(params["W_h"])
    db = np.zeros_like(params["b"])
    dnext_h = np.zeros((N, H))
    dnext_c = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        hp = h0 if t == 0 else h[:, t - 1, :]
        cp = c0 if t == 0 else c[:, t - 1, :]
        _, cn, (ig, fg, og, gg) = _step(x[:, t, :], hp, cp, params)
        dht = dh[:, t, :] + dnext_h
        tc = np.tanh(cn)
        dct = dnext_c + dht * og * (1 - tc * tc)
        dai = dct * gg * ig * (1 - ig)
        daf = dct * cp * fg * (1 - fg)
        dao = dht * tc * og * (1 - og)
        dag = dct * ig * (1 - gg * gg)
        da = np.hstack((dai, daf, dao, dag))
        dx[:, t, :] = da.dot(params["W_x"].T)
        dWx += x[:, t, :].T.dot(da)
        dWh += hp.T.dot(da)
        db += da.sum(axis=0)
        dnext_h = da.dot(params["W_h"].T)
        dnext_c = dct * fg
    return dx, dnext_h, dnext_c, {"W_x": dWx, "W_h": dWh, "b": db}


def lstm_state_jacobian(x_t, h_prev, c_prev, params):
    H = h_prev.shape[0]
    _, cn, (ig, fg, og, gg) = _step(x_t[None], h_prev[None], c_prev[None], params)
    ig, fg, og, gg, cn = ig[0], fg[0], og[0], gg[0], cn[0]
    Wh = params["W_h"]
    tc = np.tanh(cn)
    # rows = outputs, cols = inputs
    dc_dh = np.zeros((H, H))
    dh_dh = np.zeros((H, H))
    for r in range(H):
        for q in range(H):
            di = ig[r] * (1 - ig[r]) * Wh[q, r]
            df = fg[r] * (1 - fg[r]) * Wh[q, H + r]
            do = og[r] * (1 - og[r]) * Wh[q, 2 * H + r]
            dg = (1 - gg[r] ** 2) * Wh[q, 3 * H + r]
            dc_dh[r, q] = df * c_prev[r] + di * gg[r] + ig[r] * dg
            dh_dh[r, q] = do * tc[r] + og[r] * (1 - tc[r] ** 2) * dc_dh[r, q]
    top = np.hstack([dh_dh, np.diag(og * (1 - tc ** 2) * fg)])
    bottom = np.hstack([dc_dh, np.diag(fg)])
    return np.vstack([top, bottom])
