"""Public self-check for the gated RNN assignment (LSTM, GRU, truncated BPTT).

Run it from your submission folder (the one holding lstm.py, gru.py and truncated.py):

    pytest

or, for one function at a time, e.g. `pytest -k lstm_backward`.

In Vietnamese: put test_selfcheck.vi.po beside this file and run with SELFCHECK_LANG=vi (or a LANG
that starts with vi), e.g. `SELFCHECK_LANG=vi pytest` (handout section 8.2).

These are shape and sanity checks that catch common slips early, plus finite-difference checks of
your backward passes against YOUR OWN forward passes. Passing them does NOT mean full marks: the
hidden tests compare your answers with a reference implementation, with finite differences and
with properties, on many more cases.
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

LSTM_KEYS = ("W_x", "W_h", "b")
GRU_KEYS = ("W_xr", "W_hr", "b_r", "W_xz", "W_hz", "b_z", "W_xn", "W_hn", "b_n")
RNN_KEYS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


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


def unpack(result, n, what):
    assert isinstance(result, (tuple, list)) and len(result) == n, (
        _("{what} should return a tuple of {n} values, got {kind}").format(what=what, n=n, kind=type(result).__name__)
        + (_(" of length {n}").format(n=len(result)) if isinstance(result, (tuple, list)) else ""))
    return result


def check_grads(grads, params, what):
    assert isinstance(grads, dict), f"{what}: " + _("grads should be a dict, got {kind}").format(
        kind=type(grads).__name__)
    assert set(grads) == set(params), f"{what}: " + _("grads should have exactly the keys {keys}, got {got}").format(
        keys=sorted(params), got=sorted(grads))
    for k in params:
        check_shape(grads[k], params[k].shape, f"{what}: " + _("grads[{key}] (it must have the shape of params[{key}])"
                                                               ).format(key=repr(k)))


def numerical_gradient(loss, a, eps=1e-6):
    """Central differences of the scalar loss() with respect to every entry of the array a."""
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


def assert_unchanged(args, before, what):
    for name, a in args.items():
        b = before[name]
        if isinstance(a, dict):
            assert set(a) == set(b), _("{function} changed the keys of its input {name}").format(function=what,
                                                                                                    name=name)
            for k in a:
                assert np.array_equal(a[k], b[k]), _("{function} changed its input {name}; inputs must be left alone."
                                                     ).format(function=what, name=f"{name}[{k!r}]")
        else:
            assert np.array_equal(a, b), _("{function} changed its input {name}; inputs must be left as they were."
                                           ).format(function=what, name=name)


def sig(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def lstm_setup(seed=0, N=2, T=3, D=3, H=2):
    rng = np.random.default_rng(seed)
    params = {"W_x": rng.normal(scale=0.6, size=(D, 4 * H)), "W_h": rng.normal(scale=0.6, size=(H, 4 * H)),
              "b": rng.normal(scale=0.6, size=4 * H)}
    return rng.normal(size=(N, T, D)), rng.uniform(-0.9, 0.9, (N, H)), rng.uniform(-2, 2, (N, H)), params


def gru_setup(seed=0, N=2, T=3, D=3, H=2):
    rng = np.random.default_rng(seed)
    params = {}
    for g in "rzn":
        params[f"W_x{g}"] = rng.normal(scale=0.6, size=(D, H))
        params[f"W_h{g}"] = rng.normal(scale=0.6, size=(H, H))
        params[f"b_{g}"] = rng.normal(scale=0.6, size=H)
    return rng.normal(size=(N, T, D)), rng.uniform(-0.9, 0.9, (N, H)), params


def rnn_setup(seed=0, N=2, T=5, D=2, H=3, O=2):
    rng = np.random.default_rng(seed)
    params = {"W_xh": rng.normal(scale=0.6, size=(D, H)), "W_hh": rng.normal(scale=0.6, size=(H, H)),
              "b_h": rng.normal(scale=0.6, size=H), "W_hy": rng.normal(scale=0.6, size=(H, O)),
              "b_y": rng.normal(scale=0.6, size=O)}
    return rng.normal(size=(N, T, D)), rng.uniform(-0.9, 0.9, (N, H)), params


def rnn_forward_detached(x, h0, params, k=None, fixed=None):
    """Part 1's forward; with k and fixed (the unperturbed states), step mk+1 reads fixed h_mk
    (handout section 6.4). Returns h (N, T, H) and y (N, T, O)."""
    N, T, _ = x.shape
    h, prev = np.zeros((N, T, params["W_hh"].shape[0])), h0
    for t in range(1, T + 1):
        if k is not None and t - 1 >= 1 and (t - 1) % k == 0:
            prev = fixed[:, t - 2]
        prev = np.tanh(x[:, t - 1] @ params["W_xh"] + prev @ params["W_hh"] + params["b_h"])
        h[:, t - 1] = prev
    return h, h @ params["W_hy"] + params["b_y"]


# --------------------------------------------------------------------------------------------
# lstm.py (handout sections 2 to 4)
# --------------------------------------------------------------------------------------------
def test_lstm_forward_shapes():
    lstm = load("lstm")
    x, h0, c0, params = lstm_setup(N=2, T=3, D=3, H=2)
    h, c = unpack(lstm.lstm_forward(x, h0, c0, params), 2, "lstm_forward")
    h = check_shape(h, (2, 3, 2), _("h from lstm_forward with N=2, T=3, H=2"))
    check_shape(c, (2, 3, 2), _("c from lstm_forward with N=2, T=3, H=2"))
    assert np.all(np.abs(h) < 1), _("h_t = o_t * tanh(c_t) should lie strictly in (-1, 1)")


def test_lstm_forward_one_step_by_hand_uses_c0_and_the_gate_order_i_f_o_g():
    """With W_x = W_h = 0 the gates are the sigmoids (tanh) of the four quarters of b."""
    lstm = load("lstm")
    x, h0, c0, params = lstm_setup(N=2, T=1, D=3, H=2)
    params["W_x"][:] = 0.0
    params["W_h"][:] = 0.0
    params["b"] = np.array([0.5, -1.0, 2.0, 1.5, -0.3, 0.8, -2.0, 0.2])   # i | f | o | g, H = 2
    i, f, o, g = sig(params["b"][0:2]), sig(params["b"][2:4]), sig(params["b"][4:6]), np.tanh(params["b"][6:8])
    c1 = f * c0 + i * g
    h, c = unpack(lstm.lstm_forward(x, h0, c0, params), 2, "lstm_forward")
    check_close(c, c1[:, None, :], _("c_1 with W_x = W_h = 0: f * c0 + i * g, gates in the order i, f, o, g "
                "(handout section 2; is c0 used?)"))
    check_close(h, (o * np.tanh(c1))[:, None, :], _("h_1 with W_x = W_h = 0: o * tanh(c_1) (handout section 2)"))


def test_lstm_forward_is_finite_and_warning_free_when_gates_saturate():
    lstm = load("lstm")
    x, h0, c0, params = lstm_setup(N=2, T=2, D=3, H=2)
    params["b"] = np.array([1000.0, -1000.0] * 4)
    with warnings.catch_warnings(), np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
        warnings.simplefilter("error")
        try:
            h, c = unpack(lstm.lstm_forward(x, h0, c0, params), 2, "lstm_forward")
        except (RuntimeWarning, FloatingPointError) as w:
            pytest.fail(_("lstm_forward raised a warning with gate pre-activations of +-1000: {warning}. "
                          "Use a sigmoid that never overflows (handout section 2.3).").format(warning=w))
    check_shape(h, (2, 2, 2), _("h with saturated gates"))
    check_shape(c, (2, 2, 2), _("c with saturated gates"))


def test_lstm_forward_does_not_modify_its_inputs():
    lstm = load("lstm")
    x, h0, c0, params = lstm_setup()
    args = {"x": x, "h0": h0, "c0": c0, "params": params}
    before = copy.deepcopy(args)
    lstm.lstm_forward(x, h0, c0, params)
    assert_unchanged(args, before, "lstm_forward")


def test_lstm_backward_shapes():
    lstm = load("lstm")
    N, T, D, H = 2, 3, 3, 2
    x, h0, c0, params = lstm_setup(N=N, T=T, D=D, H=H)
    h, c = (as_array(a, "lstm_forward output") for a in unpack(lstm.lstm_forward(x, h0, c0, params), 2, "lstm_forward"))
    rng = np.random.default_rng(1)
    out = lstm.lstm_backward(rng.normal(size=(N, T, H)), rng.normal(size=(N, T, H)), x, h0, c0, h, c, params)
    dx, dh0, dc0, grads = unpack(out, 4, "lstm_backward")
    check_shape(dx, (N, T, D), _("dx from lstm_backward"))
    check_shape(dh0, (N, H), _("dh0 from lstm_backward"))
    check_shape(dc0, (N, H), _("dc0 from lstm_backward"))
    check_grads(grads, params, "lstm_backward")


def test_lstm_backward_matches_finite_differences():
    """Every gradient against central differences of L = sum(dh * h) + sum(dc * c), with YOUR
    lstm_forward (make the forward tests pass first). dc is not zero: use it."""
    lstm = load("lstm")
    N, T, D, H = 2, 3, 2, 3
    x, h0, c0, params = lstm_setup(seed=3, N=N, T=T, D=D, H=H)
    rng = np.random.default_rng(4)
    dh, dc = rng.normal(size=(N, T, H)), rng.normal(size=(N, T, H))

    def loss():
        h, c = unpack(lstm.lstm_forward(x, h0, c0, params), 2, "lstm_forward")
        return float(np.sum(dh * as_array(h, "h")) + np.sum(dc * as_array(c, "c")))

    h, c = (as_array(a, "lstm_forward output") for a in unpack(lstm.lstm_forward(x, h0, c0, params), 2, "lstm_forward"))
    dx, dh0, dc0, grads = unpack(lstm.lstm_backward(dh, dc, x, h0, c0, h, c, params), 4, "lstm_backward")
    check_grads(grads, params, "lstm_backward")
    how = _("compared with central differences of L = sum(dh * h) + sum(dc * c) (handout section 3)")
    check_close(dx, numerical_gradient(loss, x), f"dx {how}", atol=1e-7)
    check_close(dh0, numerical_gradient(loss, h0), f"dh0 {how}", atol=1e-7)
    check_close(dc0, numerical_gradient(loss, c0), f"dc0 {how}", atol=1e-7)
    for k in LSTM_KEYS:
        check_close(grads[k], numerical_gradient(loss, params[k]), f"grads[{k!r}] {how}", atol=1e-7)


def test_lstm_backward_does_not_modify_its_inputs():
    lstm = load("lstm")
    x, h0, c0, params = lstm_setup()
    h, c = (np.array(a, dtype=np.float64) for a in unpack(lstm.lstm_forward(x, h0, c0, params), 2, "lstm_forward"))
    rng = np.random.default_rng(5)
    args = {"dh": rng.normal(size=h.shape), "dc": rng.normal(size=c.shape), "x": x, "h0": h0, "c0": c0,
            "h": h, "c": c, "params": params}
    before = copy.deepcopy(args)
    lstm.lstm_backward(*args.values())
    assert_unchanged(args, before, "lstm_backward")


def test_lstm_state_jacobian_shape_and_cell_block_is_diag_f():
    lstm = load("lstm")
    x, h0, c0, params = lstm_setup(seed=6, D=3, H=3)
    x_t, h_prev, c_prev = x[0, 0], h0[0], c0[0]
    J = check_shape(lstm.lstm_state_jacobian(x_t, h_prev, c_prev, params), (6, 6),
                    _("lstm_state_jacobian(x_t (3,), h_prev (3,), c_prev (3,)) for H = 3"))
    f = sig((x_t @ params["W_x"] + h_prev @ params["W_h"] + params["b"])[3:6])
    check_close(J[3:, 3:], np.diag(f), _("the lower-right block d c_t / d c_(t-1): diag(f_t) (handout section 4.1)"))


def test_lstm_state_jacobian_matches_finite_differences_of_your_forward():
    """Column j of J against central differences of one step of YOUR lstm_forward (T = 1)."""
    lstm = load("lstm")
    x, h0, c0, params = lstm_setup(seed=7, D=2, H=2)
    x_t, s_prev, H = x[0, 0], np.concatenate([h0[0], c0[0]]), 2

    def step(s):
        h, c = unpack(lstm.lstm_forward(x_t[None, None, :], s[None, :H], s[None, H:], params), 2, "lstm_forward")
        return np.concatenate([as_array(h, "h")[0, 0], as_array(c, "c")[0, 0]])

    J = check_shape(lstm.lstm_state_jacobian(x_t, s_prev[:H], s_prev[H:], params), (4, 4), "lstm_state_jacobian")
    eps = 1e-6
    numeric = np.zeros((4, 4))
    for j in range(4):
        e = np.zeros(4)
        e[j] = eps
        numeric[:, j] = (step(s_prev + e) - step(s_prev - e)) / (2 * eps)
    check_close(J, numeric, _("J compared with central differences of s_t = [h_t, c_t] w.r.t. s_(t-1) "
                "(numerator layout, J[i, j] = d s_t[i] / d s_(t-1)[j]; handout section 4)"), atol=1e-7)


# --------------------------------------------------------------------------------------------
# gru.py (handout section 5)
# --------------------------------------------------------------------------------------------
def test_gru_forward_shapes():
    gru = load("gru")
    x, h0, params = gru_setup(N=2, T=3, D=3, H=2)
    h = check_shape(gru.gru_forward(x, h0, params), (2, 3, 2), _("h from gru_forward with N=2, T=3, H=2"))
    assert np.all(np.abs(h) < 1), _("GRU states stay in (-1, 1) when h0 does")


def test_gru_forward_one_step_by_hand():
    """With all weights 0: r = sigma(b_r), z = sigma(b_z), n = tanh(b_n), h_1 = (1 - z) h0 + z n."""
    gru = load("gru")
    x, h0, params = gru_setup(N=2, T=1, D=3, H=2)
    for k in params:
        if k.startswith("W"):
            params[k][:] = 0.0
    z, n = sig(params["b_z"]), np.tanh(params["b_n"])
    check_close(gru.gru_forward(x, h0, params), ((1 - z) * h0 + z * n)[:, None, :],
                _("h_1 with all weights 0: (1 - z) * h0 + z * n (z weighs the candidate; handout section 5.1)"))


def test_gru_forward_resets_before_W_hn():
    """With x = 0 and only W_hn non-zero: n = tanh((r * h0) @ W_hn + b_n), r = sigma(b_r) per unit."""
    gru = load("gru")
    x, h0, params = gru_setup(N=2, T=1, D=3, H=2)
    x[:] = 0.0
    for k in params:
        if k.startswith("W") and k != "W_hn":
            params[k][:] = 0.0
    params["b_r"] = np.array([-2.0, 1.5])
    params["W_hn"] = np.array([[0.9, -1.1], [0.7, 0.4]])
    r, z = sig(params["b_r"]), sig(params["b_z"])
    n = np.tanh((r * h0) @ params["W_hn"] + params["b_n"])
    check_close(gru.gru_forward(x, h0, params), ((1 - z) * h0 + z * n)[:, None, :],
                _("h_1 = (1 - z) * h0 + z * n with n = tanh((r * h0) @ W_hn + b_n). Two PyTorch habits give "
                  "another answer here: the reset gate applied after W_hn (it multiplies h0 BEFORE W_hn), or "
                  "z and 1 - z swapped (z weighs the candidate n) (handout sections 5.1 and 5.2)"))


def test_gru_backward_shapes_and_finite_differences():
    """Every gradient against central differences of L = sum(dh * h), with YOUR gru_forward."""
    gru = load("gru")
    N, T, D, H = 2, 3, 2, 3
    x, h0, params = gru_setup(seed=8, N=N, T=T, D=D, H=H)
    dh = np.random.default_rng(9).normal(size=(N, T, H))

    def loss():
        return float(np.sum(dh * as_array(gru.gru_forward(x, h0, params), "h")))

    h = as_array(gru.gru_forward(x, h0, params), "h from gru_forward")
    dx, dh0, grads = unpack(gru.gru_backward(dh, x, h0, h, params), 3, "gru_backward")
    check_shape(dx, (N, T, D), _("dx from gru_backward"))
    check_shape(dh0, (N, H), _("dh0 from gru_backward"))
    check_grads(grads, params, "gru_backward")
    how = _("compared with central differences of L = sum(dh * h) (handout section 5.3)")
    check_close(dx, numerical_gradient(loss, x), f"dx {how}", atol=1e-7)
    check_close(dh0, numerical_gradient(loss, h0), f"dh0 {how}", atol=1e-7)
    for k in GRU_KEYS:
        check_close(grads[k], numerical_gradient(loss, params[k]), f"grads[{k!r}] {how}", atol=1e-7)


def test_gru_functions_do_not_modify_their_inputs():
    gru = load("gru")
    x, h0, params = gru_setup()
    args = {"x": x, "h0": h0, "params": params}
    before = copy.deepcopy(args)
    h = np.array(gru.gru_forward(x, h0, params), dtype=np.float64)
    assert_unchanged(args, before, "gru_forward")
    args = {"dh": np.ones_like(h), "x": x, "h0": h0, "h": h, "params": params}
    before = copy.deepcopy(args)
    gru.gru_backward(*args.values())
    assert_unchanged(args, before, "gru_backward")


# --------------------------------------------------------------------------------------------
# truncated.py (handout section 6)
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("T, k", [(5, 1), (5, 2), (6, 3), (4, 4), (3, 10)],
                         ids=["k=1", "k=2 not dividing T=5", "k=3 dividing T=6", "k=T", "k>T"])
def test_rnn_backward_truncated_matches_finite_differences_of_the_detached_forward(T, k):
    """With k >= T nothing is detached, so this is part 1's full BPTT."""
    trunc = load("truncated")
    N, D, H, O = 2, 2, 3, 2
    x, h0, params = rnn_setup(seed=10 + T + k, N=N, T=T, D=D, H=H, O=O)
    rng = np.random.default_rng(11)
    dh, dy = rng.normal(size=(N, T, H)), rng.normal(size=(N, T, O))
    fixed, _y = rnn_forward_detached(x, h0, params)

    def loss():
        h, y = rnn_forward_detached(x, h0, params, k, fixed)
        return float(np.sum(dh * h) + np.sum(dy * y))

    out = trunc.rnn_backward_truncated(dh, dy, x, h0, fixed.copy(), params, k)
    dx, dh0, grads = unpack(out, 3, "rnn_backward_truncated")
    check_shape(dx, (N, T, D), _("dx from rnn_backward_truncated"))
    check_shape(dh0, (N, H), _("dh0 from rnn_backward_truncated"))
    check_grads(grads, params, "rnn_backward_truncated")
    how = _("for T={T}, k={k}, compared with central differences of L = sum(dh * h) + sum(dy * y) for the "
            "forward with h_k, h_2k, ... detached (handout section 6)").format(T=T, k=k)
    check_close(dx, numerical_gradient(loss, x), f"dx {how}", atol=1e-7)
    check_close(dh0, numerical_gradient(loss, h0), f"dh0 {how}", atol=1e-7)
    for key in RNN_KEYS:
        check_close(grads[key], numerical_gradient(loss, params[key]), f"grads[{key!r}] {how}", atol=1e-7)


def test_rnn_backward_truncated_does_not_modify_its_inputs():
    trunc = load("truncated")
    x, h0, params = rnn_setup()
    h, _y = rnn_forward_detached(x, h0, params)
    rng = np.random.default_rng(12)
    args = {"dh": rng.normal(size=h.shape), "dy": rng.normal(size=(2, 5, 2)), "x": x, "h0": h0, "h": h,
            "params": params}
    before = copy.deepcopy(args)
    trunc.rnn_backward_truncated(*args.values(), 2)
    assert_unchanged(args, before, "rnn_backward_truncated")
