"""Kept for instructors' own assignment folders: `autograder.checks` is `autograder.engine.checks` now.

This module makes the old name the same module object as the new one (so `from autograder.checks
import ...` and `from autograder import checks` keep working, with nothing copied). Code in autograder/
imports autograder.engine.checks (tests/test_layers.py enforces it); new assignment folders should
too (README, "Package layout").
"""
import sys

from autograder.engine import checks as _module

sys.modules[__name__] = _module
