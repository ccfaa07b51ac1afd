"""The NumPy reference solution against the sympy derivations and central finite differences.

reference/rnn_bptt/derivations.py is the source of truth; if one of these fails, the reference (which the
grader compares every submission with) is wrong, or the derivation is.
"""
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helpers_reference import load_derivations, load_reference_module

D = load_derivations()
ACT = load_reference_module("activations")
RNN = load_reference_module("rnn")
JAC = load_reference_module("jacobian")

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def random_params(rng, D_, H, O, scale=0.7):
    return {"W_xh": rng.normal(scale=scale, size=(D_, H)), "W_hh": rng.normal(scale=scale, size=(H, H)),
            "b_h": rng.normal(scale=scale, size=H), "W_hy": rng.normal(scale=scale, size=(H, O)),
            "b_y": rng.normal(scale=scale, size=O)}


def close(actual, expected, what, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64),
                               rtol=rtol, atol=atol, err_msg=what)


# --------------------------------------------------------------------------------------------
# (a) activations
# --------------------------------------------------------------------------------------------
def test_sigmoid_derivative_identity_is_exact():
    assert D.sigmoid_derivative_residual() == 0, "d/dx 1/(1+e^-x) should equal sigma (1 - sigma)"


def test_tanh_derivative_identity_is_exact():
    assert D.tanh_derivative_residual() == 0, "d/dx tanh should equal 1 - tanh^2"


def test_sigmoid_tanh_form_is_the_sigmoid():
    assert D.sigmoid_tanh_form_residual() == 0, "(1 + tanh(x/2)) / 2 should equal 1/(1+e^-x)"


def test_gamma_is_the_maximum_of_the_derivative():
    assert D.sigmoid_max_derivative() == sp.Rational(1, 4)
    assert D.tanh_max_derivative() == 1
    assert JAC.GAMMA == {"tanh": 1.0, "sigmoid": 0.25}


X_VALUES = np.concatenate([np.linspace(-40.0, 40.0, 161), [-1000.0, -700.0, -50.0, 0.0, 50.0, 700.0, 1000.0]])


@pytest.mark.parametrize("name", ["sigmoid", "sigmoid_derivative", "tanh_derivative"])
def test_reference_activation_matches_sympy(name):
    x = X_VALUES.reshape(-1, 7)
    close(getattr(ACT, name)(x), getattr(D, f"{name}_numeric")(x), name, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("name", ["sigmoid", "sigmoid_derivative", "tanh_derivative"])
def test_reference_activation_is_warning_free_and_finite(name):
    with warnings.catch_warnings(), np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
        warnings.simplefilter("error")
        out = getattr(ACT, name)(np.array([-1000.0, -1e3 + 0.5, 0.0, 1e3]))
    assert np.all(np.isfinite(out))


# --------------------------------------------------------------------------------------------
# (b) the one-step Jacobian, the product through time and the bound
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_jacobian_closed_form_is_exact(activation):
    R = D.jacobian_residual(3, activation)
    assert R == sp.zeros(3, 3), f"sympy jacobian minus diag(phi') W_hh^T should be 0, got {R}"


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("seed", range(4))
def test_reference_hidden_jacobian_matches_sympy(activation, seed):
    rng = np.random.default_rng(seed)
    h_prev, W, a, b = rng.uniform(-1, 1, 3), rng.normal(size=(3, 3)), rng.normal(size=3), rng.normal(size=3)
    h_t, J = D.one_step_jacobian_numeric(h_prev, W, a, b, activation)
    close(JAC.hidden_jacobian(h_t, W, activation), J, f"hidden_jacobian ({activation})")
    assert not np.allclose(J, J.T), "test case should be able to tell J from its transpose"


def test_sympy_layout_is_numerator_layout():
    """J[i, j] = d h_t[i] / d h_prev[j], checked entrywise against central differences."""
    rng = np.random.default_rng(7)
    h_prev, W, a, b = rng.uniform(-1, 1, 3), rng.normal(size=(3, 3)), rng.normal(size=3), rng.normal(size=3)
    _, J = D.one_step_jacobian_numeric(h_prev, W, a, b, "tanh")
    eps = 1e-6
    for j in range(3):
        e = np.zeros(3)
        e[j] = eps
        col = (np.tanh((h_prev + e) @ W + a + b) - np.tanh((h_prev - e) @ W + a + b)) / (2 * eps)
        close(J[:, j], col, f"column {j} of J", rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_reference_jacobian_through_time_matches_sympy_chain(activation):
    rng = np.random.default_rng(11)
    H, T = 3, 5
    W, b = rng.normal(size=(H, H)), rng.normal(size=H)
    a = rng.normal(size=(T + 1, H))
    hs = [rng.uniform(-1, 1, H) if activation == "tanh" else rng.uniform(0, 1, H)]
    steps = []
    for i in range(1, T + 1):
        h_t, J = D.one_step_jacobian_numeric(hs[-1], W, a[i], b, activation)
        hs.append(h_t)
        steps.append(J)                                  # steps[i - 1] = dh_i / dh_{i-1}
    hs = np.array(hs)
    for k in range(T + 1):
        for t in range(k, T + 1):
            expected = np.eye(H)
            for i in range(k + 1, t + 1):
                expected = steps[i - 1] @ expected
            close(JAC.jacobian_through_time(hs, W, k, t, activation), expected,
                  f"dh_{t}/dh_{k} ({activation})")


def test_reference_gradient_bound_uses_the_largest_singular_value():
    W = sp.Matrix([[sp.Rational(9, 10), 1], [0, sp.Rational(9, 10)]])   # non-normal, spectral radius 0.9
    sigma_1 = sp.sqrt(max((W.T * W).eigenvals()))
    W_np = np.array(W.tolist(), dtype=np.float64)
    for activation, gamma in (("tanh", 1), ("sigmoid", sp.Rational(1, 4))):
        for steps in (0, 1, 3, 10):
            close(JAC.gradient_bound(W_np, steps, activation), float((gamma * sigma_1) ** steps),
                  f"gradient_bound({activation}, {steps})")
    assert JAC.classify_gradient_regime(W_np, "tanh") == "may_explode"      # 1.53 > 1 although |eig| < 1
    assert JAC.classify_gradient_regime(W_np, "sigmoid") == "vanishing"     # 0.38 < 1


# --------------------------------------------------------------------------------------------
# (c) BPTT
# --------------------------------------------------------------------------------------------
SMALL = (2, 3, 2, 2, 1)     # N, T, D, H, O for the symbolic model (built once, cached)


def small_case(seed, sizes=SMALL):
    N, T, D_, H, O = sizes
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(N, T, D_)), rng.uniform(-1, 1, (N, H)), random_params(rng, D_, H, O),
            rng.normal(size=(N, T, H)), rng.normal(size=(N, T, O)))


