"""The gated_rnn NumPy reference against the sympy derivations and central finite differences.

reference/gated_rnn/derivations.py is the source of truth; if one of these fails, the reference
(which the grader compares every submission with) is wrong, or the derivation is.
"""
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from gated_helpers import (  # noqa: E402
    GRU_KEYS,
    LSTM_KEYS,
    RNN_KEYS,
    derivations,
    gru_params,
    lstm_params,
    reference,
    rnn_params,
    rnn_states,
)

DV = derivations()
LSTM = reference("lstm")
GRU = reference("gru")
TRUNC = reference("truncated")


def close(actual, expected, what, rtol=1e-9, atol=1e-12):
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64),
                               rtol=rtol, atol=atol, err_msg=what)


# --------------------------------------------------------------------------------------------
# (a) the LSTM one-step state Jacobian
# --------------------------------------------------------------------------------------------
def test_cell_blocks_are_exactly_diag_f_and_diag_o_tanh_prime_f():
    lower, upper = DV.cell_block_residuals(D=1, H=2)
    assert lower == sp.zeros(2, 2), f"d c_t / d c_(t-1) - diag(f_t) should be 0, got {lower}"
    assert upper == sp.zeros(2, 2), f"d h_t / d c_(t-1) - diag(o_t (1 - tanh(c_t)^2) f_t) should be 0, got {upper}"


@pytest.mark.parametrize("seed", range(5))
def test_reference_state_jacobian_matches_sympy(seed):
    rng = np.random.default_rng(seed)
    D, H = (1, 2) if seed % 2 else (2, 3)
    params = lstm_params(rng, D, H, scale=0.8)
    if seed == 4:
        params["b"][H:2 * H] += 6.0                    # forget gate near 1: the cell path near the identity
    x_t, h_prev, c_prev = rng.normal(size=D), rng.uniform(-1, 1, H), rng.uniform(-3, 3, H)
    J = LSTM.lstm_state_jacobian(x_t, h_prev, c_prev, params)
    expected = DV.lstm_state_jacobian_sympy(x_t, h_prev, c_prev, params)
    close(J, expected, f"lstm_state_jacobian, seed {seed}")
    assert J.shape == (2 * H, 2 * H)
    for r in range(2):
        for c in range(2):       # every block is non-trivial, so each block check can fail
            assert np.abs(expected[r * H:(r + 1) * H, c * H:(c + 1) * H]).max() > 1e-3


def test_state_jacobian_with_forget_gate_near_one_keeps_the_cell_path():
    rng = np.random.default_rng(9)
    H = 3
    params = lstm_params(rng, 2, H)
    params["b"][H:2 * H] = 12.0
    J = LSTM.lstm_state_jacobian(rng.normal(size=2), rng.uniform(-1, 1, H), rng.uniform(-3, 3, H), params)
    assert np.allclose(J[H:, H:], np.eye(H), atol=1e-4), "with f_t near 1, d c_t / d c_(t-1) is near the identity"


def test_state_jacobian_is_numerator_layout():
    """J[i, j] = d s_t[i] / d s_(t-1)[j], checked column by column against central differences."""
    rng = np.random.default_rng(3)
    D, H = 2, 3
    params = lstm_params(rng, D, H)
    x_t, s_prev = rng.normal(size=D), np.concatenate([rng.uniform(-1, 1, H), rng.uniform(-3, 3, H)])

    def step(s):
        h, c = LSTM.lstm_forward(x_t[None, None, :], s[None, :H], s[None, H:], params)
        return np.concatenate([h[0, 0], c[0, 0]])

    J = LSTM.lstm_state_jacobian(x_t, s_prev[:H], s_prev[H:], params)
    eps = 1e-6
    for j in range(2 * H):
        e = np.zeros(2 * H)
        e[j] = eps
        close(J[:, j], (step(s_prev + e) - step(s_prev - e)) / (2 * eps), f"column {j}", rtol=1e-6, atol=1e-8)


