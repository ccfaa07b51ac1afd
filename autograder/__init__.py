"""Autograder for the RNN / BPTT / vanishing-gradient assignment.

Public surface: the command line (`python -m autograder ...`) and grade_submission().
"""
from autograder.grade import Report, grade_submission

__all__ = ["Report", "grade_submission"]
