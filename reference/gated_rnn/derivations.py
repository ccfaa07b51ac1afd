"""Symbolic derivations (sympy) behind the gated_rnn assignment: the source of truth for the reference.

Everything here is differentiated by sympy from the forward definitions of the contract
(docs/contracts/gated_rnn.md), never typed in by hand, and the NumPy reference in
reference/gated_rnn/solution/ is tested against it (tests/gated_rnn/test_gated_reference_vs_sympy.py).

(a) The LSTM one-step state Jacobian: s_t = [h_t, c_t] as a function of s_{t-1} = [h_{t-1}, c_{t-1}]
    for a small H, differentiated with ``Matrix.jacobian`` (numerator layout,
    J[i, j] = d s_t[i] / d s_{t-1}[j]). Its lower-right block is shown to be exactly diag(f_t) and
    its upper-right block exactly diag(o_t (1 - tanh(c_t)^2) f_t).
(b) BPTT of a tiny unrolled LSTM: L = sum(dh * h) + sum(dc * c) differentiated with respect to
    x, h0, c0 and every parameter.
(c) BPTT of a tiny unrolled GRU (the notes' GRU, reset gate before W_hn): L = sum(dh * h).
(d) Truncated BPTT of the vanilla RNN: the forward is rebuilt with each detached state h_{mk}
    (m >= 1) replaced, where step mk+1 reads it, by a fresh symbol; L is differentiated with those
    symbols held constant and then evaluated with each symbol set to the value of h_{mk}.

The sigmoid is written (1 + tanh(a / 2)) / 2, equal to 1 / (1 + exp(-a)) (part 1's
reference/rnn_bptt/derivations.py proves it) and overflow-free when lambdified.
"""
from functools import cache

import numpy as np
import sympy as sp

LSTM_KEYS = ("W_x", "W_h", "b")
GRU_KEYS = ("W_xr", "W_hr", "b_r", "W_xz", "W_hz", "b_z", "W_xn", "W_hn", "b_n")
RNN_KEYS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def sigma(a):
    """The logistic function in its tanh form (sympy expression)."""
    return (1 + sp.tanh(a / 2)) / 2


def _row(name, n):
    return sp.Matrix(1, n, lambda _, j: sp.Symbol(f"{name}_{j}", real=True))


def _mat(name, rows, cols):
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i}_{j}", real=True))


def _flat(items):
    out = []
    for it in items:
        out.extend(it if isinstance(it, sp.MatrixBase) else _flat(it))
    return out


# --------------------------------------------------------------------------------------------
# LSTM
# --------------------------------------------------------------------------------------------
def lstm_params(D, H):
    return {"W_x": _mat("W_x", D, 4 * H), "W_h": _mat("W_h", H, 4 * H), "b": _row("b", 4 * H)}


def lstm_step(x_t, h_prev, c_prev, P):
    """One symbolic LSTM step on rows (1, D), (1, H), (1, H) -> dict with the gates, c_t and h_t."""
    H = h_prev.shape[1]
    a = x_t * P["W_x"] + h_prev * P["W_h"] + P["b"]
    i = a[:, 0:H].applyfunc(sigma)
    f = a[:, H:2 * H].applyfunc(sigma)
    o = a[:, 2 * H:3 * H].applyfunc(sigma)
    g = a[:, 3 * H:4 * H].applyfunc(sp.tanh)
    c = f.multiply_elementwise(c_prev) + i.multiply_elementwise(g)
    h = o.multiply_elementwise(c.applyfunc(sp.tanh))
    return {"i": i, "f": f, "o": o, "g": g, "c": c, "h": h}


def lstm_one_step_jacobian(D=1, H=2):
    """sympy's jacobian of [h_t, c_t] w.r.t. [h_{t-1}, c_{t-1}]: a dict with the symbols, the
    step (gates, c, h) and "J" (2H, 2H)."""
    x_t, h_prev, c_prev, P = _row("x", D), _row("h_prev", H), _row("c_prev", H), lstm_params(D, H)
    step = lstm_step(x_t, h_prev, c_prev, P)
    s_t = step["h"].row_join(step["c"])
    J = s_t.jacobian(h_prev.row_join(c_prev))
    return {"x": x_t, "h_prev": h_prev, "c_prev": c_prev, "params": P, "step": step, "J": J}


