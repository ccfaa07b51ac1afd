"""Public self-check for the RNN / BPTT assignment.

Run it from your submission folder (the one holding activations.py, rnn.py, jacobian.py and
clipping.py):

    pytest

or, for one function at a time, e.g. `pytest -k rnn_backward`.

In Vietnamese: put test_selfcheck.vi.po beside this file and run with SELFCHECK_LANG=vi (or a LANG
that starts with vi), e.g. `SELFCHECK_LANG=vi pytest` (handout section 8.2).

These are shape and sanity checks that catch common slips early. Passing them does NOT mean
full marks: the hidden tests compare your answers with a reference implementation, with
finite differences and with mathematical properties, on many more cases.
"""
import copy
import functools
import importlib
import os
import sys
import warnings

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path[:1]:
    sys.path.insert(0, HERE)

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


# --------------------------------------------------------------------------------------------
# the language of the messages
# --------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _catalogue():
    """msgid -> msgstr of test_selfcheck.vi.po beside this file, when SELFCHECK_LANG (else LANG) starts
    with "vi"; else empty (English). A gettext catalogue read with the standard library: msgid and
    msgstr strings (continued on following lines), entries that are empty or marked fuzzy skipped."""
    import ast
    import os
    lang = os.environ.get("SELFCHECK_LANG") or os.environ.get("LANG") or ""
    path = os.path.join(globals().get("HERE", ""), "test_selfcheck.vi.po")
    if not lang.lower().startswith("vi") or not os.path.isfile(path):
        return {}
    out, entry, key = {}, {}, None
    with open(path, encoding="utf-8") as f:
        for line in [*f, "\n"]:
            line = line.strip()
            if not line:
                if entry.get("msgid") and entry.get("msgstr") and not entry.get("fuzzy"):
                    out[entry["msgid"]] = entry["msgstr"]
                entry, key = {}, None
            elif line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = True
            elif line.startswith(("msgid ", "msgstr ")):
                key, _sep, text = line.partition(" ")
                entry[key] = ast.literal_eval(text)
            elif line.startswith('"') and key:
                entry[key] += ast.literal_eval(line)
    return out


def _(message):
    """MESSAGE in the language asked for (see _catalogue)."""
    return _catalogue().get(message, message)


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def load(module_name):
    """Import one of your files, turning an import problem into a readable test failure."""
    try:
        return importlib.import_module(module_name)
    except Exception as e:  # noqa: BLE001 - any error in the student's file
        pytest.fail(_("Could not import {module}.py from {folder}: {error}. "
                      "It must be in the same folder as this test file and import without errors.").format(
            module=module_name, folder=HERE, error=f"{type(e).__name__}: {e}"))


def as_array(value, what):
    try:
        return np.asarray(value, dtype=np.float64)
    except Exception as e:  # noqa: BLE001
        pytest.fail(_("{what} should be a NumPy array (or something np.asarray turns into numbers), "
                      "but converting it failed: {error}").format(what=what, error=f"{type(e).__name__}: {e}"))


def check_shape(value, shape, what):
    arr = as_array(value, what)
    assert arr.shape == tuple(shape), _("{what} should have shape {shape}, but it has shape {got}.").format(
        what=what, shape=tuple(shape), got=arr.shape)
    assert np.all(np.isfinite(arr)), _("{what} should contain only finite numbers, got:").format(what=what) + f"\n{arr}"
    return arr


def describe_difference(got, expected):
    """A short, readable account of where two arrays differ."""
    err = np.abs(got - expected)
    if got.size <= 12:
        return _("expected:") + f"\n{expected}\n" + _("got:") + f"\n{got}"
    worst = np.unravel_index(np.argmax(err), err.shape)
    rel = err.max() / max(np.abs(expected).max(), 1e-12)
    return _("largest difference at index {index}: expected {expected}, got {got} (max relative error {rel})"
             ).format(index=tuple(int(i) for i in worst), expected=f"{expected[worst]:.6g}", got=f"{got[worst]:.6g}",
                      rel=f"{rel:.3g}")


