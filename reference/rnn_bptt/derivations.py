"""Symbolic derivations (sympy) behind the assignment: the source of truth for the reference.

Everything here is derived by sympy from the definitions, never typed in by hand, and the
NumPy reference in reference/rnn_bptt/solution/ is tested against it (tests/test_reference_vs_sympy.py).

(a) Activations. sigma(x) = 1 / (1 + exp(-x)) and tanh(x) = (e^x - e^-x) / (e^x + e^-x) are
    differentiated symbolically; the residuals against sigma (1 - sigma) and 1 - tanh^2 are 0.
(b) The one-step hidden-state Jacobian for the row convention
    h_t = phi(h_{t-1} @ W_hh + a + b), where a stands for the input term x_t @ W_xh,
    computed with sympy's ``Matrix.jacobian`` (numerator layout, J[i, j] = d h_t[i] / d h_{t-1}[j])
    and shown equal to diag(phi'(z_t)) @ W_hh.T with phi' written from the state
    (1 - h_t^2 for tanh, h_t (1 - h_t) for sigmoid).
    The same Jacobian for a symbolic size H (``jacobian_entry``): one entry J[i, j], with z_t
    eliminated in favour of the state h_t, printed for any H by reference/rnn_bptt/generate_derived.py.
(c) BPTT of a tiny unrolled RNN: L = sum(dh * h) + sum(dy * y) differentiated symbolically with
    respect to every parameter, the inputs x and the initial state h0.

reference/rnn_bptt/generate_derived.py prints (a) to (c) as plain NumPy code into
autograder/assignments/rnn_bptt/derived.py,
which the grader uses as an oracle at grade time without importing sympy.

Numerics. ``lambdify`` of 1 / (1 + exp(-x)) overflows in exp for x near -1000. Whenever a sigmoid
is turned into a NumPy function we use the equal form (1 + tanh(x / 2)) / 2 instead (equality
proven by ``sigmoid_tanh_form_residual``); np.tanh never overflows. That form is exact to about
1e-16 in absolute terms but not relatively in the far negative tail (it returns 0 where the
sigmoid is below ~1e-17), so compare with a small absolute tolerance there.
"""
from functools import cache

import numpy as np
import sympy as sp

ACTIVATIONS = ("tanh", "sigmoid")
PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")

_x = sp.Symbol("x", real=True)


# --------------------------------------------------------------------------------------------
# (a) Activations and their derivatives
# --------------------------------------------------------------------------------------------
def sigmoid_definition(x):
    """The logistic function as defined: 1 / (1 + exp(-x)) (sympy expression)."""
    return 1 / (1 + sp.exp(-x))


def tanh_definition(x):
    """tanh written with exponentials: (e^x - e^-x) / (e^x + e^-x) (sympy expression)."""
    return (sp.exp(x) - sp.exp(-x)) / (sp.exp(x) + sp.exp(-x))


def sigmoid_tanh_form(x):
    """(1 + tanh(x / 2)) / 2: equal to the sigmoid, and overflow-free when lambdified."""
    return (1 + sp.tanh(x / 2)) / 2


def sigmoid_derivative_residual():
    """d/dx sigma(x) - sigma(x) (1 - sigma(x)), with sigma the definition; returns 0 (sympy)."""
    s = sigmoid_definition(_x)
    return sp.cancel(sp.together(sp.diff(s, _x) - s * (1 - s)))


def tanh_derivative_residual():
    """d/dx tanh(x) - (1 - tanh(x)^2), derived from the exp definition; returns 0 (sympy).

    The right-hand side is written with sympy's tanh and compared after rewriting it to exp
    (cheaper and more transparent than simplifying sech^2).
    """
    derived = sp.diff(tanh_definition(_x), _x)
    claimed = (1 - sp.tanh(_x) ** 2).rewrite(sp.exp)
    return sp.cancel(sp.together(sp.expand(derived - claimed)))


def sigmoid_tanh_form_residual():
    """sigma(x) - (1 + tanh(x / 2)) / 2 after rewriting tanh to exp; returns 0 (sympy)."""
    t = sp.Symbol("t", positive=True)          # t = exp(x / 2), so exp(-x) = 1 / t^2
    lhs = 1 / (1 + 1 / t ** 2)
    rhs = sigmoid_tanh_form(_x).rewrite(sp.exp).subs(sp.exp(_x / 2), t).subs(sp.exp(-_x / 2), 1 / t)
    return sp.cancel(sp.together(lhs - rhs))


