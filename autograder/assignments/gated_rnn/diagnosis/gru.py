"""Misconceptions about gru.py: gru_forward, gru_backward (handout §5).

The models below are plain NumPy functions with the student function's signature: with every
switch at its default they compute exactly the reference's answer (reference/gated_rnn/solution/;
tests/gated_rnn/test_gated_mistakes.py checks this); each entry of MISTAKES flips one switch, i.e.
makes one mistake students actually make (see common.py for what an entry holds).
"""
from __future__ import annotations

from functools import partial

import numpy as np

from autograder.engine.numerics import logistic as sigmoid

from .common import GB, GF, GRU_GRADS, Mistake
from .common import entry as _m


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


MISTAKES: list[Mistake] = [
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
]
