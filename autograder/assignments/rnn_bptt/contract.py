"""The student contract of rnn_bptt as data: files, functions, signatures, answer schemas, helpers.

The rules in words: docs/contracts/rnn_bptt.md. Everything else in this assignment refers to
functions by the names defined here.
"""
from __future__ import annotations

from autograder.assignment import ARRAY, SCALAR, STRING, StudentFunction, dict_of, tuple_of

PARAM_KEYS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")

FUNCTIONS: tuple[StudentFunction, ...] = (
    StudentFunction("sigmoid", "activations", "sigmoid(x)", ARRAY),
    StudentFunction("sigmoid_derivative", "activations", "sigmoid_derivative(x)", ARRAY, helper="sigmoid"),
    StudentFunction("tanh_derivative", "activations", "tanh_derivative(x)", ARRAY),
    StudentFunction("rnn_forward", "rnn", "rnn_forward(x, h0, params) -> (h, y)", tuple_of(h=ARRAY, y=ARRAY)),
    StudentFunction("rnn_backward", "rnn", "rnn_backward(dh, dy, x, h0, h, params) -> (dx, dh0, grads)",
                    tuple_of(dx=ARRAY, dh0=ARRAY, grads=dict_of(PARAM_KEYS)), sequence_gradient=True,
                    bptt_witnesses=("grads['W_hh']",),
                    outside_recurrence=("grads['W_hy']", "grads['b_y']")),
    StudentFunction("hidden_jacobian", "jacobian", 'hidden_jacobian(h_t, W_hh, activation="tanh")', ARRAY),
    StudentFunction("jacobian_through_time", "jacobian",
                    'jacobian_through_time(hs, W_hh, k, t, activation="tanh")', ARRAY, helper="hidden_jacobian"),
    StudentFunction("gradient_bound", "jacobian", 'gradient_bound(W_hh, steps, activation="tanh")', SCALAR),
    StudentFunction("classify_gradient_regime", "jacobian", 'classify_gradient_regime(W_hh, activation="tanh")',
                    STRING, helper="gradient_bound"),
    StudentFunction("clip_grad_norm", "clipping", "clip_grad_norm(grads, max_norm) -> (clipped, total_norm)",
                    tuple_of(clipped=dict_of(PARAM_KEYS), total_norm=SCALAR)),
)

BY_NAME = {f.name: f for f in FUNCTIONS}
MODULES: tuple[str, ...] = tuple(dict.fromkeys(f.module for f in FUNCTIONS))


def functions_in(module: str) -> list[StudentFunction]:
    return [f for f in FUNCTIONS if f.module == module]