def cell_block_residuals(D=1, H=2):
    """(lower-right block - diag(f_t), upper-right block - diag(o_t (1 - tanh(c_t)^2) f_t)),
    each simplified: both the zero (H, H) matrix."""
    s = lstm_one_step_jacobian(D, H)
    st, J = s["step"], s["J"]
    tc = st["c"].applyfunc(sp.tanh)
    lower = J[H:, H:] - sp.diag(*st["f"])
    upper = J[:H, H:] - sp.diag(*[st["o"][j] * (1 - tc[j] ** 2) * st["f"][j] for j in range(H)])
    return lower.applyfunc(sp.simplify), upper.applyfunc(sp.simplify)


@cache
def _lstm_jacobian_function(D, H):
    s = lstm_one_step_jacobian(D, H)
    args = list(s["x"]) + list(s["h_prev"]) + list(s["c_prev"]) + [v for k in LSTM_KEYS for v in s["params"][k]]
    return sp.lambdify(args, s["J"], "numpy", cse=True)


def lstm_state_jacobian_sympy(x_t, h_prev, c_prev, params):
    """x_t (D,), h_prev (H,), c_prev (H,) -> J (2H, 2H) evaluated from the sympy jacobian."""
    D, H = len(x_t), len(h_prev)
    f = _lstm_jacobian_function(D, H)
    flat = [*np.ravel(x_t), *np.ravel(h_prev), *np.ravel(c_prev)]
    flat += [v for k in LSTM_KEYS for v in np.ravel(params[k])]
    return np.asarray(f(*flat), dtype=np.float64).reshape(2 * H, 2 * H)


def unrolled_lstm(N, T, D, H):
    """Symbolic unrolled LSTM: dict with params, x[n][t], h0[n], c0[n], dh[n][t], dc[n][t], the
    states h[n][t], c[n][t] (h[n][t] is h_{t+1}) and L = sum(dh * h) + sum(dc * c)."""
    P = lstm_params(D, H)
    x = [[_row(f"x_{n}_{t}", D) for t in range(T)] for n in range(N)]
    h0, c0 = [_row(f"h0_{n}", H) for n in range(N)], [_row(f"c0_{n}", H) for n in range(N)]
    dh = [[_row(f"dh_{n}_{t}", H) for t in range(T)] for n in range(N)]
    dc = [[_row(f"dc_{n}_{t}", H) for t in range(T)] for n in range(N)]
    hs, cs, L = [], [], sp.Integer(0)
    for n in range(N):
        h_prev, c_prev, hrow, crow = h0[n], c0[n], [], []
        for t in range(T):
            st = lstm_step(x[n][t], h_prev, c_prev, P)
            h_prev, c_prev = st["h"], st["c"]
            hrow.append(h_prev)
            crow.append(c_prev)
            L += (dh[n][t] * h_prev.T)[0, 0] + (dc[n][t] * c_prev.T)[0, 0]
        hs.append(hrow)
        cs.append(crow)
    return {"params": P, "x": x, "h0": h0, "c0": c0, "dh": dh, "dc": dc, "h": hs, "c": cs, "L": L}


@cache
def _lstm_functions(N, T, D, H):
    m = unrolled_lstm(N, T, D, H)
    p = [v for k in LSTM_KEYS for v in m["params"][k]]
    inputs = p + _flat(m["x"]) + _flat(m["h0"]) + _flat(m["c0"])
    grads = [sp.diff(m["L"], s) for s in inputs]
    forward = sp.lambdify(inputs, _flat(m["h"]) + _flat(m["c"]), "numpy", cse=True)
    backward = sp.lambdify(inputs + _flat(m["dh"]) + _flat(m["dc"]), grads, "numpy", cse=True)
    return forward, backward


def _split(flat, shapes):
    out, i = [], 0
    for shape in shapes:
        n = int(np.prod(shape))
        out.append(np.asarray(flat[i:i + n], dtype=np.float64).reshape(shape))
        i += n
    return out


def lstm_forward_sympy(x, h0, c0, params):
    """x (N, T, D), h0, c0 (N, H) -> h, c (N, T, H), from the symbolic unrolled LSTM (tiny sizes)."""
    N, T, D = x.shape
    H = h0.shape[1]
    forward, _ = _lstm_functions(N, T, D, H)
    flat = [v for k in LSTM_KEYS for v in np.ravel(params[k])] + [*x.ravel(), *h0.ravel(), *c0.ravel()]
    return tuple(_split(np.asarray(forward(*flat), dtype=np.float64), [(N, T, H), (N, T, H)]))


