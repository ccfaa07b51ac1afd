"""Misconceptions about truncated.py: rnn_backward_truncated (handout §6).

The model below is a plain NumPy function with the student function's signature: with every
switch at its default it computes exactly the reference's answer (reference/gated_rnn/solution/;
tests/gated_rnn/test_gated_mistakes.py checks this); each entry of MISTAKES flips one switch, i.e.
makes one mistake students actually make (see common.py for what an entry holds).
"""
from __future__ import annotations

from functools import partial

import numpy as np

from .common import RNN_GRADS, TB, Mistake
from .common import entry as _m


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


MISTAKES: list[Mistake] = [
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
