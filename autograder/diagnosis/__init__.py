"""Misconception diagnosis: name the mistake behind failing checks from the answers' behaviour.

diagnose(outcomes, cases, results) -> {check id: [(code, sentence)]}, for failing checks only.
Each student function is diagnosed as a whole (all its checks and probes at once).
"""
from __future__ import annotations

from autograder.checks import CallResult, Case
from autograder.scoring import Outcome


def diagnose(outcomes: list[Outcome], cases: dict[str, list[Case]], results: dict[str, list[CallResult]],
             log: list[str] | None = None) -> dict[str, list[tuple[str, str]]]:
    return {}