def lstm_backward_sympy(dh, dc, x, h0, c0, params):
    """Gradients of L = sum(dh * h) + sum(dc * c): (dx, dh0, dc0, grads), differentiated symbolically."""
    N, T, D = x.shape
    H = h0.shape[1]
    _, backward = _lstm_functions(N, T, D, H)
    flat = [v for k in LSTM_KEYS for v in np.ravel(params[k])] + [*x.ravel(), *h0.ravel(), *c0.ravel()]
    g = np.asarray(backward(*flat, *np.ravel(dh), *np.ravel(dc)), dtype=np.float64)
    parts = _split(g, [params[k].shape for k in LSTM_KEYS] + [x.shape, h0.shape, c0.shape])
    grads = dict(zip(LSTM_KEYS, parts[:3]))
    return parts[3], parts[4], parts[5], grads


# --------------------------------------------------------------------------------------------
# GRU
# --------------------------------------------------------------------------------------------
def gru_params(D, H):
    P = {}
    for gate in "rzn":
        P[f"W_x{gate}"] = _mat(f"W_x{gate}", D, H)
        P[f"W_h{gate}"] = _mat(f"W_h{gate}", H, H)
        P[f"b_{gate}"] = _row(f"b_{gate}", H)
    return P


def gru_step(x_t, h_prev, P):
    """One symbolic GRU step, the notes' form: the reset gate multiplies h_{t-1} before W_hn."""
    r = (x_t * P["W_xr"] + h_prev * P["W_hr"] + P["b_r"]).applyfunc(sigma)
    z = (x_t * P["W_xz"] + h_prev * P["W_hz"] + P["b_z"]).applyfunc(sigma)
    n = (x_t * P["W_xn"] + r.multiply_elementwise(h_prev) * P["W_hn"] + P["b_n"]).applyfunc(sp.tanh)
    one = sp.ones(*z.shape)
    return (one - z).multiply_elementwise(h_prev) + z.multiply_elementwise(n)


def unrolled_gru(N, T, D, H):
    """Symbolic unrolled GRU: dict with params, x[n][t], h0[n], dh[n][t], the states h[n][t]
    (h[n][t] is h_{t+1}) and L = sum(dh * h)."""
    P = gru_params(D, H)
    x = [[_row(f"x_{n}_{t}", D) for t in range(T)] for n in range(N)]
    h0 = [_row(f"h0_{n}", H) for n in range(N)]
    dh = [[_row(f"dh_{n}_{t}", H) for t in range(T)] for n in range(N)]
    hs, L = [], sp.Integer(0)
    for n in range(N):
        h_prev, hrow = h0[n], []
        for t in range(T):
            h_prev = gru_step(x[n][t], h_prev, P)
            hrow.append(h_prev)
            L += (dh[n][t] * h_prev.T)[0, 0]
        hs.append(hrow)
    return {"params": P, "x": x, "h0": h0, "dh": dh, "h": hs, "L": L}


@cache
def _gru_functions(N, T, D, H):
    m = unrolled_gru(N, T, D, H)
    inputs = [v for k in GRU_KEYS for v in m["params"][k]] + _flat(m["x"]) + _flat(m["h0"])
    grads = [sp.diff(m["L"], s) for s in inputs]
    forward = sp.lambdify(inputs, _flat(m["h"]), "numpy", cse=True)
    backward = sp.lambdify(inputs + _flat(m["dh"]), grads, "numpy", cse=True)
    return forward, backward


def gru_forward_sympy(x, h0, params):
    """x (N, T, D), h0 (N, H) -> h (N, T, H), from the symbolic unrolled GRU (tiny sizes)."""
    N, T, D = x.shape
    H = h0.shape[1]
    forward, _ = _gru_functions(N, T, D, H)
    flat = [v for k in GRU_KEYS for v in np.ravel(params[k])] + [*x.ravel(), *h0.ravel()]
    return np.asarray(forward(*flat), dtype=np.float64).reshape(N, T, H)


