"""The points table of gated_rnn: every check's weight (check ids of checks/ beside this file).

It sums to 100, split across the functions as the handout says (assignments/gated_rnn/handout.md
§8.3): lstm_forward 12, lstm_backward 26, lstm_state_jacobian 14, gru_forward 10, gru_backward 22,
rnn_backward_truncated 16. Each check earns points * (cases passed / cases run); ".inputs" is a
property, credited only as far as its function's value check passes; so is ".saturating"
(finite and warning-free with every gate saturated), whose point each forward takes from its
value checks. Each backward's ".sympy" check (checks/symbolic.py, a third oracle of the same
answers) and ".realistic_size" check (the case at a realistic size that gates the whole function,
issue 19) take their points from the function's finite-difference check and, for lstm_backward,
from dc_zero; the Jacobian's ".sympy" takes 1 from its finite-difference check and 0.5 from each
of the blocks hh and ch.
"""
POINTS: dict[str, float] = {
    # lstm_forward: 12
    "lstm_forward.h": 5, "lstm_forward.c": 5, "lstm_forward.inputs": 1, "lstm_forward.saturating": 1,
    # lstm_backward: 26
    "lstm_backward.dx": 3, "lstm_backward.dh0": 3, "lstm_backward.dc0": 3,
    "lstm_backward.W_x": 3.5, "lstm_backward.W_h": 3.5, "lstm_backward.b": 2.5,
    "lstm_backward.dc_zero": 2, "lstm_backward.finite_differences": 1, "lstm_backward.inputs": 1,
    "lstm_backward.sympy": 2, "lstm_backward.realistic_size": 1.5,
    # lstm_state_jacobian: 14 (each block on its own)
    "lstm_state_jacobian.hh": 2.5, "lstm_state_jacobian.hc": 2.5, "lstm_state_jacobian.ch": 2.5,
    "lstm_state_jacobian.cc": 2.5, "lstm_state_jacobian.finite_differences": 1, "lstm_state_jacobian.inputs": 1,
    "lstm_state_jacobian.sympy": 2,
    # gru_forward: 10
    "gru_forward.h": 8, "gru_forward.inputs": 1, "gru_forward.saturating": 1,
    # gru_backward: 22
    "gru_backward.dx": 2, "gru_backward.dh0": 2,
    "gru_backward.W_xr": 1.5, "gru_backward.W_hr": 1.5, "gru_backward.b_r": 1.5,
    "gru_backward.W_xz": 1.5, "gru_backward.W_hz": 1.5, "gru_backward.b_z": 1.5,
    "gru_backward.W_xn": 1.5, "gru_backward.W_hn": 1.5, "gru_backward.b_n": 1.5,
    "gru_backward.finite_differences": 1, "gru_backward.inputs": 1,
    "gru_backward.sympy": 1, "gru_backward.realistic_size": 1.5,
    # rnn_backward_truncated: 16
    "rnn_backward_truncated.k_1": 3, "rnn_backward_truncated.k_divides": 3.5,
    "rnn_backward_truncated.k_not_dividing": 3.5, "rnn_backward_truncated.k_at_least_T": 2.5,
    "rnn_backward_truncated.finite_differences": 1, "rnn_backward_truncated.inputs": 1,
    "rnn_backward_truncated.realistic_size": 1.5,   # issue 19: taken from finite_differences
}

TOTAL = 100

# The handout's split (§8.3): the sum of each function's checks.
BY_FUNCTION: dict[str, float] = {"lstm_forward": 12, "lstm_backward": 26, "lstm_state_jacobian": 14,
                                 "gru_forward": 10, "gru_backward": 22, "rnn_backward_truncated": 16}
