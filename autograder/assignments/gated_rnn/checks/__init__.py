"""gated_rnn's probes and checks, one module per student file, in the order of the report.

lstm.py, gru.py, truncated.py: the checks of each student file (against the reference, finite
differences, saturating gates, a realistic size, inputs left alone, the worked examples);
symbolic.py: the checks against the sympy derivations (derived.py); common.py: the judges and case
plumbing they share. Adding a check is one entry in the module of its student file, plus its
points (points.py).
"""
from __future__ import annotations

from . import gru, lstm, symbolic, truncated

PROBES = (*lstm.PROBES, *gru.PROBES, *truncated.PROBES, *symbolic.PROBES)
CHECKS = (*lstm.CHECKS, *gru.CHECKS, *truncated.CHECKS, *symbolic.CHECKS)
