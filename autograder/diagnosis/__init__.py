"""Misconception diagnosis: name the mistake behind a failing check from the answers' behaviour.

diagnose(outcome, cases, results) -> [(code, sentence)] for a failing outcome.
"""
from __future__ import annotations

from autograder.checks import CallResult, Case
from autograder.scoring import Outcome


def diagnose(outcome: Outcome, cases: list[Case], results: list[CallResult]) -> list[tuple[str, str]]:
    return []
