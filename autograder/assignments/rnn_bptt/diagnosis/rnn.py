"""Misconceptions about rnn.py: rnn_forward and rnn_backward (handout §3 and §4).

forward() and backward() are the reference with switches: with no switch set they compute
exactly the reference's answers (tests/test_diagnosis.py checks this on every probe), and each
catalogue entry sets one switch, i.e. makes one mistake.
"""
from __future__ import annotations

from functools import partial

import numpy as np

from autograder.diagnosis import detectors as D
from autograder.diagnosis.registry import mistake
from autograder.engine.numerics import logistic

from ..contract import PARAM_KEYS

ACTIVATIONS = {"sigmoid": logistic, "relu": lambda z: np.maximum(z, 0.0), "identity": lambda z: z}


def forward(x, h0, params, *, activation=np.tanh, hidden_bias=True, recurrence="previous", transpose_W_hh=False,
            store="state", y_from="stored", output_activation=None, output_bias=True):
    """The forward pass with one switch flipped. store: "state" (h_t), "preactivation" (z_t) or
    "shifted" (h_{t-1} in h[:, t-1]); y_from: "stored" (y from the returned h) or "state"."""
    W_xh, W_hh, b_h, W_hy, b_y = (params[k] for k in PARAM_KEYS)
    W = W_hh.T if transpose_W_hh else W_hh
    states, stored, h_prev = [], [], h0
    for t in range(x.shape[1]):
        z = x[:, t] @ W_xh + (h0 if recurrence == "initial" else h_prev) @ W + (b_h if hidden_bias else 0.0)
        h_prev = activation(z)
        states.append(h_prev)
        stored.append(z if store == "preactivation" else h_prev)
    if store == "shifted":
        stored = [h0, *states[:-1]]
    h = np.stack(stored, axis=1)
    y = (h if y_from == "stored" else np.stack(states, axis=1)) @ W_hy + (b_y if output_bias else 0.0)
    return h, (output_activation(y) if output_activation else y)


