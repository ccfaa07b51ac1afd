"""The pattern vocabulary of hidden feedback (autograder/engine/judge.py): where the wrong entries lie.

A wrong diagonal block of a Jacobian (J_cc = I instead of diag(f_t), a gate read from the wrong
quarter in J_hc) differs on the diagonal only; a Jacobian with the right diagonal and wrong
couplings differs off it. The feedback says so instead of "spread over every row and column".
"""
import numpy as np

from autograder.engine.judge import compare, which_entries


def test_only_the_diagonal_entries_are_wrong():
    expected = np.arange(1.0, 10.0).reshape(3, 3)
    got = expected + np.diag([0.5, 0.25, 0.125])
    text = compare({"array": got}, expected, "J_cc").message
    assert "only on the diagonal (every off-diagonal entry is right)" in text
    assert "spread over" not in text


def test_only_the_off_diagonal_entries_are_wrong():
    expected = np.arange(1.0, 10.0).reshape(3, 3)
    got = expected + (1 - np.eye(3)) * 0.5
    assert "only off the diagonal (every diagonal entry is right)" in compare({"array": got}, expected, "J").message


def test_a_single_wrong_entry_is_named_by_its_row_and_column_not_as_the_diagonal():
    bad = np.zeros((3, 3), dtype=bool)
    bad[1, 1] = True
    assert which_entries(bad, "J").startswith("the wrong entries lie only at index 1 of axis 0 and index 1 of axis 1")


def test_entries_everywhere_are_spread():
    bad = np.ones((2, 2), dtype=bool)
    bad[0, 1] = False
    assert "spread over every row and column" in which_entries(bad, "J")
