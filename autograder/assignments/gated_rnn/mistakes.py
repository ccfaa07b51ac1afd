"""Misconceptions of the gated_rnn assignment: the reference with one switch flipped, plus a sentence.

Each model below is a plain NumPy function with a student function's signature. With every switch
at its default it computes exactly the reference's answer (reference/gated_rnn/solution/;
tests/gated_rnn/test_gated_mistakes.py checks this); each entry of MISTAKES flips one switch,
i.e. makes one mistake students actually make. Entries are data only: code, the student function,
the outputs the mistake changes, the sentence a student reads (with the handout section), and the
model. Several entries may share a code (variants of one mistake). Nothing here imports the
grading engine; wiring the entries into the diagnosis machinery is the engine's job.

Output names in `affects`: lstm_forward "h", "c"; lstm_backward and gru_backward "dx", "dh0",
"dc0" and the parameter names; lstm_state_jacobian the blocks "hh", "hc", "ch", "cc"
(d h_t / d h_{t-1}, d h_t / d c_{t-1}, d c_t / d h_{t-1}, d c_t / d c_{t-1}); rnn_backward_truncated
"dx", "dh0" and the parameter names.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np


@dataclass(frozen=True)
class Mistake:
    code: str                   # e.g. "lstm_gate_order"
    function: str               # the student function it concerns
    affects: tuple[str, ...]    # the outputs it changes (see the module docstring)
    sentence: str               # for the student, with "(handout §n.m)"
    model: Callable             # the reference with this one mistake, the student function's signature
    variant: str = ""           # tells apart entries that share a code

    @property
    def name(self) -> str:
        return f"{self.function}:{self.code}" + (f"[{self.variant}]" if self.variant else "")


def sigmoid(z):
    """Logistic function without overflow."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


# ============================================================================================
# LSTM
# ============================================================================================
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


# ============================================================================================
# GRU
# ============================================================================================
# reset: "before" (the notes: (r * h) @ W_hn) or "after" (PyTorch: r * (h @ W_hn));
# update: "notes" (h = (1 - z) h_prev + z n) or "swapped" (PyTorch: h = z h_prev + (1 - z) n).
def _gru_gates(x_t, h_prev, p, reset="before"):
    r = sigmoid(x_t @ p["W_xr"] + h_prev @ p["W_hr"] + p["b_r"])
    z = sigmoid(x_t @ p["W_xz"] + h_prev @ p["W_hz"] + p["b_z"])
    hW = h_prev @ p["W_hn"]
    inner = (r * h_prev) @ p["W_hn"] if reset == "before" else r * hW
    return r, z, np.tanh(x_t @ p["W_xn"] + inner + p["b_n"]), hW


def gru_forward(x, h0, params, *, reset="before", update="notes"):
    """x: (N, T, D), h0: (N, H) -> h: (N, T, H)."""
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    h_prev = h0
    for t in range(T):
        _, z, n, _ = _gru_gates(x[:, t], h_prev, params, reset)
        keep = (1.0 - z) if update == "notes" else z
        h_prev = keep * h_prev + (1.0 - keep) * n
        h[:, t] = h_prev
    return h


