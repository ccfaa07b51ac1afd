"""Bug: the candidate's tanh derivative is forgotten: da_g = dc_t * i_t."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_backward",)
BUG_CODES = ("lstm_candidate_derivative_missing",)


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    N, T, D = x.shape
    H = h0.shape[1]
    dx = np.zeros_like(x)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    up_h = np.zeros_like(h0)
    up_c = np.zeros_like(c0)
    for t in reversed(range(T)):
        hp, cp = (h[:, t - 1], c[:, t - 1]) if t > 0 else (h0, c0)
        pre = x[:, t] @ params["W_x"] + hp @ params["W_h"] + params["b"]
        ig, fg, og = (0.5 * (1 + np.tanh(0.5 * pre[:, q * H:(q + 1) * H])) for q in range(3))
        gg = np.tanh(pre[:, 3 * H:])
        tct = np.tanh(c[:, t])
        gh = dh[:, t] + up_h
        gc = dc[:, t] + up_c + gh * og * (1 - tct ** 2)
        dpre = np.concatenate([gc * gg * ig * (1 - ig), gc * cp * fg * (1 - fg), gh * tct * og * (1 - og), gc * ig], 1)
        dx[:, t] = dpre @ params["W_x"].T
        grads["W_x"] += x[:, t].T @ dpre
        grads["W_h"] += hp.T @ dpre
        grads["b"] += dpre.sum(0)
        up_h = dpre @ params["W_h"].T
        up_c = gc * fg
    return dx, up_h, up_c, grads
