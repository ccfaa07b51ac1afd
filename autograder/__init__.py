"""Autograder for the RNN / BPTT / vanishing-gradient assignment.

Public surface: the command line (`python -m autograder ...`) and grade_submission().
"""
import os

# The grader's own linear algebra (reference answers, finite differences, diagnosis models) works on
# small arrays, where BLAS threads only contend with each other and with the worker: one thread each,
# unless the caller chose otherwise (and only if NumPy is not imported yet).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from autograder.grade import Report, grade_submission  # noqa: E402

__all__ = ["Report", "grade_submission"]
