"""The student contract of gated_rnn (docs/contracts/gated_rnn.md) as data: files, functions,
signatures, answer schemas, helpers, parameter keys.

The same shape as part 1's (autograder/assignments/rnn_bptt/contract.py), built from the engine's
types; the declaration (__init__.py) points at FUNCTIONS, reference.py loads MODULES.
"""
from __future__ import annotations

from autograder.assignment import ARRAY, StudentFunction, dict_of, tuple_of

LSTM_KEYS = ("W_x", "W_h", "b")
GRU_KEYS = ("W_xr", "W_hr", "b_r", "W_xz", "W_hz", "b_z", "W_xn", "W_hn", "b_n")
RNN_KEYS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")     # part 1's vanilla RNN, for the truncation

FUNCTIONS: tuple[StudentFunction, ...] = (
    StudentFunction("lstm_forward", "lstm", "lstm_forward(x, h0, c0, params) -> (h, c)",
                    tuple_of(h=ARRAY, c=ARRAY)),
    StudentFunction("lstm_backward", "lstm", "lstm_backward(dh, dc, x, h0, c0, h, c, params) -> (dx, dh0, dc0, grads)",
                    tuple_of(dx=ARRAY, dh0=ARRAY, dc0=ARRAY, grads=dict_of(LSTM_KEYS)), helper="lstm_forward",
                    sequence_gradient=True, helper_calls=1, bptt_witnesses=("grads['W_h']",)),
    StudentFunction("lstm_state_jacobian", "lstm", "lstm_state_jacobian(x_t, h_prev, c_prev, params) -> J", ARRAY),
    StudentFunction("gru_forward", "gru", "gru_forward(x, h0, params) -> h", ARRAY),
    StudentFunction("gru_backward", "gru", "gru_backward(dh, x, h0, h, params) -> (dx, dh0, grads)",
                    tuple_of(dx=ARRAY, dh0=ARRAY, grads=dict_of(GRU_KEYS)), helper="gru_forward",
                    sequence_gradient=True, helper_calls=1,
                    bptt_witnesses=("grads['W_hr']", "grads['W_hz']", "grads['W_hn']")),
    StudentFunction("rnn_backward_truncated", "truncated",
                    "rnn_backward_truncated(dh, dy, x, h0, h, params, k) -> (dx, dh0, grads)",
                    tuple_of(dx=ARRAY, dh0=ARRAY, grads=dict_of(RNN_KEYS)), sequence_gradient=True,
                    bptt_witnesses=("grads['W_hh']",),
                    outside_recurrence=("grads['W_hy']", "grads['b_y']")),
)

BY_NAME = {f.name: f for f in FUNCTIONS}
MODULES: tuple[str, ...] = tuple(dict.fromkeys(f.module for f in FUNCTIONS))    # lstm, gru, truncated

# The argument names of each function, as the feedback calls its inputs ("the input c0 was modified").
ARG_NAMES: dict[str, tuple[str, ...]] = {
    "lstm_forward": ("x", "h0", "c0", "params"),
    "lstm_backward": ("dh", "dc", "x", "h0", "c0", "h", "c", "params"),
    "lstm_state_jacobian": ("x_t", "h_prev", "c_prev", "params"),
    "gru_forward": ("x", "h0", "params"),
    "gru_backward": ("dh", "x", "h0", "h", "params"),
    "rnn_backward_truncated": ("dh", "dy", "x", "h0", "h", "params", "k"),
}


def functions_in(module: str) -> list[StudentFunction]:
    return [f for f in FUNCTIONS if f.module == module]
