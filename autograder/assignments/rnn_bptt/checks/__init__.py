"""rnn_bptt's probes and checks, one module per student file, in the order of the report.

Adding a check is one entry in the module of its student file, plus its points (points.py).
"""
from __future__ import annotations

from . import activations, clipping, jacobian, rnn, symbolic

PROBES = (*activations.PROBES, *rnn.PROBES, *jacobian.PROBES, *clipping.PROBES)
CHECKS = (*activations.CHECKS, *rnn.CHECKS, *jacobian.CHECKS, *clipping.CHECKS, *symbolic.CHECKS)
