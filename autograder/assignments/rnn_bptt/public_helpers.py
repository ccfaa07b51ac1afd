"""The public maths of the handout that replaces a student's faulty helper (docs/contracts/rnn_bptt.md:
functions that build on others), as source text for the worker.

None of it is ever in a worker that grades the function it would answer: the worker script holds
no helper, and only the run that grades a helper's dependants receives that helper's source
(grade.substitute_helpers), after the helper itself was graded in another worker. Each helper is
a self-contained function of NumPy (imported as np in its namespace).
"""
from __future__ import annotations

import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def hidden_jacobian(h_t, W_hh, activation="tanh"):
    d = 1.0 - h_t ** 2 if activation == "tanh" else h_t * (1.0 - h_t)
    return d[:, None] * W_hh.T


def gradient_bound(W_hh, steps, activation="tanh"):
    if steps == 0:
        return 1.0
    gamma = 1.0 if activation == "tanh" else 0.25
    return float((gamma * np.linalg.norm(W_hh, 2)) ** steps)


HELPERS = {"sigmoid": sigmoid, "hidden_jacobian": hidden_jacobian, "gradient_bound": gradient_bound}