def _derivative(kind, t, x, h0, h, params):
    """phi'(z_t) as the mistake computes it ("tanh" is right: 1 - h_t**2)."""
    h_t, h_prev = h[:, t], (h[:, t - 1] if t > 0 else h0)
    if kind == "preactivation":
        return 1.0 - (x[:, t] @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"]) ** 2
    return {"tanh": 1.0 - h_t ** 2,
            "none": np.ones_like(h_t),
            "squared": (1.0 - h_t ** 2) ** 2,
            "typo": (1.0 - h_t) ** 2,
            "previous": 1.0 - h_prev ** 2,
            "wrapped": 1.0 - h[:, t - 1] ** 2,
            "of_state": 1.0 - np.tanh(h_t) ** 2,
            "sigmoid": h_t * (1.0 - h_t)}[kind]


def bptt(dh, dy, x, h0, h, params, *, derivative="tanh", carry="transpose", use_dy=True, use_dh=True,
         W_hh_state="previous", transpose_dW_hh=False, dh0="carry", carry_derivative="once"):
    """BPTT with one switch flipped: (dx, dh0, grads, steps), steps[k][t] the step-t term of grads[k].

    derivative: how phi'(z_t) is formed ("tanh" is 1 - h_t**2); carry: "transpose" (dz W_hh^T),
    "plain" (dz W_hh) or "none"; W_hh_state: the state in dW_hh ("previous", "current", or
    "wrapped": h[:, t-1] also at t = 0); carry_derivative: "once", "skipped" (carry added after
    multiplying by phi') or "twice" (the carry also multiplied by phi' of the previous state)."""
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    T = x.shape[1]
    steps: dict[str, list] = {k: [None] * T for k in PARAM_KEYS}
    dx = np.zeros_like(x)
    c = np.zeros_like(h0)
    for t in reversed(range(T)):
        h_t, h_prev = h[:, t], (h[:, t - 1] if t > 0 else h0)
        d = _derivative(derivative, t, x, h0, h, params)
        direct = (dh[:, t] if use_dh else 0.0) + (dy[:, t] @ W_hy.T if use_dy else 0.0)
        dz = (direct * d + c) if carry_derivative == "skipped" else (direct + c) * d
        dx[:, t] = dz @ W_xh.T
        state = {"previous": h_prev, "current": h_t, "wrapped": h[:, t - 1]}[W_hh_state]
        steps["W_xh"][t] = x[:, t].T @ dz
        steps["W_hh"][t] = (dz.T @ state) if transpose_dW_hh else (state.T @ dz)
        steps["b_h"][t] = dz.sum(axis=0)
        steps["W_hy"][t] = h_t.T @ dy[:, t]
        steps["b_y"][t] = dy[:, t].sum(axis=0)
        back = dz @ (W_hh if carry == "plain" else W_hh.T)
        if carry_derivative == "twice":
            back = back * (1.0 - h_prev ** 2)
        last_back = back
        c = np.zeros_like(h0) if carry == "none" else back
    grads = {k: np.sum(steps[k], axis=0) for k in PARAM_KEYS}
    return dx, (np.zeros_like(h0) if dh0 == "zero" else last_back), grads, steps


def backward(dh, dy, x, h0, h, params, **mistake_):
    dx, dh0, grads, _ = bptt(dh, dy, x, h0, h, params, **mistake_)
    return dx, dh0, grads


def one_gradient(dh, dy, x, h0, h, params, *, key, how):
    """Correct BPTT except grads[key]: "mean_N" (/N), "mean_NT" (/(N*T)), "first_step" or
    "last_step" (one step's term instead of the sum over time)."""
    dx, dh0, grads, steps = bptt(dh, dy, x, h0, h, params)
    N, T = x.shape[:2]
    grads[key] = {"mean_N": lambda: grads[key] / N, "mean_NT": lambda: grads[key] / (N * T),
                  "first_step": lambda: steps[key][0], "last_step": lambda: steps[key][T - 1]}[how]()
    return dx, dh0, grads


# ---- the catalogue ---------------------------------------------------------------------------
F, B = "rnn_forward", "rnn_backward"
HIDDEN_PATH = ("dx", "dh0", "W_xh", "W_hh", "b_h", "finite_differences")   # all that flows through dz
GRAD = {"W_xh": "dW_xh", "W_hh": "dW_hh", "b_h": "db_h", "W_hy": "dW_hy", "b_y": "db_y"}

FORWARD = [
    mistake("missing_hidden_bias", F, ("h", "y"), """
        Your hidden states look like b_h was left out of the recurrence. It is added inside the tanh
        at every step: h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h) (handout §3).""",
            model=partial(forward, hidden_bias=False)),
    mistake("no_recurrence", F, ("h", "y"), """
        Your hidden states look like h0 is used at every step instead of the previous state. The
        recurrence is h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h): carry the state you just computed
        into the next step (handout §3).""",
            model=partial(forward, recurrence="initial")),
    mistake("transposed_recurrent_weight", F, ("h", "y"), """
        Your hidden states look like they use W_hh.T where W_hh belongs (the column-vector
        convention of some slides). With row vectors, h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h):
        h_prev @ W_hh, no transpose (handout §1 and §3).""",
            model=partial(forward, transpose_W_hh=True)),
    mistake("stores_preactivation", F, ("h", "y"), """
        Your h looks like it holds the pre-activation z_t = x_t W_xh + h_{t-1} W_hh + b_h instead of
        the state h_t = tanh(z_t), and y is computed from it. Store h_t = tanh(z_t) in h[:, t-1] and
        compute y_t = h_t W_hy + b_y from it (handout §3).""",
            model=partial(forward, store="preactivation"), variant="y from z"),
    mistake("stores_preactivation", F, "h", """
        Your h looks like it holds the pre-activation z_t = x_t W_xh + h_{t-1} W_hh + b_h instead of
        the state h_t = tanh(z_t) (your y is right). Store h_t = tanh(z_t) in h[:, t-1] (handout §3).""",
            model=partial(forward, store="preactivation", y_from="state"), variant="y from h"),
    mistake("activation_on_output_layer", F, "y", """
        Your outputs look like tanh(h_t W_hy + b_y). The output layer is linear: y_t = h_t W_hy + b_y,
        with no activation (handout §3).""",
            model=partial(forward, output_activation=np.tanh)),
    *[mistake("wrong_hidden_activation", F, ("h", "y"), f"""
        Your hidden states look like they use {label} instead of tanh. This RNN is
        h_t = tanh(x_t W_xh + h_{{t-1}} W_hh + b_h): use np.tanh (handout §3).""",
              model=partial(forward, activation=ACTIVATIONS[name]), variant=name)
      for name, label in (("sigmoid", "the sigmoid"), ("relu", "ReLU"), ("identity", "no activation at all"))],
    mistake("off_by_one_in_time", F, ("h", "y"), """
        Your h looks shifted by one step in time: h[:, 0] holds h0. h[:, t-1] is h_t for t = 1..T,
        and h does not include h0 (handout §1 and §3).""",
            model=partial(forward, store="shifted"), variant="y from the returned h"),
    mistake("off_by_one_in_time", F, "h", """
        Your h looks shifted by one step in time: h[:, 0] holds h0 (your y is right). h[:, t-1] is
        h_t for t = 1..T, and h does not include h0 (handout §1 and §3).""",
            model=partial(forward, store="shifted", y_from="state"), variant="y right"),
    mistake("missing_output_bias", F, "y", """
        Your outputs look like b_y was left out: y_t = h_t W_hy + b_y, the bias added to every row
        (handout §3).""",
            model=partial(forward, output_bias=False)),
    mistake("mutates_input", F, "inputs", """
        Your rnn_forward changes one of its inputs in place (x, h0 or an array of params, e.g. with
        h_prev = h0 followed by h_prev[...] = ... or +=). The caller still needs them: build new
        arrays (handout §3 and §8.1).""",
            detector=D.modifies_input()),
]

BACKWARD = [
    mistake("missing_activation_derivative", B, HIDDEN_PATH, """
        Your backward pass seems to forget the tanh derivative: the gradient on the pre-activation
        is dz_t = dL/dh_t * (1 - h_t**2), not dL/dh_t itself (handout §4.2 and §4.3).""",
            model=partial(backward, derivative="none")),
    mistake("derivative_squared", B, HIDDEN_PATH, """
        Your backward pass seems to multiply by (1 - h_t**2)**2, the tanh derivative squared. The
        derivative enters once per step: dz_t = dL/dh_t * (1 - h_t**2) (handout §4.2).""",
            model=partial(backward, derivative="squared")),
    mistake("jacobian_slide_typo", B, HIDDEN_PATH, """
        Your backward pass seems to multiply by (1 - h_t)**2, the typo printed in the matrix of
        deck 004, where the tanh derivative 1 - h_t**2 belongs: dz_t = dL/dh_t * (1 - h_t**2)
        (handout §4.2 and §5.1).""",
            model=partial(backward, derivative="typo")),
    mistake("derivative_formula_applied_to_preactivation", B, HIDDEN_PATH, """
        Your backward pass seems to use 1 - z_t**2 with the pre-activation
        z_t = x_t W_xh + h_{t-1} W_hh + b_h. The formula 1 - h**2 is written from the activation:
        use the state, dz_t = dL/dh_t * (1 - h_t**2) (handout §2.4 and §4.2).""",
            model=partial(backward, derivative="preactivation")),
    mistake("derivative_applied_to_state", B, HIDDEN_PATH, """
        Your backward pass seems to use 1 - tanh(h_t)**2, i.e. tanh_derivative applied to the state
        h_t: that is the derivative at the wrong point. Given the state h_t = tanh(z_t),
        tanh'(z_t) = 1 - h_t**2 (handout §2.4 and §4.2).""",
            model=partial(backward, derivative="of_state")),
    mistake("wrong_hidden_activation", B, HIDDEN_PATH, """
        Your backward pass seems to use the sigmoid's derivative h_t * (1 - h_t) where tanh's
        1 - h_t**2 belongs: the hidden activation of this RNN is tanh (handout §4.2).""",
            model=partial(backward, derivative="sigmoid")),
    mistake("activation_derivative_at_wrong_step", B, HIDDEN_PATH, """
        Your backward pass seems to evaluate the tanh derivative at h_{t-1} instead of h_t:
        dz_t = dL/dh_t * (1 - h_t**2) uses the state of the same step, and h[:, t-1] is h_t
        (handout §1 and §4.3).""",
            model=partial(backward, derivative="previous"), variant="h_{t-1}"),
    mistake("activation_derivative_at_wrong_step", B, HIDDEN_PATH, """
        Your backward pass seems to evaluate the tanh derivative at h[:, t-1] in a loop where
        h[:, t] is the current state (at the first step, index -1 even wraps around to h_T):
        dz_t = dL/dh_t * (1 - h_t**2) uses the state of the same step (handout §1 and §4.3).""",
            model=partial(backward, derivative="wrapped"), variant="h[:, t-1] wrapped"),
    mistake("no_gradient_through_time", B, HIDDEN_PATH, """
        Your backward pass does not seem to carry the gradient back through time. At each step
        dL/dh_t = dh_t + dy_t W_hy^T + carry_t, where carry_t = dz_{t+1} W_hh^T comes from step t+1:
        h_t also influences every later state (handout §4.3).""",
            model=partial(backward, carry="none"), variant="dh0 from the first step"),
    mistake("no_gradient_through_time", B, HIDDEN_PATH, """
        Your backward pass does not seem to carry the gradient back through time (and dh0 is zero).
        At each step dL/dh_t = dh_t + dy_t W_hy^T + carry_t, where carry_t = dz_{t+1} W_hh^T comes
        from step t+1, and dh0 is the carry left after the loop (handout §4.3).""",
            model=partial(backward, carry="none", dh0="zero"), variant="dh0 zero"),
    mistake("carry_missing_transpose", B, HIDDEN_PATH, """
        Your backward pass seems to carry the gradient with W_hh instead of W_hh.T. From
        z_t = ... + h_{t-1} W_hh, the building block dL/da = du W^T gives
        carry_{t-1} = dz_t W_hh^T, the part of dL/dh_{t-1} that comes back from step t
        (handout §4.2 and §4.3).""",
            model=partial(backward, carry="plain")),
    mistake("transposed_recurrent_weight", B, HIDDEN_PATH, """
        Your gradients look like those of the column-vector convention: dW_hh comes out transposed
        and the carry uses W_hh instead of W_hh.T. With row vectors, z_t = ... + h_{t-1} W_hh, so
        dW_hh += h_{t-1}^T dz_t and the carry is dz_t W_hh^T (handout §1 and §4.2).""",
            model=partial(backward, carry="plain", transpose_dW_hh=True)),
    mistake("ignores_output_gradient", B, HIDDEN_PATH, """
        Your backward pass seems to leave out the gradient arriving through the outputs:
        dL/dh_t = dh_t + dy_t W_hy^T + carry_t. dh is only the gradient from above; the path
        through y_t must be added (handout §4.1 and §4.3).""",
            model=partial(backward, use_dy=False)),
    mistake("ignores_hidden_gradient", B, HIDDEN_PATH, """
        Your backward pass seems to leave out dh, the gradient arriving at each h_t from above:
        dL/dh_t = dh_t + dy_t W_hy^T + carry_t (handout §4.1 and §4.3).""",
            model=partial(backward, use_dh=False)),
    mistake("derivative_misapplied_to_carry", B, HIDDEN_PATH, """
        Your backward pass seems to add the carry after multiplying by 1 - h_t**2. The carry is
        part of dL/dh_t, so the derivative applies to the whole sum:
        dz_t = (dh_t + dy_t W_hy^T + carry_t) * (1 - h_t**2) (handout §4.3).""",
            model=partial(backward, carry_derivative="skipped"), variant="carry added after"),
    mistake("derivative_misapplied_to_carry", B, HIDDEN_PATH, """
        Your backward pass seems to multiply the carry by the tanh derivative twice: once when it
        is sent back (dz_t W_hh^T * (1 - h_{t-1}**2)) and again in the step that receives it. The
        carry is just dz_t W_hh^T; the derivative is applied once, in
        dz_t = (dh_t + dy_t W_hy^T + carry_t) * (1 - h_t**2) (handout §4.3).""",
            model=partial(backward, carry_derivative="twice"), variant="applied twice"),
    mistake("recurrent_weight_grad_uses_current_state", B, ("W_hh", "finite_differences"), """
        Your dW_hh looks like it was built from h_t instead of h_{t-1}. W_hh multiplies the previous
        state, so its gradient is the sum over t of h_{t-1}^T dz_t, with h_0 = h0 at the first step
        (handout §4.3).""",
            model=partial(backward, W_hh_state="current")),
    mistake("off_by_one_in_time", B, ("W_hh", "finite_differences"), """
        Your dW_hh seems to use the last state h_T as the previous state of the first step: in a
        loop where h[:, t] is the current state, taking h[:, t-1] as the previous one also at t = 0
        reads h[:, -1], which wraps around to h_T. For the first step the previous state is h0
        (handout §1 and §4.3).""",
            model=partial(backward, W_hh_state="wrapped")),
    mistake("transposed_weight_gradient", B, ("W_hh", "finite_differences"), """
        Your dW_hh looks transposed (it has the right shape, since W_hh is square). From
        z_t = ... + h_{t-1} W_hh, the gradient is the sum over t of h_{t-1}^T dz_t, an (H, H) array
        whose entry [i, j] pairs h_{t-1}[i] with dz_t[j] (handout §4.2).""",
            model=partial(backward, transpose_dW_hh=True)),
    mistake("missing_initial_state_gradient", B, ("dh0", "finite_differences"), """
        Your dh0 is zero, but h0 influences every state through h_1: dh0 is the carry left after
        the loop, dz_1 W_hh^T (handout §4.3).""",
            model=partial(backward, dh0="zero")),
]

PER_GRADIENT = [
    *[mistake("averages_over_batch", B, (key, "finite_differences"), f"""
        Your {GRAD[key]} looks divided by {label}. Gradients are sums over the batch and over time,
        never averages (if the loss is a mean, dh and dy already carry the 1/N) (handout §4.1).""",
              model=partial(one_gradient, key=key, how=how), variant=f"{key} {how}")
      for key in PARAM_KEYS
      for how, label in (("mean_N", "the batch size N"), ("mean_NT", "N * T (a mean over batch and time)"))],
    *[mistake("overwrites_instead_of_accumulating", B, (key, "finite_differences"), f"""
        Your {GRAD[key]} holds only the first time step's term, as if it were assigned (=) at each
        step of the backward loop instead of accumulated (+=). The parameters are shared across
        time, so every step adds to their gradient (handout §4.3).""",
              model=partial(one_gradient, key=key, how="first_step"), variant=key)
      for key in PARAM_KEYS],
    *[mistake("gradient_from_last_step_only", B, (key, "finite_differences"), f"""
        Your {GRAD[key]} holds only the last time step's term. It is a sum over all time steps
        t = 1..T, because the parameters are shared across time (handout §4.3).""",
              model=partial(one_gradient, key=key, how="last_step"), variant=key)
      for key in PARAM_KEYS],
]

ENTRIES = [
    *FORWARD, *BACKWARD, *PER_GRADIENT,
    mistake("mutates_input", B, "inputs", """
        Your rnn_backward changes one of its inputs in place (for example dh[:, t] += ... or an
        in-place update of a params array). The caller still needs them: accumulate into new
        arrays (handout §8.1).""",
            detector=D.modifies_input()),
]