def gru_backward(dh, x, h0, h, params, *, reset="before", update="notes", direct_carry=True, reset_grad=True,
                 dW_hn_with_reset=True, W_h_state="previous"):
    """BPTT of L = sum(dh * h) through the GRU with one switch flipped. Shapes as the reference.

    direct_carry=False: the (1 - z_t) * dh_t path into h_{t-1} left out; reset_grad=False: r_t
    treated as a constant; dW_hn_with_reset=False: dW_hn from h_{t-1} instead of r_t * h_{t-1};
    W_h_state "current": dW_hr, dW_hz, dW_hn built from h_t instead of h_{t-1}."""
    p = params
    T = x.shape[1]
    grads = {k: np.zeros(v.shape) for k, v in params.items()}
    dx = np.zeros(x.shape)
    dh_next = np.zeros(h0.shape)
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else h0
        h_w = h_prev if W_h_state == "previous" else h[:, t]
        x_t = x[:, t]
        r, z, n, hW = _gru_gates(x_t, h_prev, p, reset)
        dh_t = dh[:, t] + dh_next
        zn, zh = (z, 1.0 - z) if update == "notes" else (1.0 - z, z)
        sign = 1.0 if update == "notes" else -1.0
        da_n = dh_t * zn * (1.0 - n ** 2)
        da_z = sign * dh_t * (n - h_prev) * z * (1.0 - z)
        if reset == "before":
            d_rh = da_n @ p["W_hn"].T
            dr, d_h_via_n = d_rh * h_prev, d_rh * r
            grads["W_hn"] += ((r * h_w) if dW_hn_with_reset else h_w).T @ da_n
        else:
            dr, d_h_via_n = da_n * hW, (da_n * r) @ p["W_hn"].T
            grads["W_hn"] += h_w.T @ (da_n * (r if dW_hn_with_reset else 1.0))
        da_r = dr * r * (1.0 - r) * (1.0 if reset_grad else 0.0)
        for name, da in (("r", da_r), ("z", da_z), ("n", da_n)):
            dx[:, t] += da @ p["W_x" + name].T
            grads["W_x" + name] += x_t.T @ da
            grads["b_" + name] += da.sum(axis=0)
        grads["W_hr"] += h_w.T @ da_r
        grads["W_hz"] += h_w.T @ da_z
        dh_next = ((dh_t * zh) if direct_carry else 0.0) + d_h_via_n + da_r @ p["W_hr"].T + da_z @ p["W_hz"].T
    return dx, dh_next, grads


# ============================================================================================
# Truncated BPTT
# ============================================================================================
def _detached(t, T, k, boundary):
    """Is h_t (1-based, 0 <= t < T) detached where step t+1 reads it?"""
    if boundary == "mk":
        return t > 0 and t % k == 0
    if boundary == "mk+1":
        return t > 1 and (t - 1) % k == 0
    if boundary == "1+mk":
        return t > 0 and (t - 1) % k == 0
    if boundary == "mk-1":
        return (t + 1) % k == 0
    if boundary == "from_end":
        return t > 0 and (T - t) % k == 0
    if boundary == "never":
        return False
    raise ValueError(boundary)


def rnn_backward_truncated(dh, dy, x, h0, h, params, k, *, boundary="mk", detach_h0=False, window="chunks",
                           boundary_weight_term=True):
    """Truncated BPTT with one switch flipped. Shapes as the reference.

    boundary: which states are detached ("mk" right, "mk+1" (m >= 1), "1+mk" (m >= 0: h_1 too),
    "mk-1", "from_end" chunks counted
    from the last step, "never"); detach_h0: dh0 returned as zeros; window "sliding": every step's
    loss sends its gradient back exactly k steps (instead of to the start of its chunk);
    boundary_weight_term=False: step mk+1 adds nothing to dW_hh (h_mk treated as zero)."""
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    T = x.shape[1]
    grads = {name: np.zeros(v.shape) for name, v in params.items()}
    grads["W_hy"] = np.einsum("nth,nto->ho", h, dy)
    grads["b_y"] = dy.sum(axis=(0, 1))
    dx = np.zeros(x.shape)
    dh0 = np.zeros(h0.shape)

    def step(t, g):                              # step t (1-based) given dL/dh_t; returns dL/dh_{t-1}
        h_prev = h[:, t - 2] if t > 1 else h0
        dz = g * (1.0 - h[:, t - 1] ** 2)
        dx[:, t - 1] += dz @ W_xh.T
        grads["W_xh"] += x[:, t - 1].T @ dz
        if boundary_weight_term or not _detached(t - 1, T, k, "mk"):
            grads["W_hh"] += h_prev.T @ dz
        grads["b_h"] += dz.sum(axis=0)
        return dz @ W_hh.T

    if window == "sliding":
        for s in range(1, T + 1):
            g = dh[:, s - 1] + dy[:, s - 1] @ W_hy.T
            for t in range(s, max(0, s - k), -1):
                g = step(t, g)
                if t == 1:
                    dh0 += g
    else:
        carry = np.zeros(h0.shape)
        for t in range(T, 0, -1):
            back = step(t, dh[:, t - 1] + dy[:, t - 1] @ W_hy.T + carry)
            carry = np.zeros(h0.shape) if _detached(t - 1, T, k, boundary) else back
        dh0 = carry
    return dx, (np.zeros(h0.shape) if detach_h0 else dh0), grads


