"""Where the student text states what each check of gated_rnn enforces (issue 21), as part 1's stated.py.

STATED maps every check id of points.py (beside this file) to the phrases that state it. Each
phrase must appear in the stub of the check's function (its docstring or its module's docstring,
in assignments/gated_rnn/) or in a handout section that one of those docstrings cites ("handout
sections 1 to 4", "handout section 8"). tests/test_stated_requirements.py holds the text to it,
for every assignment, and fails when a check id has no entry.

Phrases are matched after normalising both texts: lower case, whitespace collapsed, and the
Markdown and LaTeX markers $, ` and ** removed. When you add a check, add its entry here and the
sentence to the stub or handout; when you change what a check enforces, change both.
"""
from __future__ import annotations

NO_INPUT_CHANGE = ("do not modify any of the inputs",)
SATURATING = ("every returned entry must be finite", "also when a gate saturates")
SUMS = ("sums over the batch and over time (no averaging)",)
LSTM_PARAM = ("grads[name] = dl/dparams[name]", *SUMS)
GRU_PARAM = ("grads[name] has the shape of params[name]", *SUMS)
LSTM_LOSS = "l = sum(dh * h) + sum(dc * c)"
GRU_LOSS = "l = sum(dh * h)"
FD = "against central finite differences"
BY_NAME = "calls the forward by its name"
ONE_CALL = "the correct one answers only that one call"
REALISTIC = ("n=16, t=100, d=64, h=128", "within 20 seconds of cpu time", "earns none of its points")

STATED: dict[str, tuple[str, ...]] = {
    # lstm.py (handout sections 1 to 4, and 8)
    "lstm_forward.h": ("h_t = o_t * tanh(c_t)", "the gate order is i, f, o, g", "h[:, t-1] holds h_t",
                       "h0 is not included"),
    "lstm_forward.c": ("c_t = f_t * c_{t-1} + i_t * g_t", "the first step is c_1 = f_1 * c0 + i_1 * g_1",
                       "c[:, t-1] holds c_t", "c0 is not included"),
    "lstm_forward.inputs": NO_INPUT_CHANGE,
    "lstm_forward.saturating": SATURATING,
    "lstm_backward.dx": ("dx: dl/dx, shape (n, t, d)", BY_NAME),
    "lstm_backward.dh0": ("dh0: dl/dh0, shape (n, h)",),
    "lstm_backward.dc0": ("dc0: dl/dc0, shape (n, h)",),
    "lstm_backward.W_x": LSTM_PARAM,
    "lstm_backward.W_h": LSTM_PARAM,
    "lstm_backward.b": LSTM_PARAM,
    "lstm_backward.dc_zero": ("often all zeros, but not always: use it",),
    "lstm_backward.finite_differences": (LSTM_LOSS, FD),
    "lstm_backward.inputs": NO_INPUT_CHANGE,
    "lstm_backward.sympy": (LSTM_LOSS, *SUMS),
    "lstm_backward.realistic_size": (*REALISTIC, ONE_CALL),
    "lstm_state_jacobian.hh": ("j[i, j] = d s_t[i] / d s_{t-1}[j]", "d h_t / d h_{t-1}"),
    "lstm_state_jacobian.hc": ("the upper-right block is diag(o_t * (1 - tanh(c_t)^2) * f_t)",),
    "lstm_state_jacobian.ch": ("d c_t / d h_{t-1}",),
    "lstm_state_jacobian.cc": ("the lower-right block is diag(f_t)",),
    "lstm_state_jacobian.finite_differences": ("the whole j against finite differences of one step",),
    "lstm_state_jacobian.inputs": NO_INPUT_CHANGE,
    "lstm_state_jacobian.sympy": ("j[i, j] = d s_t[i] / d s_{t-1}[j]", "four h x h blocks"),
    # gru.py (handout sections 5 and 8)
    "gru_forward.h": ("h_t = (1 - z_t) * h_{t-1} + z_t * n_t", "n_t = tanh(x_t @ w_xn + (r_t * h_{t-1}) @ w_hn + b_n)",
                      "h[:, t-1] holds h_t", "h0 is not included"),
    "gru_forward.inputs": NO_INPUT_CHANGE,
    "gru_forward.saturating": SATURATING,
    "gru_backward.dx": ("dx: dl/dx, shape (n, t, d)", BY_NAME),
    "gru_backward.dh0": ("dh0: dl/dh0, shape (n, h)",),
    **{f"gru_backward.{k}": GRU_PARAM for k in ("W_xr", "W_hr", "b_r", "W_xz", "W_hz", "b_z", "W_xn", "W_hn", "b_n")},
    "gru_backward.finite_differences": (GRU_LOSS, FD),
    "gru_backward.inputs": NO_INPUT_CHANGE,
    "gru_backward.sympy": (GRU_LOSS, *SUMS),
    "gru_backward.realistic_size": (*REALISTIC, ONE_CALL),
    # truncated.py (handout sections 6 and 8)
    "rnn_backward_truncated.k_1": ("for k = 1 every state is detached",),
    "rnn_backward_truncated.k_divides": ("no gradient flows from step mk+1 back into h_mk",),
    "rnn_backward_truncated.k_not_dividing": ("k need not divide t (the last chunk is then shorter)",),
    "rnn_backward_truncated.k_at_least_T": ("for k >= t nothing is detached and the result equals full bptt",),
    "rnn_backward_truncated.finite_differences": ("differentiate the detached forward", FD),
    "rnn_backward_truncated.inputs": NO_INPUT_CHANGE,
    "rnn_backward_truncated.realistic_size": ("n=4, t=400, d=64, h=128, o=10, k=350", *REALISTIC[1:]),
}
