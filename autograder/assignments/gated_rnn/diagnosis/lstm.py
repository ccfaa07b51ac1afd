"""Misconceptions about lstm.py: lstm_forward, lstm_backward, lstm_state_jacobian (handout §2-§4).

The models below are plain NumPy functions with the student function's signature: with every
switch at its default they compute exactly the reference's answer (reference/gated_rnn/solution/;
tests/gated_rnn/test_gated_mistakes.py checks this); each entry of MISTAKES flips one switch, i.e.
makes one mistake students actually make (see common.py for what an entry holds).
"""
from __future__ import annotations

from functools import partial

import numpy as np

from autograder.engine.numerics import logistic as sigmoid

from .common import BLOCKS, LB, LF, LJ, LSTM_GRADS, Mistake
from .common import entry as _m


# order: the gate each quarter of a_t is read as; "ifog" is the contract's (and CS231n's),
# "ifgo" PyTorch's and Keras's, "igfo" TensorFlow's LSTMCell (i, j, f, o).
def _lstm_gates(x_t, h_prev, params, order="ifog"):
    H = params["W_h"].shape[0]
    a = x_t @ params["W_x"] + h_prev @ params["W_h"] + params["b"]
    part = {gate: a[:, q * H:(q + 1) * H] for q, gate in enumerate(order)}
    return sigmoid(part["i"]), sigmoid(part["f"]), sigmoid(part["o"]), np.tanh(part["g"])


def _stack(order, di, df, do, dg):
    by_gate = {"i": di, "f": df, "o": do, "g": dg}
    return np.concatenate([by_gate[gate] for gate in order], axis=1)


def lstm_forward(x, h0, c0, params, *, order="ifog", cell_tanh=True, use_c0=True):
    """x: (N, T, D), h0, c0: (N, H) -> h, c: (N, T, H). cell_tanh=False: h_t = o_t * c_t;
    use_c0=False: c_0 taken as zeros (CS231n's starter code)."""
    N, T, _ = x.shape
    H = params["W_h"].shape[0]
    h, c = np.zeros((N, T, H)), np.zeros((N, T, H))
    h_prev, c_prev = h0, (c0 if use_c0 else np.zeros_like(c0))
    for t in range(T):
        i, f, o, g = _lstm_gates(x[:, t], h_prev, params, order)
        c_prev = f * c_prev + i * g
        h_prev = o * (np.tanh(c_prev) if cell_tanh else c_prev)
        h[:, t], c[:, t] = h_prev, c_prev
    return h, c


def lstm_backward(dh, dc, x, h0, c0, h, c, params, *, order="ifog", cell_tanh=True, tanh_prime="state",
                  cell_carry="f", use_dc=True, W_h_state="previous", c0_mode="used", candidate_prime=True):
    """BPTT of L = sum(dh * h) + sum(dc * c) with one switch flipped. Shapes as the reference.

    tanh_prime: the factor on the path h_t -> c_t, "state" (1 - tanh(c_t)^2), "dropped" (1) or
    "from_h" (1 - h_t^2); cell_carry: "f" (dc_{t-1} += f_t * dc_t), "none", or "before_h"
    (f_t times dc_t before the h_t path is added); c0_mode: "used", "zero_grad" (dc0 returned as
    zeros) or "zero" (c_0 taken as zeros, so df at step 1 and dc0 vanish)."""
    W_x, W_h = params["W_x"], params["W_h"]
    T = x.shape[1]
    grads = {k: np.zeros(v.shape) for k, v in params.items()}
    dx = np.zeros(x.shape)
    dh_next, dc_next = np.zeros(h0.shape), np.zeros(c0.shape)
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else h0
        c_prev = c[:, t - 1] if t > 0 else (np.zeros_like(c0) if c0_mode == "zero" else c0)
        i, f, o, g = _lstm_gates(x[:, t], h_prev, params, order)
        tc = np.tanh(c[:, t]) if cell_tanh else c[:, t]
        prime = {"state": 1.0 - tc ** 2, "dropped": 1.0, "from_h": 1.0 - h[:, t] ** 2}[tanh_prime]
        if not cell_tanh:
            prime = 1.0
        dh_t = dh[:, t] + dh_next
        dc_above = (dc[:, t] if use_dc else 0.0) + dc_next
        dc_t = dc_above + dh_t * o * prime
        da = _stack(order, dc_t * g * i * (1.0 - i), dc_t * c_prev * f * (1.0 - f), dh_t * tc * o * (1.0 - o),
                    dc_t * i * ((1.0 - g ** 2) if candidate_prime else 1.0))
        dx[:, t] = da @ W_x.T
        grads["W_x"] += x[:, t].T @ da
        grads["W_h"] += (h_prev if W_h_state == "previous" else h[:, t]).T @ da
        grads["b"] += da.sum(axis=0)
        dh_next = da @ W_h.T
        dc_next = {"f": dc_t * f, "none": np.zeros(c0.shape), "before_h": dc_above * f}[cell_carry]
    dc0 = np.zeros(c0.shape) if c0_mode != "used" else dc_next
    return dx, dh_next, dc0, grads