def check_close(value, expected, what, rtol=1e-5, atol=1e-8):
    expected = np.asarray(expected, dtype=np.float64)
    got = check_shape(value, expected.shape, what)
    ok = np.all(np.abs(got - expected) <= rtol * np.abs(expected) + atol * max(1.0, np.abs(expected).max()))
    assert ok, _("{what} is not what was expected.").format(what=what) + f"\n{describe_difference(got, expected)}"


def default_error_state():
    """numpy's default error state, as the grader uses: overflow, invalid and divide warn."""
    return np.errstate(over="warn", invalid="warn", divide="warn", under="ignore")


def small_rnn(seed=0, N=2, T=3, D=4, H=5, O=2):
    rng = np.random.default_rng(seed)
    params = {"W_xh": rng.normal(scale=0.5, size=(D, H)), "W_hh": rng.normal(scale=0.5, size=(H, H)),
              "b_h": rng.normal(scale=0.5, size=H), "W_hy": rng.normal(scale=0.5, size=(H, O)),
              "b_y": rng.normal(scale=0.5, size=O)}
    x = rng.normal(size=(N, T, D))
    h0 = rng.uniform(-0.9, 0.9, size=(N, H))
    return x, h0, params


def check_0d(act, name, expected):
    """The activations also take 0-d arrays (shape ()), and return one."""
    out = check_shape(getattr(act, name)(np.array(0.0)), (), _("{name}(np.array(0.0)), a 0-d array").format(name=name))
    assert abs(float(out) - expected) < 1e-12, _("{name}(np.array(0.0)) should be {expected}, got {got}").format(
        name=name, expected=expected, got=repr(float(out)))


def unpack(result, n, what):
    assert isinstance(result, (tuple, list)) and len(result) == n, (
        _("{what} should return a tuple of {n} values, got {kind}").format(what=what, n=n, kind=type(result).__name__)
        + (_(" of length {n}").format(n=len(result)) if isinstance(result, (tuple, list)) else ""))
    return result


# --------------------------------------------------------------------------------------------
# activations.py (handout section 2)
# --------------------------------------------------------------------------------------------
def test_sigmoid_shape_and_value_at_zero():
    act = load("activations")
    x = np.array([[-2.0, 0.0, 3.0], [0.5, -0.5, 1.0]])
    s = check_shape(act.sigmoid(x), x.shape, _("sigmoid(x) for x of shape (2, 3)"))
    assert np.all((s > 0) & (s < 1)), (_("sigmoid of moderate inputs should lie strictly between 0 and 1, got")
                                       + f"\n{s}")
    s0 = float(as_array(act.sigmoid(np.array([0.0])), "sigmoid(0)")[0])
    assert abs(s0 - 0.5) < 1e-12, _("sigmoid(0) should be exactly 0.5, got {got}").format(got=repr(s0))
    check_0d(act, "sigmoid", 0.5)
    x = np.array([-30.0, -20.0, 20.0, 30.0])
    s = check_shape(act.sigmoid(x), x.shape, f"sigmoid({x.tolist()})")
    assert np.all((s > 0) & (s < 1)), (
        _("sigmoid({x}) should be strictly between 0 and 1 for |x| <= 30 (float64 can represent "
          "sigma(-30) = 9.4e-14 and 1 - 9.4e-14), got {got}: do not round or clamp (handout section 2.3).").format(
            x=x.tolist(), got=s.tolist()))


def finite_and_warning_free_at_plus_minus_1000(name):
    act = load("activations")
    x = np.array([-1000.0, -800.0, 800.0, 1000.0])
    with warnings.catch_warnings(), default_error_state():
        warnings.simplefilter("error")
        try:
            out = getattr(act, name)(x)
        except (RuntimeWarning, FloatingPointError) as w:
            pytest.fail(_("{name}({x}) raised a warning: {warning}. It should be warning-free for "
                          "|x| up to 1000 (handout section 2: the naive 1/(1+exp(-x)) overflows at x = -1000, "
                          "and so do tanh written with np.exp and 1/np.cosh(x)**2).").format(
                name=name, x=x.tolist(), warning=w))
    return x, check_shape(out, x.shape, f"{name}({x.tolist()})")


