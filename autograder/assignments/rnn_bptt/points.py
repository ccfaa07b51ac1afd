"""The points table: every check's weight, in one place. It sums to 100.

Each check earns points * (cases passed / cases run). Keys are check ids (checks/ of this folder).
The ".sympy" checks (checks/symbolic.py) take their points from their function's reference checks.
"""
POINTS: dict[str, float] = {
    # activations.py: 20
    "sigmoid.values": 4, "sigmoid.range": 1, "sigmoid.extreme": 2, "sigmoid.inputs": 0.5,
    "sigmoid_derivative.values": 3, "sigmoid_derivative.sympy": 1, "sigmoid_derivative.shape_of_curve": 1,
    "sigmoid_derivative.extreme": 1.5, "sigmoid_derivative.inputs": 0.5,
    "tanh_derivative.values": 3, "tanh_derivative.sympy": 1, "tanh_derivative.extreme": 1,
    "tanh_derivative.inputs": 0.5,
    # rnn.py: 38
    "rnn_forward.h": 7, "rnn_forward.y": 4, "rnn_forward.inputs": 1,
    "rnn_backward.dx": 2, "rnn_backward.dh0": 2, "rnn_backward.W_xh": 3, "rnn_backward.W_hh": 3,
    "rnn_backward.b_h": 3, "rnn_backward.W_hy": 3, "rnn_backward.b_y": 2,
    "rnn_backward.finite_differences": 2, "rnn_backward.sympy": 2, "rnn_backward.inputs": 1,
    "rnn_backward.realistic_size": 3,   # N=4, T=400, D=64, H=128: BPTT, not numerical differentiation
    # jacobian.py: 28
    "hidden_jacobian.tanh": 4, "hidden_jacobian.sigmoid": 2.5, "hidden_jacobian.sympy": 1.5,
    "hidden_jacobian.inputs": 0.5,
    "jacobian_through_time.tanh": 4, "jacobian_through_time.sigmoid": 2, "jacobian_through_time.identity": 1,
    "jacobian_through_time.inputs": 0.5,
    "gradient_bound.values": 4, "gradient_bound.holds": 2, "gradient_bound.tight": 1, "gradient_bound.inputs": 0.5,
    "classify_gradient_regime.sides": 4, "classify_gradient_regime.inputs": 0.5,
    # clipping.py: 14
    "clip_grad_norm.total_norm": 3, "clip_grad_norm.clipped": 3, "clip_grad_norm.below_threshold": 2,
    "clip_grad_norm.zero_gradient": 2, "clip_grad_norm.validation": 2, "clip_grad_norm.inputs": 2,
}

TOTAL = 100
