"""Reading a results.json back: one student's figures (`Student`), for the class report
(class_report.py) and the similarity pages' grade column (similarity/report.py).

Every value read is the student's as far as the readers are concerned: parse_results checks the
types and finiteness of what it uses and raises ValueError naming what is wrong.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Student:
    name: str                                   # the results file's folder, relative to the root
    score: float
    max_score: float
    functions: dict[str, list[float]]           # function -> [score, max_score]
    failed: list[str]                           # names of the tests not at full marks
    diagnoses: set[str]                         # misconception codes, once per student
    lang: str = ""                              # the language its results were written in ("": not recorded)


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{what} is {value!r}, not a finite number")
    return float(value)


def parse_results(data, name: str) -> Student:
    """One student's figures from a results.json's content; ValueError names what is wrong."""
    if not isinstance(data, dict):
        raise ValueError(f"the top level is a {type(data).__name__}, not a JSON object")
    tests = data.get("tests")
    if not isinstance(tests, list) or not tests:
        raise ValueError('no "tests" list (is this a results.json written by the grader?)')
    functions: dict[str, list[float]] = {}
    failed, diagnoses = [], set()
    for i, test in enumerate(tests):
        if not isinstance(test, dict) or not isinstance(test.get("name"), str):
            raise ValueError(f'test #{i + 1} has no "name"')
        tname = test["name"]
        score = _number(test.get("score"), f'the score of test "{tname}"')
        top = _number(test.get("max_score"), f'the max_score of test "{tname}"')
        extra = test.get("extra_data")
        fn = extra.get("function") if isinstance(extra, dict) else None     # the grader's own record of it
        if not isinstance(fn, str):     # results of an older grader: the name's prefix
            fn = tname.split(":", 1)[0].strip() if ":" in tname else "(other)"
        acc = functions.setdefault(fn, [0.0, 0.0])
        acc[0] += score
        acc[1] += top
        if score < top:
            failed.append(tname)
        codes = extra.get("diagnosis", []) if isinstance(extra, dict) else []
        if isinstance(codes, list):
            diagnoses.update(c for c in codes if isinstance(c, str))
    total = data.get("score")
    score = _number(total, '"score"') if total is not None else sum(a[0] for a in functions.values())
    stamp = data.get("extra_data")
    lang = stamp.get("lang") if isinstance(stamp, dict) else None
    return Student(name, round(score, 4), round(sum(a[1] for a in functions.values()), 4),
                   functions, failed, diagnoses, lang if isinstance(lang, str) else "")