@pytest.mark.parametrize("name", ["sigmoid", "sigmoid_derivative"])
def test_sigmoid_functions_finite_and_warning_free_at_plus_minus_1000(name):
    x, out = finite_and_warning_free_at_plus_minus_1000(name)
    if name == "sigmoid":
        expected = np.array([0.0, 0.0, 1.0, 1.0])
        assert np.allclose(out, expected, atol=1e-12), (
            _("sigmoid({x}) should be about {expected}, got {got}").format(x=x.tolist(), expected=expected.tolist(),
                                                                           got=out.tolist()))
    else:
        assert np.allclose(out, 0.0, atol=1e-12), (
            _("sigmoid_derivative({x}) should be about 0 (the sigmoid is flat far from 0), got {got}").format(
                x=x.tolist(), got=out.tolist()))


def test_tanh_derivative_finite_and_warning_free_at_plus_minus_1000():
    x, out = finite_and_warning_free_at_plus_minus_1000("tanh_derivative")
    assert np.allclose(out, 0.0, atol=1e-12), (
        _("tanh_derivative({x}) should be about 0 (tanh is flat far from 0), got {got}").format(
            x=x.tolist(), got=out.tolist()))



def test_sigmoid_derivative_peaks_at_one_quarter():
    act = load("activations")
    x = np.linspace(-8.0, 8.0, 161)
    d = check_shape(act.sigmoid_derivative(x), x.shape, _("sigmoid_derivative(x) for x of shape (161,)"))
    at0 = float(d[80])
    assert abs(at0 - 0.25) < 1e-12, _("sigmoid_derivative(0) should be 1/4, got {got}").format(got=repr(at0))
    assert d.max() <= 0.25 + 1e-12, _("sigmoid_derivative should never exceed 1/4, its maximum was {got}").format(
        got=repr(d.max()))
    assert d.min() > 0, _("sigmoid_derivative should be positive for moderate inputs")
    check_0d(act, "sigmoid_derivative", 0.25)


def test_tanh_derivative_at_zero_and_shape():
    act = load("activations")
    x = np.array([[-1.0, 0.0], [2.0, 0.5]])
    d = check_shape(act.tanh_derivative(x), x.shape, _("tanh_derivative(x) for x of shape (2, 2)"))
    assert abs(float(d[0, 1]) - 1.0) < 1e-12, _("tanh_derivative(0) should be exactly 1, got {got}").format(
        got=repr(d[0, 1]))
    assert np.all((d > 0) & (d <= 1)), _("tanh_derivative should lie in (0, 1] for these inputs, got") + f"\n{d}"
    check_0d(act, "tanh_derivative", 1.0)


@pytest.mark.parametrize("name, f", [("sigmoid_derivative", None), ("tanh_derivative", np.tanh)],
                         ids=["sigmoid_derivative", "tanh_derivative"])
def test_derivatives_match_finite_differences(name, f):
    act = load("activations")
    if f is None:
        f = act.sigmoid
    x = np.array([-3.0, -0.7, 0.2, 1.5, 4.0])
    eps = 1e-6
    numeric = (as_array(f(x + eps), "f(x + eps)") - as_array(f(x - eps), "f(x - eps)")) / (2 * eps)
    # The derivative functions take the PRE-activation x (handout section 2).
    check_close(getattr(act, name)(x), numeric, _("{name}(x) compared with central differences "
                "(f(x+eps) - f(x-eps)) / (2 eps) at x = {x}").format(name=name, x=x.tolist()), rtol=1e-5, atol=1e-8)


# --------------------------------------------------------------------------------------------
# rnn.py (handout sections 3 and 4)
# --------------------------------------------------------------------------------------------
def test_rnn_forward_shapes():
    rnn = load("rnn")
    x, h0, params = small_rnn(N=2, T=3, D=4, H=5, O=2)
    h, y = unpack(rnn.rnn_forward(x, h0, params), 2, "rnn_forward")
    h = check_shape(h, (2, 3, 5), _("h from rnn_forward with N=2, T=3, H=5"))
    check_shape(y, (2, 3, 2), _("y from rnn_forward with N=2, T=3, O=2"))
    assert np.all(np.abs(h) < 1), _("every hidden state is a tanh, so it should lie strictly in (-1, 1)")