# --------------------------------------------------------------------------------------------
# (b), (c) BPTT of the tiny unrolled LSTM and GRU
# --------------------------------------------------------------------------------------------
TINY = dict(N=1, T=2, D=1, H=2)


def tiny_lstm(seed):
    rng = np.random.default_rng(seed)
    N, T, D, H = TINY.values()
    return (rng.normal(size=(N, T, D)), rng.uniform(-1, 1, (N, H)), rng.uniform(-3, 3, (N, H)),
            lstm_params(rng, D, H, scale=0.8), rng.normal(size=(N, T, H)), rng.normal(size=(N, T, H)))


@pytest.mark.parametrize("seed", range(3))
def test_reference_lstm_forward_and_backward_match_sympy(seed):
    x, h0, c0, params, dh, dc = tiny_lstm(seed)
    if seed == 2:
        dc = np.zeros_like(dc)                     # the usual case: a loss on h only
    h, c = LSTM.lstm_forward(x, h0, c0, params)
    hs, cs = DV.lstm_forward_sympy(x, h0, c0, params)
    close(h, hs, "lstm_forward h")
    close(c, cs, "lstm_forward c")
    dx, dh0, dc0, grads = LSTM.lstm_backward(dh, dc, x, h0, c0, h, c, params)
    sdx, sdh0, sdc0, sgrads = DV.lstm_backward_sympy(dh, dc, x, h0, c0, params)
    close(dx, sdx, "dx")
    close(dh0, sdh0, "dh0")
    close(dc0, sdc0, "dc0")
    assert set(grads) == set(LSTM_KEYS)
    for k in LSTM_KEYS:
        close(grads[k], sgrads[k], f"grads[{k!r}]")


def tiny_gru(seed):
    rng = np.random.default_rng(seed)
    N, T, D, H = TINY.values()
    return (rng.normal(size=(N, T, D)), rng.uniform(-1, 1, (N, H)), gru_params(rng, D, H, scale=0.8),
            rng.normal(size=(N, T, H)))


@pytest.mark.parametrize("seed", range(3))
def test_reference_gru_forward_and_backward_match_sympy(seed):
    x, h0, params, dh = tiny_gru(seed)
    h = GRU.gru_forward(x, h0, params)
    close(h, DV.gru_forward_sympy(x, h0, params), "gru_forward h")
    dx, dh0, grads = GRU.gru_backward(dh, x, h0, h, params)
    sdx, sdh0, sgrads = DV.gru_backward_sympy(dh, x, h0, params)
    close(dx, sdx, "dx")
    close(dh0, sdh0, "dh0")
    assert set(grads) == set(GRU_KEYS)
    for k in GRU_KEYS:
        close(grads[k], sgrads[k], f"grads[{k!r}]")


def test_sympy_gru_resets_before_W_hn():
    """The derivation is the notes' GRU, n = tanh(x W_xn + (r * h) W_hn + b_n), not PyTorch's
    n = tanh(x W_xn + r * (h W_hn) + b_n): one step compared with both, written out by hand."""
    x, h0, params, _ = tiny_gru(5)
    h = DV.gru_forward_sympy(x[:, :1], h0, params)[:, 0]
    sig = LSTM.sigmoid
    r = sig(x[:, 0] @ params["W_xr"] + h0 @ params["W_hr"] + params["b_r"])
    z = sig(x[:, 0] @ params["W_xz"] + h0 @ params["W_hz"] + params["b_z"])
    notes = np.tanh(x[:, 0] @ params["W_xn"] + (r * h0) @ params["W_hn"] + params["b_n"])
    torch = np.tanh(x[:, 0] @ params["W_xn"] + r * (h0 @ params["W_hn"]) + params["b_n"])
    close(h, (1 - z) * h0 + z * notes, "notes' GRU")
    assert not np.allclose(h, (1 - z) * h0 + z * torch), "the case should tell the two conventions apart"


