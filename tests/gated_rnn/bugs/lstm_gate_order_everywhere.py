"""Bug: one helper splits a_t in PyTorch's order i, f, g, o, and all three LSTM functions use it."""
import numpy as np

BUG_FILE = "lstm"
BUG_BREAKS = ("lstm_forward", "lstm_backward", "lstm_state_jacobian")
BUG_CODES = ("lstm_gate_order",)


def _sgm(v):
    return 0.5 * (1.0 + np.tanh(0.5 * v))


def _my_gates(xt, hp, params):
    H = hp.shape[-1]
    a = xt @ params["W_x"] + hp @ params["W_h"] + params["b"]
    return (_sgm(a[..., :H]), _sgm(a[..., H:2 * H]), np.tanh(a[..., 2 * H:3 * H]), _sgm(a[..., 3 * H:]))


def lstm_forward(x, h0, c0, params):
    N, T, D = x.shape
    h, c = np.zeros((N, T, h0.shape[1])), np.zeros((N, T, h0.shape[1]))
    hp, cp = h0, c0
    for t in range(T):
        i, f, g, o = _my_gates(x[:, t], hp, params)
        cp = f * cp + i * g
        hp = o * np.tanh(cp)
        h[:, t], c[:, t] = hp, cp
    return h, c


def lstm_backward(dh, dc, x, h0, c0, h, c, params):
    N, T, D = x.shape
    dx = np.zeros_like(x)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dh_n, dc_n = np.zeros_like(h0), np.zeros_like(c0)
    for t in range(T - 1, -1, -1):
        hp = h[:, t - 1] if t else h0
        cp = c[:, t - 1] if t else c0
        i, f, g, o = _my_gates(x[:, t], hp, params)
        th = np.tanh(c[:, t])
        dht = dh[:, t] + dh_n
        dct = dc[:, t] + dc_n + dht * o * (1 - th ** 2)
        da = np.concatenate([dct * g * i * (1 - i), dct * cp * f * (1 - f), dct * i * (1 - g ** 2),
                             dht * th * o * (1 - o)], axis=1)
        dx[:, t] = da @ params["W_x"].T
        grads["W_x"] += x[:, t].T @ da
        grads["W_h"] += hp.T @ da
        grads["b"] += da.sum(0)
        dh_n, dc_n = da @ params["W_h"].T, dct * f
    return dx, dh_n, dc_n, grads


def lstm_state_jacobian(x_t, h_prev, c_prev, params):
    H = h_prev.shape[0]
    i, f, g, o = _my_gates(x_t, h_prev, params)
    ct = f * c_prev + i * g
    th = np.tanh(ct)
    Wi, Wf, Wg, Wo = (params["W_h"][:, j * H:(j + 1) * H] for j in range(4))
    dcdh = np.diag(g * i * (1 - i)) @ Wi.T + np.diag(c_prev * f * (1 - f)) @ Wf.T + np.diag(i * (1 - g ** 2)) @ Wg.T
    dhdh = np.diag(th * o * (1 - o)) @ Wo.T + np.diag(o * (1 - th ** 2)) @ dcdh
    return np.block([[dhdh, np.diag(o * (1 - th ** 2) * f)], [dcdh, np.diag(f)]])