def test_rnn_forward_one_step_with_zero_weights_gives_tanh_of_b_h():
    rnn = load("rnn")
    x, h0, params = small_rnn(N=2, T=1, D=3, H=4, O=2)
    params["W_xh"][:] = 0.0
    params["W_hh"][:] = 0.0
    h, y = unpack(rnn.rnn_forward(x, h0, params), 2, "rnn_forward")
    expected_h = np.tile(np.tanh(params["b_h"]), (2, 1, 1))
    check_close(h, expected_h, _("h with T=1, W_xh = 0, W_hh = 0 (should be tanh(b_h) for every example)"))
    check_close(y, expected_h @ params["W_hy"] + params["b_y"],
                _("y with T=1, W_xh = 0, W_hh = 0 (should be tanh(b_h) @ W_hy + b_y)"))


def test_rnn_forward_does_not_modify_its_inputs():
    rnn = load("rnn")
    x, h0, params = small_rnn()
    before = copy.deepcopy((x, h0, params))
    rnn.rnn_forward(x, h0, params)
    for name, a, b in [("x", x, before[0]), ("h0", h0, before[1])] + [
            (f"params[{k!r}]", params[k], before[2][k]) for k in PARAM_NAMES]:
        assert np.array_equal(a, b), _("{function} changed its input {name}; inputs must be left as they were.").format(
            function="rnn_forward", name=name)
    assert set(params) == set(PARAM_NAMES), _("rnn_forward changed the keys of params")


def test_rnn_backward_shapes():
    rnn = load("rnn")
    N, T, D, H, O = 2, 3, 4, 5, 2
    x, h0, params = small_rnn(N=N, T=T, D=D, H=H, O=O)
    h, _y = unpack(rnn.rnn_forward(x, h0, params), 2, "rnn_forward")
    h = np.asarray(h, dtype=np.float64)
    rng = np.random.default_rng(1)
    dx, dh0, grads = unpack(rnn.rnn_backward(rng.normal(size=(N, T, H)), rng.normal(size=(N, T, O)),
                                             x, h0, h, params), 3, "rnn_backward")
    check_shape(dx, (N, T, D), _("dx from rnn_backward"))
    check_shape(dh0, (N, H), _("dh0 from rnn_backward"))
    assert isinstance(grads, dict), _("grads should be a dict, got {kind}").format(kind=type(grads).__name__)
    assert set(grads) == set(PARAM_NAMES), (
        _("grads should have exactly the keys {keys}, got {got}").format(keys=sorted(PARAM_NAMES), got=sorted(grads)))
    for k in PARAM_NAMES:
        check_shape(grads[k], params[k].shape, _("grads[{key}] (it must have the shape of params[{key}])").format(
            key=repr(k)))


def test_rnn_backward_matches_finite_differences():
    """Check every gradient against central differences of L = sum(dh * h) + sum(dy * y).

    That loss has dL/dh_t (from above) = dh and dL/dy_t = dy, exactly what rnn_backward receives.
    This uses YOUR rnn_forward, so make the forward tests pass first.
    """
    rnn = load("rnn")
    N, T, D, H, O = 2, 3, 3, 4, 2
    x, h0, params = small_rnn(seed=3, N=N, T=T, D=D, H=H, O=O)
    rng = np.random.default_rng(4)
    dh, dy = rng.normal(size=(N, T, H)), rng.normal(size=(N, T, O))

    def loss():
        h, y = unpack(rnn.rnn_forward(x, h0, params), 2, "rnn_forward")
        return float(np.sum(dh * np.asarray(h, dtype=np.float64)) + np.sum(dy * np.asarray(y, dtype=np.float64)))

    def numerical_gradient(a, eps=1e-6):
        g = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            old = a[idx]
            a[idx] = old + eps
            plus = loss()
            a[idx] = old - eps
            minus = loss()
            a[idx] = old
            g[idx] = (plus - minus) / (2 * eps)
        return g

    h, _y = unpack(rnn.rnn_forward(x, h0, params), 2, "rnn_forward")
    h = np.asarray(h, dtype=np.float64)
    dx, dh0, grads = unpack(rnn.rnn_backward(dh, dy, x, h0, h, params), 3, "rnn_backward")
    assert isinstance(grads, dict) and set(grads) == set(PARAM_NAMES), (
        _("grads should be a dict with exactly the keys {keys}").format(keys=sorted(PARAM_NAMES)))
    how = _("compared with central differences of L = sum(dh * h) + sum(dy * y) (handout section 4)")
    check_close(dx, numerical_gradient(x), f"dx {how}", rtol=1e-5, atol=1e-7)
    check_close(dh0, numerical_gradient(h0), f"dh0 {how}", rtol=1e-5, atol=1e-7)
    for k in PARAM_NAMES:
        check_close(grads[k], numerical_gradient(params[k]), f"grads[{k!r}] {how}", rtol=1e-5, atol=1e-7)