# ============================================================================================
# the catalogue
# ============================================================================================
LF, LB, LJ = "lstm_forward", "lstm_backward", "lstm_state_jacobian"
GF, GB, TB = "gru_forward", "gru_backward", "rnn_backward_truncated"
LSTM_GRADS = ("dx", "dh0", "dc0", "W_x", "W_h", "b")
GRU_GRADS = ("dx", "dh0", "W_xr", "W_hr", "b_r", "W_xz", "W_hz", "b_z", "W_xn", "W_hn", "b_n")
RNN_GRADS = ("dx", "dh0", "W_xh", "W_hh", "b_h")
BLOCKS = ("hh", "hc", "ch", "cc")


def _m(code, function, affects, sentence, model, variant=""):
    return Mistake(code, function, tuple(affects), " ".join(sentence.split()), model, variant)


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
    # ---- gru_forward -----------------------------------------------------------------------
    _m("gru_reset_after_product", GF, ("h",), """
        Your GRU seems to apply the reset gate after the product, r_t * (h_{t-1} W_hn), as PyTorch's
        nn.GRU does. This assignment follows the notes: n_t = tanh(x_t W_xn + (r_t * h_{t-1}) W_hn
        + b_n), the reset gate multiplies h_{t-1} before W_hn (handout §5.2).""",
       partial(gru_forward, reset="after")),
    _m("gru_update_gate_swapped", GF, ("h",), """
        Your GRU seems to swap z_t and 1 - z_t (PyTorch's convention h_t = (1 - z_t) n_t +
        z_t h_{t-1}). Here, as in the notes, h_t = (1 - z_t) * h_{t-1} + z_t * n_t: z_t weighs the
        new candidate (handout §5.1 and §5.2).""", partial(gru_forward, update="swapped")),
    # ---- gru_backward ----------------------------------------------------------------------
    _m("gru_reset_after_product", GB, GRU_GRADS, """
        Your backward pass seems to differentiate PyTorch's candidate tanh(x_t W_xn + r_t * (h_{t-1}
        W_hn) + b_n). Here n_t = tanh(x_t W_xn + (r_t * h_{t-1}) W_hn + b_n): dW_hn += (r_t *
        h_{t-1})^T da_n and the reset gate receives (da_n W_hn^T) * h_{t-1} (handout §5.3).""",
       partial(gru_backward, reset="after")),
    _m("gru_update_gate_swapped", GB, GRU_GRADS, """
        Your backward pass seems to use h_t = z_t * h_{t-1} + (1 - z_t) * n_t. With the notes' GRU,
        h_t = (1 - z_t) * h_{t-1} + z_t * n_t: n_t receives dh_t * z_t, h_{t-1} directly
        dh_t * (1 - z_t), and z_t receives dh_t * (n_t - h_{t-1}) (handout §5.3).""",
       partial(gru_backward, update="swapped")),
    _m("gru_missing_direct_path", GB, GRU_GRADS, """
        Your backward pass seems to miss the direct path h_t = (1 - z_t) * h_{t-1} + ...: besides
        the paths through the gates and the candidate, h_{t-1} receives dh_t * (1 - z_t)
        (handout §5.3).""", partial(gru_backward, direct_carry=False)),
    _m("gru_no_gradient_through_reset", GB, GRU_GRADS, """
        Your backward pass seems to treat the reset gate as a constant: W_xr, W_hr and b_r get no
        gradient. r_t enters n_t through (r_t * h_{t-1}) W_hn, so its pre-activation receives
        ((da_n W_hn^T) * h_{t-1}) * r_t (1 - r_t) (handout §5.3).""",
       partial(gru_backward, reset_grad=False)),
    _m("gru_candidate_grad_without_reset", GB, ("W_hn",), """
        Your dW_hn seems to be built from h_{t-1} instead of r_t * h_{t-1}. W_hn multiplies the reset
        state: dW_hn += (r_t * h_{t-1})^T da_n (handout §5.3).""",
       partial(gru_backward, dW_hn_with_reset=False)),
    _m("gru_recurrent_grad_uses_current_state", GB, ("W_hr", "W_hz", "W_hn"), """
        Your recurrent weight gradients seem to be built from h_t instead of h_{t-1}. Step t reads
        h_{t-1} (h0 at the first step): dW_hr += h_{t-1}^T da_r, dW_hz += h_{t-1}^T da_z and
        dW_hn += (r_t * h_{t-1})^T da_n (handout §5.3).""", partial(gru_backward, W_h_state="current")),
    # ---- rnn_backward_truncated ------------------------------------------------------------
    _m("truncation_never_detaches", TB, RNN_GRADS, """
        Your gradients equal full BPTT: the hidden state is never detached. Every k steps, at
        h_k, h_2k, ..., stop the gradient arriving from the next chunk (set the carry to zero
        there) (handout §6.1 and §6.2).""", partial(rnn_backward_truncated, boundary="never")),
    _m("truncation_off_by_one", TB, RNN_GRADS, """
        Your chunk boundaries seem one step late: the carry is cut into h_{k+1}, h_{2k+1}, ...
        The detached states are h_k, h_2k, ...: no gradient flows from step mk+1 into h_mk
        (mind that h[:, t-1] is h_t) (handout §6.1 and §6.2).""",
       partial(rnn_backward_truncated, boundary="mk+1"), variant="late"),
    _m("truncation_off_by_one", TB, RNN_GRADS, """
        Your chunk boundaries seem one step late: the carry is cut into h_1, h_{k+1}, h_{2k+1}, ...
        The detached states are h_k, h_2k, ...: no gradient flows from step mk+1 into h_mk
        (mind that h[:, t-1] is h_t) (handout §6.1 and §6.2).""",
       partial(rnn_backward_truncated, boundary="1+mk"), variant="late, h_1 too"),
    _m("truncation_off_by_one", TB, RNN_GRADS, """
        Your chunk boundaries seem one step early: the carry is cut into h_{k-1}, h_{2k-1}, ...
        The detached states are h_k, h_2k, ...: no gradient flows from step mk+1 into h_mk
        (mind that h[:, t-1] is h_t) (handout §6.1 and §6.2).""",
       partial(rnn_backward_truncated, boundary="mk-1"), variant="early"),
    _m("truncation_chunks_from_end", TB, RNN_GRADS, """
        Your chunks seem to be counted from the last step (h_{T-k}, h_{T-2k}, ... detached). The
        forward pass cuts the sequence from its start, as training code does: the detached
        states are h_k, h_2k, ..., and when k does not divide T the last chunk is the short one
        (handout §6.1).""", partial(rnn_backward_truncated, boundary="from_end")),
    _m("truncation_sliding_window", TB, RNN_GRADS, """
        Your gradients look like a sliding window: each step's loss sends its gradient back
        exactly k steps. This assignment truncates in chunks, by detaching the state every k
        steps: a loss late in a chunk reaches back only to the chunk's start, a loss early in a
        chunk only a step or two (handout §6.1 and §6.3).""",
       partial(rnn_backward_truncated, window="sliding")),
    _m("truncation_detaches_h0", TB, ("dh0",), """
        Your dh0 looks like zeros. h0 is never detached: it receives the gradient of the first
        chunk, dh0 = dz_1 W_hh^T (handout §6.2).""", partial(rnn_backward_truncated, detach_h0=True)),
    _m("truncation_drops_boundary_weight_term", TB, ("W_hh",), """
        Your dW_hh seems to miss the term of each chunk's first step. Detaching h_mk stops the
        gradient into h_mk, but step mk+1 still reads h_mk as an input: dW_hh += h_mk^T dz_{mk+1}
        (handout §6.2).""", partial(rnn_backward_truncated, boundary_weight_term=False)),
]

REFERENCE_MODELS: dict[str, Callable] = {
    LF: lstm_forward, LB: lstm_backward, LJ: lstm_state_jacobian,
    GF: gru_forward, GB: gru_backward, TB: rnn_backward_truncated,
}


def codes() -> set[str]:
    return {m.code for m in MISTAKES}


def for_function(function: str) -> list[Mistake]:
    return [m for m in MISTAKES if m.function == function]