def sigmoid_max_derivative():
    """max over x of sigma'(x), found by solving sigma''(x) = 0 symbolically: 1/4 (sympy)."""
    d = sp.diff(sigmoid_definition(_x), _x)
    crit = sp.solve(sp.Eq(sp.diff(d, _x), 0), _x)
    return sp.nsimplify(max(d.subs(_x, c) for c in crit))


def tanh_max_derivative():
    """max over x of tanh'(x), attained at the critical point x = 0: 1 (sympy)."""
    d = sp.diff(sp.tanh(_x), _x)
    crit = sp.solve(sp.Eq(sp.diff(d, _x), 0), _x)
    return max(d.subs(_x, c) for c in crit)


def safe_activation_derivative(name):
    """phi'(x) for phi = "sigmoid" or "tanh", derived from the exp definition, in an overflow-free form.

    Steps, all by sympy: differentiate the definition; write the result as a rational function of
    u = exp(-x) (no other x may remain); check that phi' is even (phi'(x) - phi'(-x) == 0), so
    that phi'(x) = phi'(|x|); substitute u = exp(-|x|) <= 1. exp never overflows there, and the
    value is accurate relative to its size even far in the tails (unlike 1 - tanh(x)^2).
    Returns a sympy expression of the real symbol x.
    """
    definition = {"sigmoid": sigmoid_definition, "tanh": tanh_definition}[name]
    u = sp.Symbol("u", positive=True)
    d = sp.diff(definition(_x), _x)
    if sp.simplify(d - d.subs(_x, -_x)) != 0:
        raise AssertionError(f"{name}' should be an even function")
    in_u = sp.factor(sp.cancel(d.subs({sp.exp(_x): 1 / u, sp.exp(-_x): u})))
    if in_u.free_symbols != {u}:
        raise AssertionError(f"{name}' is not a rational function of exp(-x): {in_u}")
    return in_u.subs(u, sp.exp(-sp.Abs(_x)))


@cache
def _activation_functions():
    sig = sigmoid_tanh_form(_x)
    return {
        "sigmoid": sp.lambdify(_x, sig, "numpy"),
        "sigmoid_derivative": sp.lambdify(_x, sp.diff(sig, _x), "numpy"),
        "tanh_derivative": sp.lambdify(_x, sp.diff(sp.tanh(_x), _x), "numpy"),
    }


def sigmoid_numeric(x):
    """Lambdified sigmoid: x (any shape) -> same shape, float64; finite for any finite x."""
    x = np.asarray(x, dtype=np.float64)
    return np.asarray(_activation_functions()["sigmoid"](x), dtype=np.float64) + np.zeros_like(x)


def sigmoid_derivative_numeric(x):
    """Lambdified d sigma / dx of the pre-activation x: same shape as x, float64."""
    x = np.asarray(x, dtype=np.float64)
    return np.asarray(_activation_functions()["sigmoid_derivative"](x), dtype=np.float64) + np.zeros_like(x)


def tanh_derivative_numeric(x):
    """Lambdified d tanh / dx of the pre-activation x: same shape as x, float64."""
    x = np.asarray(x, dtype=np.float64)
    return np.asarray(_activation_functions()["tanh_derivative"](x), dtype=np.float64) + np.zeros_like(x)


# --------------------------------------------------------------------------------------------
# (b) The one-step hidden-state Jacobian
# --------------------------------------------------------------------------------------------
def _row(name, n):
    return sp.Matrix(1, n, lambda _, j: sp.Symbol(f"{name}_{j}", real=True))


def _mat(name, rows, cols):
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i}_{j}", real=True))


def _phi(activation, numeric_form):
    if activation == "tanh":
        return sp.tanh
    if activation == "sigmoid":
        return sigmoid_tanh_form if numeric_form else sigmoid_definition
    raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")


