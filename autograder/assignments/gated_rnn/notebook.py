"""gated_rnn's nbgrader notebook layout (the builder is autograder/outputs/notebook.py)."""
from __future__ import annotations

from autograder.assignment import NotebookLayout

# The handout section after which each file's solution cell comes.
AFTER_SECTION = {"lstm": 4, "gru": 5, "truncated": 6}

# Which function's test cell runs each public self-check test (every test must be listed).
SELFCHECK_HOME = {
    "test_lstm_forward_shapes": "lstm_forward",
    "test_lstm_forward_one_step_by_hand_uses_c0_and_the_gate_order_i_f_o_g": "lstm_forward",
    "test_lstm_forward_is_finite_and_warning_free_when_gates_saturate": "lstm_forward",
    "test_lstm_forward_does_not_modify_its_inputs": "lstm_forward",
    "test_lstm_backward_shapes": "lstm_backward",
    "test_lstm_backward_matches_finite_differences": "lstm_backward",
    "test_lstm_backward_does_not_modify_its_inputs": "lstm_backward",
    "test_lstm_state_jacobian_shape_and_cell_block_is_diag_f": "lstm_state_jacobian",
    "test_lstm_state_jacobian_matches_finite_differences_of_your_forward": "lstm_state_jacobian",
    "test_gru_forward_shapes": "gru_forward",
    "test_gru_forward_one_step_by_hand": "gru_forward",
    "test_gru_forward_resets_before_W_hn": "gru_forward",
    "test_gru_backward_shapes_and_finite_differences": "gru_backward",
    "test_gru_functions_do_not_modify_their_inputs": "gru_backward",
    "test_rnn_backward_truncated_matches_finite_differences_of_the_detached_forward": "rnn_backward_truncated",
    "test_rnn_backward_truncated_does_not_modify_its_inputs": "rnn_backward_truncated",
}

NOTEBOOK_NOTE = """\
### This notebook version of the assignment

Write your code in the three code cells named after the files of the handout (`lstm.py`,
`gru.py`, `truncated.py`), in place of `raise NotImplementedError()`. Keep every name and
signature; you may add helper functions (define them in these cells, as functions). Run the
cells in order: each test cell under a function runs the public self-check of that function
(section 8.2). Passing it is a good sign, not a guarantee of full marks. When your notebook is
graded it is not run: the grader reads the code of your cells, takes each function with what it
uses (your helper functions, imports and constants), runs the hidden tests of section 8.4 on your
functions in its sandbox, and writes each function's score and a summary under its test cell.
Code at the top level of a cell (prints, plots, experiments) is yours to run; it is not graded.
Where section 8.1 speaks of files, read "the cell of that file".
"""


LAYOUT = NotebookLayout(AFTER_SECTION, SELFCHECK_HOME, NOTEBOOK_NOTE)
