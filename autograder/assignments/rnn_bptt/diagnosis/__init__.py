"""rnn_bptt's misconception catalogue: models and detectors, one module per student file.

The machinery that uses them is the engine's (autograder/diagnosis/). Order is priority order:
earlier entries win ties between equal explanations.
"""
from __future__ import annotations

from . import activations, clipping, jacobian, rnn

ENTRIES = (*activations.ENTRIES, *rnn.ENTRIES, *jacobian.ENTRIES, *clipping.ENTRIES)