def test_rnn_backward_does_not_modify_its_inputs():
    rnn = load("rnn")
    N, T, H, O = 2, 3, 5, 2
    x, h0, params = small_rnn(N=N, T=T, H=H, O=O)
    h, _y = unpack(rnn.rnn_forward(x, h0, params), 2, "rnn_forward")
    h = np.array(h, dtype=np.float64)
    rng = np.random.default_rng(5)
    dh, dy = rng.normal(size=(N, T, H)), rng.normal(size=(N, T, O))
    args = (dh, dy, x, h0, h, params)
    before = copy.deepcopy(args)
    rnn.rnn_backward(*args)
    for name, a, b in zip(("dh", "dy", "x", "h0", "h"), args[:5], before[:5]):
        assert np.array_equal(a, b), _("{function} changed its input {name}; inputs must be left as they were.").format(
            function="rnn_backward", name=name)
    for k in PARAM_NAMES:
        assert np.array_equal(params[k], before[5][k]), _("rnn_backward changed params[{key}]").format(key=repr(k))


# --------------------------------------------------------------------------------------------
# jacobian.py (handout sections 5 and 6)
# --------------------------------------------------------------------------------------------
W_NONSYM = np.array([[0.5, -1.2, 0.3], [0.8, 0.1, -0.4], [-0.6, 0.9, 0.7]])


@pytest.mark.parametrize("activation, h_t", [("tanh", np.array([0.3, -0.6, 0.1])),
                                             ("sigmoid", np.array([0.3, 0.6, 0.9]))], ids=["tanh", "sigmoid"])
def test_hidden_jacobian_shape_and_not_symmetric(activation, h_t):
    jac = load("jacobian")
    J = check_shape(jac.hidden_jacobian(h_t, W_NONSYM, activation), (3, 3),
                    _("hidden_jacobian(h_t of shape (3,), W_hh of shape (3, 3), {activation})").format(
                        activation=repr(activation)))
    assert not np.allclose(J, J.T), (
        _("for this non-symmetric W_hh the Jacobian should not be symmetric; got a symmetric matrix:") + "\n"
        f"{J}\n" + _("(handout section 5: J = diag(phi') @ W_hh.T)"))


def test_jacobian_through_time_is_identity_when_k_equals_t():
    jac = load("jacobian")
    rng = np.random.default_rng(6)
    hs = rng.uniform(-0.9, 0.9, size=(5, 3))     # h_0 .. h_4
    for k in (0, 2, 4):
        J = jac.jacobian_through_time(hs, W_NONSYM, k, k)
        check_close(J, np.eye(3), _("jacobian_through_time(hs, W_hh, k={k}, t={k}) (should be the 3x3 identity: "
                    "no step, no change)").format(k=k))
    check_shape(jac.jacobian_through_time(hs, W_NONSYM, 1, 4), (3, 3), "jacobian_through_time(hs, W_hh, k=1, t=4)")


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_gradient_bound_is_one_for_zero_steps(activation):
    jac = load("jacobian")
    b = jac.gradient_bound(W_NONSYM, 0, activation)
    b = as_array(b, "gradient_bound")
    assert b.shape == (), _("gradient_bound should return a single number, got an array of shape {shape}").format(
        shape=b.shape)
    assert float(b) == 1.0, (
        _("gradient_bound(W_hh, 0, {activation}) should be 1.0 (an empty product), got {got}").format(
            activation=repr(activation), got=repr(float(b))))


