"""Import the reference solution and the sympy derivations by path, under unique module names.

The reference lives in reference/rnn_bptt/solution/{activations,rnn,jacobian,clipping}.py: the same module
names a student submission uses. Importing them as ``reference_solution.<name>`` keeps them apart
from any student module (or any other ``rnn``) in ``sys.modules``.
"""
import importlib.util
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = REPO_ROOT / "reference" / "rnn_bptt"
SOLUTION_DIR = REFERENCE_DIR / "solution"
STUBS_DIR = REPO_ROOT / "assignments" / "rnn_bptt"
STUDENT_FILES = ("activations.py", "rnn.py", "jacobian.py", "clipping.py")


def load_module_from_path(path: Path, module_name: str):
    """Import the file at path as module_name (cached in sys.modules under that name)."""
    if module_name in sys.modules:
        return sys.modules[module_name]
    if not path.is_file():
        raise FileNotFoundError(f"cannot import {module_name}: {path} does not exist")
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def load_reference_module(name: str):
    """reference/rnn_bptt/solution/<name>.py imported as the module ``reference_solution.<name>``."""
    return load_module_from_path(SOLUTION_DIR / f"{name}.py", f"reference_solution.{name}")


def load_derivations():
    """reference/rnn_bptt/derivations.py imported as the module ``reference_derivations``."""
    return load_module_from_path(REFERENCE_DIR / "derivations.py", "reference_derivations")