def one_step_jacobian(H=3, activation="tanh", numeric_form=False):
    """Symbolic one step h_t = phi(h_{t-1} @ W_hh + a + b) and its Jacobian w.r.t. h_{t-1}.

    Inputs:
    - H: hidden size.
    - activation: "tanh" or "sigmoid".
    - numeric_form: write the sigmoid as (1 + tanh(z / 2)) / 2 (for lambdify) rather than
      1 / (1 + exp(-z)).

    Returns a dict of sympy objects:
    - "h_prev" (1, H), "W_hh" (H, H), "a" (1, H) the input term x_t @ W_xh, "b" (1, H),
    - "z" (1, H) the pre-activation, "h_t" (1, H),
    - "J" (H, H): sympy's jacobian of h_t w.r.t. h_prev, J[i, j] = d h_t[i] / d h_prev[j].
    """
    h_prev, W, a, b = _row("h_prev", H), _mat("W_hh", H, H), _row("a", H), _row("b", H)
    z = h_prev * W + a + b
    h_t = z.applyfunc(_phi(activation, numeric_form))
    J = h_t.jacobian(h_prev)
    return {"h_prev": h_prev, "W_hh": W, "a": a, "b": b, "z": z, "h_t": h_t, "J": J}


def jacobian_formula(h_t, W_hh, activation="tanh"):
    """The contract's closed form diag(phi') @ W_hh.T, phi' written from the state h_t (1, H)."""
    if activation == "tanh":
        d = h_t.applyfunc(lambda v: 1 - v ** 2)
    else:
        d = h_t.applyfunc(lambda v: v * (1 - v))
    return sp.diag(*d) * W_hh.T


def jacobian_residual(H=3, activation="tanh"):
    """sympy jacobian minus diag(phi'(z_t)) @ W_hh.T, entrywise reduced: the zero (H, H) matrix.

    For the sigmoid, the definition 1 / (1 + exp(-z)) is used and each exp(-z_i) is replaced by
    a positive symbol before cancelling, which keeps the check fast.
    """
    s = one_step_jacobian(H, activation)
    R = s["J"] - jacobian_formula(s["h_t"], s["W_hh"], activation)
    if activation == "sigmoid":
        u = sp.symbols(f"u_0:{H}", positive=True)
        R = R.subs({sp.exp(-s["z"][i]): u[i] for i in range(H)})
        return R.applyfunc(lambda e: sp.cancel(sp.together(e)))
    return R.applyfunc(sp.expand)


def jacobian_entry(activation="tanh"):
    """One entry J[i, j] = d h_t[i] / d h_{t-1}[j] for a symbolic hidden size H, as a function of the state.

    h_t[i] = phi(z_i) with z_i = sum_k h_prev[k] W_hh[k, i] + a[i] + b[i] (row convention); sympy
    differentiates the sum with respect to h_prev[j] (a KroneckerDelta, resolved for 0 <= j < H),
    then z_i is eliminated by substituting z_i = phi^{-1}(h_t[i]) (atanh, or the logit found by
    solving s = sigma(z)). Returns (entry, symbols): entry in terms of the IndexedBase objects
    symbols["h_t"] (H,) and symbols["W_hh"] (H, H) and the integer symbols symbols["i"], symbols["j"].
    """
    H = sp.Symbol("H", integer=True, positive=True)
    i, j, k = sp.symbols("i j k", integer=True, nonnegative=True)
    h_prev, W, a, b, h_t = (sp.IndexedBase(n) for n in ("h_prev", "W_hh", "a", "b", "h_t"))
    z_i = sp.Sum(h_prev[k] * W[k, i], (k, 0, H - 1)) + a[i] + b[i]
    phi = _phi(activation, numeric_form=False)
    d = sp.refine(sp.diff(phi(z_i), h_prev[j]).doit(), sp.Q.le(j, H - 1))
    s = sp.Symbol("s", positive=True)
    if activation == "tanh":
        inverse = sp.atanh(s)
    else:
        (inverse,) = sp.solve(sp.Eq(phi(sp.Symbol("z", real=True)), s), sp.Symbol("z", real=True))
    if sp.simplify(phi(inverse) - s) != 0:
        raise AssertionError(f"{inverse} is not the inverse of {activation}")
    entry = sp.simplify(d.subs(z_i, inverse).subs(s, h_t[i]))
    if entry.has(sp.Sum, sp.Piecewise, h_prev, a, b):
        raise AssertionError(f"the entry still depends on z_t: {entry}")
    return entry, {"h_t": h_t, "W_hh": W, "i": i, "j": j}


