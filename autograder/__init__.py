"""Autograder for the recurrent-networks unit's assignments (built in: rnn_bptt, part 1; gated_rnn, part 2).

Public surface: the command line (`python -m autograder ...`) and grade_submission(). The package's
folders are the stages a submission goes through, in layers: docs/architecture.md.
"""
import os
import stat
import sys


def _private_bytecode_cache() -> None:
    """Where PYTHONDONTWRITEBYTECODE is set (common on servers; run_autograder sets it) and the
    grader's own modules have no compiled copy beside them (a source checkout or `pip install -e`;
    a regular install and the Gradescope zip are compiled when installed), compile them once into a
    private cache instead of on every start: sys.pycache_prefix, in ~/.cache/rnn-autograder/pycache
    (or $XDG_CACHE_HOME), a folder only this user can read or write. Nothing is written
    beside the sources; where no such folder can be had, modules compile in memory as before."""
    if not sys.dont_write_bytecode or sys.pycache_prefix is not None:
        return
    import importlib.util

    grade_py = os.path.join(os.path.dirname(__file__), "pipeline", "grade.py")
    if os.path.exists(importlib.util.cache_from_source(grade_py)):
        return
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    cache = os.path.join(home, "rnn-autograder", "pycache")
    try:
        os.makedirs(cache, mode=0o700, exist_ok=True)
        infos = [os.lstat(cache), os.lstat(os.path.dirname(cache))]
    except OSError:
        return
    # the cache holds compiled checks and references: no one else may read it, nor replace it
    if any(not stat.S_ISDIR(i.st_mode) or i.st_uid != os.geteuid() or stat.S_IMODE(i.st_mode) & mask
           for i, mask in zip(infos, (0o077, stat.S_IWGRP | stat.S_IWOTH))):
        return
    sys.pycache_prefix = cache
    sys.dont_write_bytecode = False


_private_bytecode_cache()
# The grader's own linear algebra (reference answers, finite differences, diagnosis models) works on
# small arrays, where BLAS threads only contend with each other and with the worker: one thread each,
# unless the caller chose otherwise (and only if NumPy is not imported yet).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

__all__ = ["Report", "grade_submission"]


def __getattr__(name: str):
    """Report and grade_submission, imported on first use: `import autograder.<module>` stays light
    (the command line starts its sandbox before it imports NumPy: sandbox/early.py)."""
    if name in __all__:
        from autograder.pipeline import grade

        return getattr(grade, name)
    raise AttributeError(f"module 'autograder' has no attribute {name!r}")
