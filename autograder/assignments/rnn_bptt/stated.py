"""Where the student text states what each check enforces: a list kept beside the checks.

A student who follows the stubs and the handout exactly must get full marks, so every
requirement a check enforces has to be written where the student reads about that function.
STATED maps every check id of autograder/assignments/rnn_bptt/points.py to the phrases that state it. Each phrase
must appear in the stub of the check's function (its docstring or its module's docstring, in
assignments/rnn_bptt/) or in a handout section that one of those docstrings cites ("handout
section 2", "handout sections 5, 6"). tests/test_stated_requirements.py holds the text to it,
and fails when a check id has no entry.

Phrases are matched after normalising both texts: lower case, whitespace collapsed, and the
Markdown and LaTeX markers $, ` and ** removed. When you add a check, add its entry here and the
sentence to the stub or handout; when you change what a check enforces, change both.
"""
from __future__ import annotations

NO_INPUT_CHANGE = ("do not modify any of the inputs",)
EXTREME = ("finite, right and warning-free for |x| up to 1000",)
BACKWARD_GRADIENT = ("grads[k] = dl/dparams[k]", "sums over the batch and over time (no averaging)")

STATED: dict[str, tuple[str, ...]] = {
    # activations.py (handout section 2)
    "sigmoid.values": ("1 / (1 + exp(-x))", "0-d arrays (shape ()) included"),
    "sigmoid.range": ("every entry in [0, 1]", "strictly between 0 and 1 for |x| <= 30"),
    "sigmoid.extreme": EXTREME,
    "sigmoid.inputs": ("do not modify x",),
    "sigmoid_derivative.values": ("sigma(x) * (1 - sigma(x))", "x is the pre-activation", "0-d included"),
    "sigmoid_derivative.shape_of_curve": ("never above 1/4", "sigma'(-x) = sigma'(x)"),
    "sigmoid_derivative.extreme": EXTREME,
    "sigmoid_derivative.inputs": ("do not modify x",),
    "sigmoid_derivative.sympy": ("sigma(x) * (1 - sigma(x))", "x is the pre-activation"),
    "tanh_derivative.values": ("1 - tanh(x)**2", "x is the pre-activation", "0-d included"),
    "tanh_derivative.extreme": EXTREME,
    "tanh_derivative.inputs": ("do not modify x",),
    "tanh_derivative.sympy": ("1 - tanh(x)**2", "x is the pre-activation"),
    # rnn.py (handout sections 1, 3, 4)
    "rnn_forward.h": ("h_t = tanh(x_t @ w_xh + h_{t-1} @ w_hh + b_h)", "h[:, t-1] is h_t", "h0 is not included"),
    "rnn_forward.y": ("y_t = h_t @ w_hy + b_y", "y[:, t-1] is y_t"),
    "rnn_forward.inputs": NO_INPUT_CHANGE,
    "rnn_backward.dx": ("dx: dl/dx, shape (n, t, d)",),
    "rnn_backward.dh0": ("dh0: dl/dh0, shape (n, h)",),
    "rnn_backward.W_xh": BACKWARD_GRADIENT,
    "rnn_backward.W_hh": BACKWARD_GRADIENT,
    "rnn_backward.b_h": BACKWARD_GRADIENT,
    "rnn_backward.W_hy": BACKWARD_GRADIENT,
    "rnn_backward.b_y": BACKWARD_GRADIENT,
    "rnn_backward.finite_differences": ("l = sum(dh * h) + sum(dy * y)", "central finite differences of that loss"),
    "rnn_backward.inputs": NO_INPUT_CHANGE,
    "rnn_backward.realistic_size": ("n=4, t=400, d=64, h=128", "within 20 seconds of cpu time",
                                    "or rnn_backward earns none of its points"),
    "rnn_backward.sympy": ("l = sum(dh * h) + sum(dy * y)", "sums over the batch and over time (no averaging)"),
    # jacobian.py (handout sections 5, 6)
    "hidden_jacobian.tanh": ("j[i, j] = d h_t[i] / d h_{t-1}[j]", "1 - h_t**2 for tanh",
                             "compare entries, not just norms"),
    "hidden_jacobian.sigmoid": ("h_t * (1 - h_t) for sigmoid",),
    "hidden_jacobian.inputs": NO_INPUT_CHANGE,
    "hidden_jacobian.sympy": ("j[i, j] = d h_t[i] / d h_{t-1}[j]", "1 - h_t**2 for tanh",
                              "h_t * (1 - h_t) for sigmoid"),
    "jacobian_through_time.tanh": ("dh_t / dh_k = j_t @ j_{t-1} @ ... @ j_{k+1}", "hs[i] is h_i",
                                   "the newest step is on the left"),
    "jacobian_through_time.sigmoid": ("computed from the state hs[i]", "activation: \"tanh\" or \"sigmoid\""),
    "jacobian_through_time.identity": ("the identity matrix when k == t",),
    "jacobian_through_time.inputs": NO_INPUT_CHANGE,
    "gradient_bound.values": ("(gamma * lambda_1) ** steps", "largest singular value of w_hh", "1/4 for sigmoid",
                              "1.0 when steps == 0"),
    "gradient_bound.holds": ("upper bound on the norm of every product",),
    "gradient_bound.tight": ("reached when w_hh is a multiple of an orthogonal matrix",),
    "gradient_bound.inputs": NO_INPUT_CHANGE,
    "classify_gradient_regime.sides": ('"vanishing" when gamma * lambda_1 < 1, else the string "may_explode"',),
    "classify_gradient_regime.inputs": NO_INPUT_CHANGE,
    # clipping.py (handout section 7)
    "clip_grad_norm.total_norm": ("global l2 norm of grads before clipping", "all entries of all arrays"),
    "clip_grad_norm.clipped": ("multiplied by the same factor min(1, max_norm / total_norm)",),
    "clip_grad_norm.below_threshold": ("at most max_norm come back unchanged",),
    "clip_grad_norm.zero_gradient": ("a zero gradient (total_norm == 0) comes back as zeros, warning-free",
                                     "do not divide by zero"),
    "clip_grad_norm.validation": ("valueerror if max_norm <= 0",),
    "clip_grad_norm.inputs": ("neither the dict nor its arrays may be modified",),
}
