"""Kept for instructors' own assignment folders: `autograder.cases` is `autograder.engine.cases` now.

This module makes the old name the same module object as the new one (so `from autograder.cases
import ...` and `from autograder import cases` keep working, with nothing copied). Code in autograder/
imports autograder.engine.cases (tests/test_layers.py enforces it); new assignment folders should
too (README, "Package layout").
"""
import sys

from autograder.engine import cases as _module

sys.modules[__name__] = _module
