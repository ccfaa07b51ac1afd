"""rnn_bptt's misconception catalogue: models and detectors, one module per student file.

The machinery that uses them is the engine's (autograder/diagnosis/). Order is priority order:
earlier entries win ties between equal explanations.
"""
from __future__ import annotations

from autograder.diagnosis.registry import with_same_answers

from ..checks.symbolic import SAME_ANSWERS
from . import activations, clipping, jacobian, rnn

# A mistake that fails a value check also fails the sympy check judging the same answers.
ENTRIES = tuple(with_same_answers(e, SAME_ANSWERS)
                for e in (*activations.ENTRIES, *rnn.ENTRIES, *jacobian.ENTRIES, *clipping.ENTRIES))
