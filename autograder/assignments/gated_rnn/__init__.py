"""gated_rnn: the LSTM, the GRU and truncated BPTT (part 2 of the unit).

The declaration the engine grades. The student contract in words: docs/contracts/gated_rnn.md;
the students' folder: assignments/gated_rnn/; the reference: reference/gated_rnn/solution/.
"""
from __future__ import annotations

from autograder.assignment import Assignment, repo_path

from . import public_helpers
from .checks import CHECKS, PROBES
from .contract import FUNCTIONS
from .diagnosis import CATALOGUE
from .notebook import LAYOUT
from .points import POINTS, TOTAL
from .reference import REFERENCE

ASSIGNMENT = Assignment(
    name="gated_rnn",
    title="the gated RNN / truncated BPTT assignment",
    functions=FUNCTIONS,
    points=POINTS,
    total=TOTAL,
    probes=PROBES,
    checks=CHECKS,
    misconceptions=CATALOGUE,
    helpers=public_helpers.HELPERS,
    reference=REFERENCE,
    stubs_dir=repo_path("assignments/gated_rnn"),
    contract_doc="docs/contracts/gated_rnn.md",
    notebook=LAYOUT,
)