def gru_backward_sympy(dh, x, h0, params):
    """Gradients of L = sum(dh * h): (dx, dh0, grads), differentiated symbolically."""
    N, T, D = x.shape
    H = h0.shape[1]
    _, backward = _gru_functions(N, T, D, H)
    flat = [v for k in GRU_KEYS for v in np.ravel(params[k])] + [*x.ravel(), *h0.ravel()]
    g = np.asarray(backward(*flat, *np.ravel(dh)), dtype=np.float64)
    parts = _split(g, [params[k].shape for k in GRU_KEYS] + [x.shape, h0.shape])
    return parts[-2], parts[-1], dict(zip(GRU_KEYS, parts[:-2]))


# --------------------------------------------------------------------------------------------
# Truncated BPTT of the vanilla RNN
# --------------------------------------------------------------------------------------------
@cache
def _truncated_functions(N, T, D, H, O, k):
    """Symbolic truncated BPTT: returns (forward, backward) lambdified functions.

    The forward used for differentiation reads, at step mk+1 (m >= 1), a symbol s_{n,m} in place
    of h_{mk}; h_{mk} itself (with its dh and dy terms in L) is the full expression. backward
    takes the detached values as extra arguments.
    """
    P = {"W_xh": _mat("W_xh", D, H), "W_hh": _mat("W_hh", H, H), "b_h": _row("b_h", H),
         "W_hy": _mat("W_hy", H, O), "b_y": _row("b_y", O)}
    x = [[_row(f"x_{n}_{t}", D) for t in range(T)] for n in range(N)]
    h0 = [_row(f"h0_{n}", H) for n in range(N)]
    dh = [[_row(f"dh_{n}_{t}", H) for t in range(T)] for n in range(N)]
    dy = [[_row(f"dy_{n}_{t}", O) for t in range(T)] for n in range(N)]
    boundaries = [t for t in range(1, T) if t % k == 0]          # h_t detached for these t
    detached = [[_row(f"s_{n}_{t}", H) for t in boundaries] for n in range(N)]
    hs, L = [], sp.Integer(0)
    for n in range(N):
        h_prev = h0[n]
        for t in range(1, T + 1):
            if t - 1 in boundaries:
                h_prev = detached[n][boundaries.index(t - 1)]   # step t reads h_{t-1} as a constant
            h_t = (x[n][t - 1] * P["W_xh"] + h_prev * P["W_hh"] + P["b_h"]).applyfunc(sp.tanh)
            y_t = h_t * P["W_hy"] + P["b_y"]
            hs.append(h_t)
            L += (dh[n][t - 1] * h_t.T)[0, 0] + (dy[n][t - 1] * y_t.T)[0, 0]
            h_prev = h_t
    inputs = [v for key in RNN_KEYS for v in P[key]] + _flat(x) + _flat(h0)
    grads = [sp.diff(L, s) for s in inputs]
    det = _flat(detached)
    # the plain (undetached) forward, to compute the values the detached symbols take
    plain_h = []
    for n in range(N):
        h_prev = h0[n]
        for t in range(T):
            h_prev = (x[n][t] * P["W_xh"] + h_prev * P["W_hh"] + P["b_h"]).applyfunc(sp.tanh)
            plain_h.append(h_prev)
    plain = sp.lambdify(inputs, _flat(plain_h), "numpy", cse=True)
    backward = sp.lambdify(inputs + det + _flat(dh) + _flat(dy), grads, "numpy", cse=True)
    return plain, backward, boundaries


def rnn_backward_truncated_sympy(dh, dy, x, h0, params, k):
    """Truncated BPTT as the symbolic gradient with the detached states held constant.

    dh (N, T, H), dy (N, T, O), x (N, T, D), h0 (N, H), params as in part 1, k >= 1.
    Returns (dx, dh0, grads). Tiny sizes only.
    """
    N, T, D = x.shape
    H, O = params["W_hh"].shape[0], params["W_hy"].shape[1]
    plain, backward, boundaries = _truncated_functions(N, T, D, H, O, min(k, T))
    flat = [v for key in RNN_KEYS for v in np.ravel(params[key])] + [*x.ravel(), *h0.ravel()]
    h = np.asarray(plain(*flat), dtype=np.float64).reshape(N, T, H)
    det = [v for n in range(N) for t in boundaries for v in h[n, t - 1]]
    g = np.asarray(backward(*flat, *det, *np.ravel(dh), *np.ravel(dy)), dtype=np.float64)
    parts = _split(g, [params[key].shape for key in RNN_KEYS] + [x.shape, h0.shape])
    return parts[-2], parts[-1], dict(zip(RNN_KEYS, parts[:-2]))