def jacobian_entry_residual(H=3, activation="tanh"):
    """sympy's Matrix.jacobian for size H minus the generic entry at every (i, j), with h_t = phi(z_t).

    Shows that the symbolic-H entry is the pattern of every concrete-H Jacobian: the zero (H, H) matrix.
    """
    s = one_step_jacobian(H, activation)
    entry, sym = jacobian_entry(activation)
    h_t, W = s["h_t"], s["W_hh"]
    concrete = {sym["h_t"][r]: h_t[0, r] for r in range(H)}
    concrete.update({sym["W_hh"][r, c]: W[r, c] for r in range(H) for c in range(H)})
    pattern = sp.Matrix(H, H, lambda r, c: entry.subs({sym["i"]: r, sym["j"]: c}).xreplace(concrete))
    R = s["J"] - pattern
    if activation == "sigmoid":
        u = sp.symbols(f"u_0:{H}", positive=True)
        R = R.subs({sp.exp(-s["z"][i]): u[i] for i in range(H)})
        return R.applyfunc(lambda e: sp.cancel(sp.together(e)))
    return R.applyfunc(sp.expand)


@cache
def _jacobian_function(H, activation):
    s = one_step_jacobian(H, activation, numeric_form=True)
    args = list(s["h_prev"]) + list(s["W_hh"]) + list(s["a"]) + list(s["b"])
    return sp.lambdify(args, [s["h_t"], s["J"]], "numpy", cse=True)


def one_step_jacobian_numeric(h_prev, W_hh, a, b, activation="tanh"):
    """Numbers in, numbers out, from the sympy derivation of one step.

    Inputs: h_prev (H,), W_hh (H, H), a (H,) the input term x_t @ W_xh, b (H,).
    Returns (h_t, J): h_t (H,) = phi(h_prev @ W_hh + a + b) and J (H, H) = d h_t / d h_prev,
    numerator layout.
    """
    h_prev, W_hh, a, b = (np.asarray(v, dtype=np.float64) for v in (h_prev, W_hh, a, b))
    H = h_prev.shape[0]
    f = _jacobian_function(H, activation)
    h_t, J = f(*h_prev.ravel(), *W_hh.ravel(), *a.ravel(), *b.ravel())
    return np.asarray(h_t, dtype=np.float64).reshape(H), np.asarray(J, dtype=np.float64).reshape(H, H)


# --------------------------------------------------------------------------------------------
# (c) BPTT of a tiny unrolled RNN
# --------------------------------------------------------------------------------------------
def unrolled_rnn(N, T, D, H, O):
    """Symbolic unrolled RNN h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h), y_t = h_t W_hy + b_y.

    Returns a dict of sympy objects: "params" {name: Matrix} with W_xh (D, H), W_hh (H, H),
    b_h (1, H), W_hy (H, O), b_y (1, O); "x" [n][t] rows (1, D); "h0" [n] rows (1, H);
    "dh" [n][t] rows (1, H); "dy" [n][t] rows (1, O) (symbolic upstream gradients);
    "h" [n][t] rows (1, H) (h[n][t] is h_{t+1}); "y" [n][t] rows (1, O); and the scalar loss
    "L" = sum(dh * h) + sum(dy * y), whose gradient w.r.t. h_t (from above) is dh and w.r.t.
    y_t is dy, exactly as in the contract.
    """
    P = {"W_xh": _mat("W_xh", D, H), "W_hh": _mat("W_hh", H, H), "b_h": _row("b_h", H),
         "W_hy": _mat("W_hy", H, O), "b_y": _row("b_y", O)}
    x = [[_row(f"x_{n}_{t}", D) for t in range(T)] for n in range(N)]
    h0 = [_row(f"h0_{n}", H) for n in range(N)]
    dh = [[_row(f"dh_{n}_{t}", H) for t in range(T)] for n in range(N)]
    dy = [[_row(f"dy_{n}_{t}", O) for t in range(T)] for n in range(N)]
    h, y = [], []
    L = sp.Integer(0)
    for n in range(N):
        h_prev, hs, ys = h0[n], [], []
        for t in range(T):
            h_prev = (x[n][t] * P["W_xh"] + h_prev * P["W_hh"] + P["b_h"]).applyfunc(sp.tanh)
            y_t = h_prev * P["W_hy"] + P["b_y"]
            hs.append(h_prev)
            ys.append(y_t)
            L += (dh[n][t] * h_prev.T)[0, 0] + (dy[n][t] * y_t.T)[0, 0]
        h.append(hs)
        y.append(ys)
    return {"params": P, "x": x, "h0": h0, "dh": dh, "dy": dy, "h": h, "y": y, "L": L}


