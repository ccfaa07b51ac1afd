"""The instructor's reference solution of gated_rnn, loaded (trusted) from reference/gated_rnn/solution/.

REFERENCE is the declaration's (as part 1's reference.py); load() is the checks': located beside
the package (a checkout or the Gradescope zip) or by RNN_AUTOGRADER_GATED_REFERENCE. It is never
copied where the worker can read it.
"""
from __future__ import annotations

import importlib.util
import os
from functools import cache
from pathlib import Path
from types import SimpleNamespace

from autograder.assignment import Reference, repo_path

from .contract import MODULES  # lstm, gru, truncated

REFERENCE = Reference(repo_path("reference/gated_rnn/solution"), MODULES)


def reference_dir() -> Path:
    env = os.environ.get("RNN_AUTOGRADER_GATED_REFERENCE")
    path = Path(env) if env else Path(__file__).resolve().parents[3] / "reference" / "gated_rnn" / "solution"
    if not all((path / f"{m}.py").is_file() for m in MODULES):
        raise FileNotFoundError(f"gated_rnn reference solution not found in {path}; "
                                "set RNN_AUTOGRADER_GATED_REFERENCE")
    return path


@cache
def load() -> SimpleNamespace:
    """All reference functions as one namespace (ref.lstm_forward, ref.gru_backward, ...)."""
    names: dict = {}
    for module in MODULES:
        spec = importlib.util.spec_from_file_location(f"_gated_reference.{module}", reference_dir() / f"{module}.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        names.update({k: v for k, v in vars(mod).items() if not k.startswith("_")})
    return SimpleNamespace(**names)