# --------------------------------------------------------------------------------------------
# (d) truncated BPTT
# --------------------------------------------------------------------------------------------
def tiny_rnn(seed, T):
    rng = np.random.default_rng(seed)
    N, D, H, O = 1, 1, 2, 1
    x, h0, params = rng.normal(size=(N, T, D)), rng.uniform(-1, 1, (N, H)), rnn_params(rng, D, H, O, scale=0.9)
    return x, h0, params, rng.normal(size=(N, T, H)), rng.normal(size=(N, T, O))


@pytest.mark.parametrize("T, k", [(5, 1), (5, 2), (4, 2), (5, 3), (5, 5), (5, 8)],
                         ids=["k=1", "k=2 not dividing T=5", "k=2 dividing T=4", "k=3", "k=T", "k>T"])
def test_reference_truncated_matches_sympy_with_detached_symbols(T, k):
    x, h0, params, dh, dy = tiny_rnn(T * 10 + k, T)
    h = rnn_states(x, h0, params)
    dx, dh0, grads = TRUNC.rnn_backward_truncated(dh, dy, x, h0, h, params, k)
    sdx, sdh0, sgrads = DV.rnn_backward_truncated_sympy(dh, dy, x, h0, params, k)
    close(dx, sdx, "dx")
    close(dh0, sdh0, "dh0")
    assert set(grads) == set(RNN_KEYS)
    for key in RNN_KEYS:
        close(grads[key], sgrads[key], f"grads[{key!r}]")


@pytest.mark.parametrize("k", [4, 5, 100])
def test_truncated_with_k_at_least_T_is_part_1s_full_bptt(k):
    """Against part 1's own sympy BPTT (reference/rnn_bptt/derivations.py): k >= T detaches nothing."""
    from helpers_reference import load_derivations
    part1 = load_derivations()
    x, h0, params, dh, dy = tiny_rnn(k, 4)
    h = rnn_states(x, h0, params)
    dx, dh0, grads = TRUNC.rnn_backward_truncated(dh, dy, x, h0, h, params, k)
    sdx, sdh0, sgrads = part1.rnn_backward_sympy(dh, dy, x, h0, params)
    close(dx, sdx, "dx")
    close(dh0, sdh0, "dh0")
    for key in RNN_KEYS:
        close(grads[key], sgrads[key], f"grads[{key!r}]")


def test_truncation_changes_the_gradient():
    """A check on the test cases: with k < T the truncated gradient is not full BPTT."""
    x, h0, params, dh, dy = tiny_rnn(1, 5)
    h = rnn_states(x, h0, params)
    full = TRUNC.rnn_backward_truncated(dh, dy, x, h0, h, params, 5)
    cut = TRUNC.rnn_backward_truncated(dh, dy, x, h0, h, params, 2)
    assert not np.allclose(full[2]["W_hh"], cut[2]["W_hh"]) and not np.allclose(full[0], cut[0])
    close(full[2]["W_hy"], cut[2]["W_hy"], "dW_hy does not depend on truncation")


# --------------------------------------------------------------------------------------------
# numerics
# --------------------------------------------------------------------------------------------
def test_reference_is_warning_free_with_saturated_gates():
    rng = np.random.default_rng(0)
    params = lstm_params(rng, 2, 3, scale=400.0)
    gp = gru_params(rng, 2, 3, scale=400.0)
    x, h0, c0 = rng.normal(size=(2, 3, 2)), rng.uniform(-1, 1, (2, 3)), rng.uniform(-3, 3, (2, 3))
    with warnings.catch_warnings(), np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
        warnings.simplefilter("error")
        h, c = LSTM.lstm_forward(x, h0, c0, params)
        out = LSTM.lstm_backward(np.ones_like(h), np.ones_like(c), x, h0, c0, h, c, params)
        J = LSTM.lstm_state_jacobian(x[0, 0], h0[0], c0[0], params)
        hg = GRU.gru_forward(x, h0, gp)
        outg = GRU.gru_backward(np.ones_like(hg), x, h0, hg, gp)
    for a in [h, c, J, hg, out[0], outg[0], *out[3].values(), *outg[2].values()]:
        assert np.all(np.isfinite(a))