def lstm_state_jacobian(x_t, h_prev, c_prev, params, *, order="ifog", cell_block="f", hc_forget=True,
                        gates_constant=False, transposed=False, tanh_prime="state", output_gate_path=True):
    """d[h_t, c_t] / d[h_{t-1}, c_{t-1}] (2H, 2H) with one switch flipped.

    cell_block: "f" (diag(f_t)) or "identity"; hc_forget=False: the upper-right block without f_t;
    gates_constant: i, f, o treated as constants (only the candidate depends on h_{t-1});
    transposed: the denominator layout J.T; tanh_prime "dropped": 1 - tanh(c_t)^2 left out;
    output_gate_path=False: the o_t term of d h_t / d h_{t-1} left out."""
    W_h = params["W_h"]
    H = W_h.shape[0]
    i, f, o, g = (v[0] for v in _lstm_gates(x_t[None, :], h_prev[None, :], params, order))
    c_t = f * c_prev + i * g
    tc = np.tanh(c_t)
    W = {gate: W_h[:, q * H:(q + 1) * H] for q, gate in enumerate(order)}
    gate_terms = 0.0 if gates_constant else 1.0
    dc_dh = (gate_terms * ((i * (1 - i) * g)[:, None] * W["i"].T + (f * (1 - f) * c_prev)[:, None] * W["f"].T)
             + (i * (1 - g ** 2))[:, None] * W["g"].T)
    dc_dc = np.diag(f) if cell_block == "f" else np.eye(H)
    through_c = o * ((1 - tc ** 2) if tanh_prime == "state" else 1.0)
    out_gate = (gate_terms if output_gate_path else 0.0) * (o * (1 - o) * tc)[:, None] * W["o"].T
    dh_dh = out_gate + through_c[:, None] * dc_dh
    dh_dc = np.diag(through_c * (f if hc_forget else 1.0))
    J = np.block([[dh_dh, dh_dc], [dc_dh, dc_dc]])
    return J.T if transposed else J


_ORDERS = (("ifgo", "PyTorch's and Keras's order i, f, g, o"), ("igfo", "TensorFlow's order i, g, f, o"))

