"""rnn_bptt's reference solution (trusted): reference/rnn_bptt/solution/ of the checkout (or zip).

Its correctness is tested against the sympy derivations in reference/rnn_bptt/derivations.py.
"""
from __future__ import annotations

from types import SimpleNamespace

from autograder.assignment import Reference, repo_path

from .contract import MODULES

REFERENCE = Reference(repo_path("reference/rnn_bptt/solution"), MODULES)


def ref() -> SimpleNamespace:
    """Every reference function and constant (ref().rnn_forward, ref().GAMMA...)."""
    return REFERENCE.load()
