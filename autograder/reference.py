"""The instructor's reference solution, loaded (trusted) from reference/solution/.

Located beside the package (a checkout or the Gradescope zip) or by RNN_AUTOGRADER_REFERENCE.
It is never copied where the worker can read it.
"""
from __future__ import annotations

import importlib.util
import os
from functools import cache
from pathlib import Path
from types import SimpleNamespace

MODULES = ("activations", "rnn", "jacobian", "clipping")


def reference_dir() -> Path:
    env = os.environ.get("RNN_AUTOGRADER_REFERENCE")
    path = Path(env) if env else Path(__file__).resolve().parents[1] / "reference" / "solution"
    if not (path / "rnn.py").is_file():
        raise FileNotFoundError(f"reference solution not found in {path}; set RNN_AUTOGRADER_REFERENCE")
    return path


@cache
def load() -> SimpleNamespace:
    """All reference functions as one namespace (ref.rnn_forward, ref.GAMMA, ...)."""
    names: dict = {}
    for module in MODULES:
        spec = importlib.util.spec_from_file_location(f"_rnn_reference.{module}", reference_dir() / f"{module}.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        names.update({k: v for k, v in vars(mod).items() if not k.startswith("_")})
    return SimpleNamespace(**names)