MISTAKES: list[Mistake] = [
    # ---- lstm_forward ----------------------------------------------------------------------
    *[_m("lstm_gate_order", LF, ("h", "c"), f"""
        Your LSTM seems to read the four quarters of a_t in {label}. Here the columns of W_x, W_h
        and b are stacked in the order i, f, o, g (as in CS231n): i_t = sigma(a_t[:, :H]),
        f_t = sigma(a_t[:, H:2H]), o_t = sigma(a_t[:, 2H:3H]), g_t = tanh(a_t[:, 3H:])
        (handout §2.2).""", partial(lstm_forward, order=order), variant=order) for order, label in _ORDERS],
    _m("lstm_missing_cell_tanh", LF, ("h", "c"), """
        Your hidden states look like o_t * c_t. The cell state is squashed before the output gate
        reads it: h_t = o_t * tanh(c_t) (handout §2.1).""", partial(lstm_forward, cell_tanh=False)),
    _m("lstm_c0_ignored", LF, ("h", "c"), """
        Your LSTM seems to start from a zero cell state instead of c0 (CS231n's starter code sets
        c0 = 0; this assignment passes c0 in): the first step is c_1 = f_1 * c0 + i_1 * g_1
        (handout §2.1).""", partial(lstm_forward, use_c0=False)),
    # ---- lstm_backward ---------------------------------------------------------------------
    *[_m("lstm_gate_order", LB, LSTM_GRADS, f"""
        Your backward pass seems to read the gates from a_t in {label}. The quarters of a_t, and
        so of da_t, are in the order i, f, o, g (handout §2.2 and §3.2).""",
         partial(lstm_backward, order=order), variant=order) for order, label in _ORDERS],
    _m("lstm_missing_cell_tanh", LB, LSTM_GRADS, """
        Your backward pass seems to differentiate h_t = o_t * c_t. The forward is
        h_t = o_t * tanh(c_t), so do_t = dh_t * tanh(c_t) and the cell receives
        dh_t * o_t * (1 - tanh(c_t)^2) (handout §3.2).""", partial(lstm_backward, cell_tanh=False)),
    _m("lstm_no_cell_carry", LB, LSTM_GRADS, """
        Your backward pass seems to drop the gradient carried along the cell state: c_{t-1}
        receives f_t * dc_t from step t (dc_{t-1} += f_t * dc_t), the very path that keeps LSTM
        gradients alive (handout §3.2 and §4.2).""", partial(lstm_backward, cell_carry="none")),
    _m("lstm_cell_carry_misses_h_path", LB, LSTM_GRADS, """
        Your backward pass seems to carry f_t times the cell gradient to c_{t-1} before adding the
        part that reaches c_t through h_t = o_t * tanh(c_t). First form the whole
        dc_t = dc[:, t-1] + carry + dh_t * o_t * (1 - tanh(c_t)^2), then carry f_t * dc_t
        (handout §3.2).""", partial(lstm_backward, cell_carry="before_h")),
    _m("lstm_ignores_dc", LB, LSTM_GRADS, """
        Your backward pass seems to ignore the dc argument (CS231n's lstm_backward only takes dh).
        The loss may depend on the cell states directly: add dc[:, t-1] to the gradient on c_t
        (handout §3.1).""", partial(lstm_backward, use_dc=False)),
    _m("lstm_tanh_prime_dropped", LB, LSTM_GRADS, """
        Your backward pass seems to send dh_t * o_t to the cell without the tanh derivative. Since
        h_t = o_t * tanh(c_t), c_t receives dh_t * o_t * (1 - tanh(c_t)^2) (handout §3.2).""",
       partial(lstm_backward, tanh_prime="dropped")),
    _m("lstm_tanh_prime_from_h", LB, LSTM_GRADS, """
        Your backward pass seems to use 1 - h_t^2 as the tanh derivative on the cell path. In the
        LSTM, h_t is not tanh of anything: h_t = o_t * tanh(c_t), so the factor is
        1 - tanh(c_t)^2, computed from the cell state (handout §3.2).""",
       partial(lstm_backward, tanh_prime="from_h")),
    _m("lstm_candidate_derivative_missing", LB, LSTM_GRADS, """
        Your backward pass seems to forget the tanh derivative of the candidate g_t: its
        pre-activation receives dc_t * i_t * (1 - g_t^2) (handout §3.2).""",
       partial(lstm_backward, candidate_prime=False)),
    _m("lstm_recurrent_grad_uses_current_state", LB, ("W_h",), """
        Your dW_h seems to be built from h_t instead of h_{t-1}. Step t reads h_{t-1}:
        a_t = x_t W_x + h_{t-1} W_h + b, so dW_h += h_{t-1}^T da_t, with h_0 = h0 at the first
        step (handout §3.2).""", partial(lstm_backward, W_h_state="current")),
    _m("lstm_c0_ignored", LB, ("dc0",), """
        Your dc0 looks like zeros. c0 is an input of the forward pass like h0, and its gradient is
        the cell carry left after the first step: dc0 = f_1 * dc_1 (handout §3.3).""",
       partial(lstm_backward, c0_mode="zero_grad"), variant="dc0 zero"),
    _m("lstm_c0_ignored", LB, ("dc0", "W_x", "W_h", "b", "dx", "dh0"), """
        Your backward pass seems to take c_0 as zeros (CS231n's starter code does). This
        assignment passes c0 in: use it in the forget-gate gradient of the first step
        (df_1 = dc_1 * c0) and return dc0 = f_1 * dc_1 (handout §3.3).""",
       partial(lstm_backward, c0_mode="zero"), variant="c0 zero"),
    # ---- lstm_state_jacobian ---------------------------------------------------------------
    *[_m("lstm_gate_order", LJ, BLOCKS, f"""
        Your Jacobian seems to read the gates in {label}; the stacking is i, f, o, g
        (handout §2.2 and §4.1).""", partial(lstm_state_jacobian, order=order), variant=order)
      for order, label in _ORDERS],
    _m("lstm_cell_jacobian_identity", LJ, ("cc",), """
        Your block d c_t / d c_{t-1} looks like the identity. The cell state is updated by an
        addition, but the old cell is still scaled by the forget gate: c_t = f_t * c_{t-1} + ...,
        so the block is diag(f_t), near the identity only when f_t is near 1 (handout §4.1 and
        §4.2).""", partial(lstm_state_jacobian, cell_block="identity")),
    _m("lstm_jacobian_missing_forget_factor", LJ, ("hc",), """
        Your block d h_t / d c_{t-1} seems to miss the factor f_t: h_t depends on c_{t-1} only
        through c_t = f_t * c_{t-1} + i_t * g_t, so the block is
        diag(o_t * (1 - tanh(c_t)^2) * f_t) (handout §4.1).""",
       partial(lstm_state_jacobian, hc_forget=False)),
    _m("lstm_jacobian_tanh_prime_dropped", LJ, ("hh", "hc"), """
        Your blocks d h_t / d h_{t-1} and d h_t / d c_{t-1} seem to miss the factor
        1 - tanh(c_t)^2: h_t = o_t * tanh(c_t) (handout §4.1).""",
       partial(lstm_state_jacobian, tanh_prime="dropped")),
    _m("lstm_jacobian_gates_constant", LJ, ("hh", "ch"), """
        Your left blocks seem to treat the gates i_t, f_t, o_t as constants. They depend on
        h_{t-1} too (a_t = x_t W_x + h_{t-1} W_h + b), so d c_t / d h_{t-1} has a term for each of
        i, f and g, and d h_t / d h_{t-1} one for o (handout §4.1).""",
       partial(lstm_state_jacobian, gates_constant=True)),
    _m("lstm_jacobian_missing_output_gate_path", LJ, ("hh",), """
        Your block d h_t / d h_{t-1} seems to miss the path through the output gate: it is
        diag(tanh(c_t) * o_t (1 - o_t)) W_o^T + diag(o_t (1 - tanh(c_t)^2)) d c_t / d h_{t-1},
        W_o being the third quarter of the columns of W_h (handout §4.1).""",
       partial(lstm_state_jacobian, output_gate_path=False)),
    _m("lstm_jacobian_transposed", LJ, ("hh", "hc", "ch"), """
        Your Jacobian looks transposed (denominator layout). Row i holds the derivatives of
        s_t[i], column j those with respect to s_{t-1}[j]: J[i, j] = d s_t[i] / d s_{t-1}[j]
        (handout §4.1 and §4.3).""", partial(lstm_state_jacobian, transposed=True)),
]
