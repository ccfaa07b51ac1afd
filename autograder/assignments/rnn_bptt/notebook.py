"""rnn_bptt's nbgrader notebook layout (the builder is autograder/outputs/notebook.py)."""
from __future__ import annotations

from autograder.assignment import NotebookLayout

# The handout section after which each file's solution cell comes.
AFTER_SECTION = {"activations": 2, "rnn": 4, "jacobian": 6, "clipping": 7}

# Which function's test cell runs each public self-check test (every test must be listed).
SELFCHECK_HOME = {
    "test_sigmoid_shape_and_value_at_zero": "sigmoid",
    "test_sigmoid_functions_finite_and_warning_free_at_plus_minus_1000": "sigmoid_derivative",
    "test_sigmoid_derivative_peaks_at_one_quarter": "sigmoid_derivative",
    "test_tanh_derivative_at_zero_and_shape": "tanh_derivative",
    "test_tanh_derivative_finite_and_warning_free_at_plus_minus_1000": "tanh_derivative",
    "test_derivatives_match_finite_differences": "tanh_derivative",
    "test_rnn_forward_shapes": "rnn_forward",
    "test_rnn_forward_one_step_with_zero_weights_gives_tanh_of_b_h": "rnn_forward",
    "test_rnn_forward_does_not_modify_its_inputs": "rnn_forward",
    "test_rnn_backward_shapes": "rnn_backward",
    "test_rnn_backward_matches_finite_differences": "rnn_backward",
    "test_rnn_backward_does_not_modify_its_inputs": "rnn_backward",
    "test_hidden_jacobian_shape_and_not_symmetric": "hidden_jacobian",
    "test_jacobian_through_time_is_identity_when_k_equals_t": "jacobian_through_time",
    "test_gradient_bound_is_one_for_zero_steps": "gradient_bound",
    "test_classify_gradient_regime_obvious_cases": "classify_gradient_regime",
    "test_clip_grad_norm_keeps_direction_and_leaves_input_alone": "clip_grad_norm",
    "test_clip_grad_norm_zero_gradient_comes_back_as_zeros": "clip_grad_norm",
    "test_clip_grad_norm_rejects_zero_max_norm": "clip_grad_norm",
}

NOTEBOOK_NOTE = """\
### This notebook version of the assignment

Write your code in the four code cells named after the files of the handout (`activations.py`,
`rnn.py`, `jacobian.py`, `clipping.py`), in place of `raise NotImplementedError()`. Keep every
name and signature; you may add helper functions (define them in these cells, as functions).
Run the cells in order: each test cell under a function runs the public self-check of that
function (section 8.2). Passing it is a good sign, not a guarantee of full marks. When your
notebook is graded it is not run: the grader reads the code of your cells, takes each function
with what it uses (your helper functions, imports and constants), runs the hidden tests of
section 8.3 on your functions in its sandbox, and writes each function's score and a summary
under its test cell. Code at the top level of a cell (prints, plots, experiments) is yours to
run; it is not graded. Where section 8.1 speaks of files, read "the cell of that file".
"""


LAYOUT = NotebookLayout(AFTER_SECTION, SELFCHECK_HOME, NOTEBOOK_NOTE)