@pytest.mark.parametrize("seed", range(3))
def test_reference_forward_matches_sympy(seed):
    x, h0, params, _, _ = small_case(seed)
    h, y = RNN.rnn_forward(x, h0, params)
    h_s, y_s = D.rnn_forward_sympy(x, h0, params)
    close(h, h_s, "h")
    close(y, y_s, "y")


@pytest.mark.parametrize("seed", range(3))
def test_reference_backward_matches_sympy(seed):
    x, h0, params, dh, dy = small_case(seed)
    h, _ = RNN.rnn_forward(x, h0, params)
    dx, dh0, grads = RNN.rnn_backward(dh, dy, x, h0, h, params)
    dx_s, dh0_s, grads_s = D.rnn_backward_sympy(dh, dy, x, h0, params)
    close(dx, dx_s, "dx")
    close(dh0, dh0_s, "dh0")
    assert set(grads) == set(PARAM_NAMES)
    for k in PARAM_NAMES:
        close(grads[k], grads_s[k], k)


def loss(x, h0, params, dh, dy):
    h, y = RNN.rnn_forward(x, h0, params)
    return float(np.sum(dh * h) + np.sum(dy * y))


def numerical_gradient(f, a, eps=1e-6):
    """Central differences of the scalar f() with respect to every entry of a (changed in place)."""
    g = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        old = a[idx]
        a[idx] = old + eps
        plus = f()
        a[idx] = old - eps
        minus = f()
        a[idx] = old
        g[idx] = (plus - minus) / (2 * eps)
    return g


@pytest.mark.parametrize("sizes", [(3, 4, 3, 4, 2), (1, 1, 1, 1, 1), (2, 6, 2, 3, 3)])
def test_reference_backward_matches_finite_differences(sizes):
    x, h0, params, dh, dy = small_case(100 + sum(sizes), sizes)
    h, _ = RNN.rnn_forward(x, h0, params)
    dx, dh0, grads = RNN.rnn_backward(dh, dy, x, h0, h, params)
    def f():
        return loss(x, h0, params, dh, dy)

    close(dx, numerical_gradient(f, x), "dx", rtol=1e-6, atol=1e-8)
    close(dh0, numerical_gradient(f, h0), "dh0", rtol=1e-6, atol=1e-8)
    for k in PARAM_NAMES:
        close(grads[k], numerical_gradient(f, params[k]), k, rtol=1e-6, atol=1e-8)
