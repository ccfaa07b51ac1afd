"""rnn_bptt: the RNN forward pass, BPTT, activation derivatives, hidden-state Jacobians, the
gamma-lambda gradient bound and gradient-norm clipping (part 1 of the unit).

The declaration the engine grades. The student contract in words: docs/contracts/rnn_bptt.md;
the students' folder: assignments/rnn_bptt/; the reference: reference/rnn_bptt/solution/.
"""
from __future__ import annotations

from autograder.assignment import Assignment, repo_path

from . import public_helpers
from .checks import CHECKS, PROBES
from .contract import FUNCTIONS
from .diagnosis import ENTRIES
from .notebook import LAYOUT
from .points import POINTS, TOTAL
from .reference import REFERENCE

ASSIGNMENT = Assignment(
    name="rnn_bptt",
    title="the RNN / BPTT assignment",
    functions=FUNCTIONS,
    points=POINTS,
    total=TOTAL,
    probes=PROBES,
    checks=CHECKS,
    misconceptions=ENTRIES,
    helpers=public_helpers.HELPERS,
    reference=REFERENCE,
    stubs_dir=repo_path("assignments/rnn_bptt"),
    notebook=LAYOUT,
    contract_doc="docs/contracts/rnn_bptt.md",
)