@pytest.mark.parametrize("W, expected", [(0.5 * np.eye(3), "vanishing"), (3.0 * np.eye(3), "may_explode")],
                         ids=["half_identity", "three_identity"])
def test_classify_gradient_regime_obvious_cases(W, expected):
    jac = load("jacobian")
    got = jac.classify_gradient_regime(W, "tanh")
    assert got == expected, (
        _("classify_gradient_regime({c} * identity, 'tanh') should return the string {expected}, got {got}").format(
            c=W[0, 0], expected=repr(expected), got=repr(got)))


# --------------------------------------------------------------------------------------------
# clipping.py (handout section 7)
# --------------------------------------------------------------------------------------------
def tiny_grads():
    return {"W_xh": np.array([[3.0, 0.0]]), "W_hh": np.array([[0.0, 0.0], [0.0, 4.0]]),
            "b_h": np.array([0.0, 0.0]), "W_hy": np.array([[0.0], [0.0]]), "b_y": np.array([0.0])}


def test_clip_grad_norm_keeps_direction_and_leaves_input_alone():
    clip = load("clipping")
    grads = tiny_grads()
    before = copy.deepcopy(grads)
    clipped, total = unpack(clip.clip_grad_norm(grads, 1.0), 2, "clip_grad_norm")
    for k in grads:
        assert np.array_equal(grads[k], before[k]), _("clip_grad_norm changed its input grads[{key}]").format(
            key=repr(k))
    assert set(clipped) == set(grads), _("clipped should have the keys {keys}, got {got}").format(
        keys=sorted(grads), got=sorted(clipped))
    total = float(as_array(total, "total_norm"))
    assert abs(total - 5.0) < 1e-12, (
        _("total_norm should be the global L2 norm of all entries together, sqrt(3^2 + 4^2) = 5, got {got}").format(
            got=repr(total)))
    flat_in = np.concatenate([before[k].ravel() for k in sorted(before)])
    flat_out = np.concatenate([as_array(clipped[k], f"clipped[{k!r}]").ravel() for k in sorted(before)])
    norm_out = np.linalg.norm(flat_out)
    assert abs(norm_out - 1.0) < 1e-9, _("after clipping to max_norm = 1 the global norm should be 1, got {got}"
                                         ).format(got=repr(norm_out))
    assert np.allclose(flat_out * total, flat_in), (
        _("clipping should keep the direction: every entry multiplied by the same factor "
          "max_norm / total_norm = 0.2.") + "\n" + _("expected (flattened): {expected}").format(
            expected=(flat_in / 5).tolist()) + "\n" + _("got: {got}").format(got=flat_out.tolist()))


def test_clip_grad_norm_zero_gradient_comes_back_as_zeros():
    clip = load("clipping")
    zeros = {k: np.zeros_like(v) for k, v in tiny_grads().items()}
    with warnings.catch_warnings(), default_error_state():
        warnings.simplefilter("error")
        try:
            clipped, total = unpack(clip.clip_grad_norm(zeros, 1.0), 2, "clip_grad_norm")
        except (RuntimeWarning, FloatingPointError, ZeroDivisionError) as w:
            pytest.fail(_("clip_grad_norm of an all-zero gradient raised {error}. A zero gradient "
                          "comes back as zeros: do not divide by a zero norm (handout section 7).").format(
                error=f"{type(w).__name__}: {w}"))
    assert float(as_array(total, "total_norm")) == 0.0, _(
        "total_norm of an all-zero gradient should be 0, got {got}").format(got=repr(total))
    for k in zeros:
        check_close(clipped[k], np.zeros_like(zeros[k]), _("clipped[{key}] for an all-zero gradient").format(
            key=repr(k)))


def test_clip_grad_norm_rejects_zero_max_norm():
    clip = load("clipping")
    for bad in (0.0, -1.0):
        try:
            clip.clip_grad_norm(tiny_grads(), bad)
        except ValueError:
            continue
        pytest.fail(_("clip_grad_norm(grads, max_norm={bad}) should raise ValueError "
                      "(a threshold must be positive), but it returned normally.").format(bad=bad))