def _flat(rows):
    out = []
    for r in rows:
        out.extend(r if isinstance(r, sp.MatrixBase) else _flat(r))
    return out


def bptt_gradients(N, T, D, H, O):
    """The unrolled RNN of these sizes and dL/ds for every entry s of the parameters, x and h0.

    Returns (model, wrt, grads): model as unrolled_rnn gives it; wrt the symbols in the order
    W_xh, W_hh, b_h, W_hy, b_y (each row-major), then x (n, t, d), then h0 (n, j); grads[m] is
    sp.diff(L, wrt[m]).
    """
    m = unrolled_rnn(N, T, D, H, O)
    wrt = [s for k in PARAM_NAMES for s in m["params"][k]] + _flat(m["x"]) + _flat(m["h0"])
    return m, wrt, [sp.diff(m["L"], s) for s in wrt]


@cache
def _bptt_functions(N, T, D, H, O):
    m, wrt, grads = bptt_gradients(N, T, D, H, O)
    p_syms = [s for k in PARAM_NAMES for s in m["params"][k]]
    x_syms, h0_syms = _flat(m["x"]), _flat(m["h0"])
    up_syms = _flat(m["dh"]) + _flat(m["dy"])
    forward = sp.lambdify(p_syms + x_syms + h0_syms, _flat(m["h"]) + _flat(m["y"]), "numpy", cse=True)
    backward = sp.lambdify(p_syms + x_syms + h0_syms + up_syms, grads, "numpy", cse=True)
    return forward, backward


def _shapes(x, params):
    N, T, D = x.shape
    H = params["W_hh"].shape[0]
    O = params["W_hy"].shape[1]
    return N, T, D, H, O


def _numeric_args(x, h0, params):
    params = {k: np.asarray(params[k], dtype=np.float64) for k in PARAM_NAMES}
    x, h0 = np.asarray(x, dtype=np.float64), np.asarray(h0, dtype=np.float64)
    flat = [v for k in PARAM_NAMES for v in params[k].ravel()] + list(x.ravel()) + list(h0.ravel())
    return x, h0, params, flat


def rnn_forward_sympy(x, h0, params):
    """Forward pass evaluated from the symbolic unrolled RNN.

    Inputs: x (N, T, D), h0 (N, H), params with W_xh (D, H), W_hh (H, H), b_h (H,), W_hy (H, O),
    b_y (O,). Returns h (N, T, H) and y (N, T, O). Meant for tiny sizes only.
    """
    x, h0, params, flat = _numeric_args(x, h0, params)
    N, T, D, H, O = _shapes(x, params)
    forward, _ = _bptt_functions(N, T, D, H, O)
    out = np.asarray(forward(*flat), dtype=np.float64)
    return out[: N * T * H].reshape(N, T, H), out[N * T * H:].reshape(N, T, O)


def rnn_backward_sympy(dh, dy, x, h0, params):
    """Gradients of L = sum(dh * h) + sum(dy * y), differentiated symbolically.

    Inputs: dh (N, T, H), dy (N, T, O), x (N, T, D), h0 (N, H), params as in rnn_forward_sympy.
    Returns (dx (N, T, D), dh0 (N, H), grads) with grads[k] shaped like params[k]; sums over
    batch and time, as in the contract. Meant for tiny sizes only.
    """
    x, h0, params, flat = _numeric_args(x, h0, params)
    N, T, D, H, O = _shapes(x, params)
    _, backward = _bptt_functions(N, T, D, H, O)
    up = list(np.asarray(dh, dtype=np.float64).ravel()) + list(np.asarray(dy, dtype=np.float64).ravel())
    g = np.asarray(backward(*flat, *up), dtype=np.float64)
    grads, i = {}, 0
    for k in PARAM_NAMES:
        n = params[k].size
        grads[k] = g[i:i + n].reshape(params[k].shape)
        i += n
    dx = g[i:i + x.size].reshape(x.shape)
    dh0 = g[i + x.size:].reshape(h0.shape)
    return dx, dh0, grads
