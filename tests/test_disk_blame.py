"""Files over the disk cap are blamed on the function that left them, whatever the timing.

The worker waits at the start of each function's run of calls (and each import) while the runner
measures what it has written (runner.gated_steps, _StepGate), and the last one's files are measured
after "done". A periodic check alone
blamed whichever step was running when it looked: a function that made a deep tree of folders and
returned at once cost the next function its points (a flake of the attack suite, under load).
Graded here in this process with the reference of part 1, one function replaced.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from autograder.outputs.results import to_gradescope
from autograder.pipeline.grade import grade_submission
from autograder.sandbox import tree
from autograder.sandbox.runner import Limits

ROOT = Path(__file__).resolve().parents[1]
PART1 = ROOT / "reference" / "rnn_bptt" / "solution"
LIMITS = Limits(realistic_cpu_seconds=2.0)
OVER_CAP = "it wrote more files than allowed"

# a chain of folders deeper than the runner follows (tree.MEASURE_DEPTH) counts as over the cap
CHAIN = f'''
import os as _os
import tempfile as _tempfile


def _deep_chain():
    path = _tempfile.mkdtemp()
    for _ in range({tree.MEASURE_DEPTH + 20}):
        path = _os.path.join(path, "d")
        _os.mkdir(path)
'''

# gradient_bound leaves the chain in its first call and returns at once; the next function's first
# call then sleeps (wall clock: no CPU) long past the runner's periodic check, which used to blame it
CHAIN_THEN_SLEEP = {
    "jacobian": CHAIN + '''
import time as _time
_reference_bound, _reference_classify, _made = gradient_bound, classify_gradient_regime, []


def gradient_bound(W_hh, steps, activation="tanh"):
    if not _made:
        _made.append(_deep_chain())
    return _reference_bound(W_hh, steps, activation)


def classify_gradient_regime(W_hh, activation="tanh"):
    if len(_made) == 1:
        _made.append(_time.sleep(1.0))
    return _reference_classify(W_hh, activation)
''',
}

# the last step of the plan (rnn_backward's realistic-size case) leaves the chain and the worker ends
# well within the periodic check's interval: found when the run ends
CHAIN_AT_THE_END = {
    "rnn": CHAIN + '''
_reference_backward = rnn_backward


def rnn_backward(dh, dy, x, h0, h, params):
    if x.shape[1] >= 100:
        _deep_chain()
    return _reference_backward(dh, dy, x, h0, h, params)
''',
}


def graded(tmp_path: Path, replaced: dict[str, str]) -> dict:
    sub = tmp_path / "sub"
    shutil.copytree(PART1, sub)
    for module, extra in replaced.items():
        path = sub / f"{module}.py"
        path.write_text(path.read_text() + "\n\n" + extra)
    return to_gradescope(grade_submission(sub, LIMITS))


def by_function(data: dict) -> dict[str, tuple[float, float]]:
    scores: dict[str, list[float]] = {}
    for t in data["tests"]:
        s = scores.setdefault(t["name"].split(":")[0], [0.0, 0.0])
        s[0] += t["score"]
        s[1] += t["max_score"]
    return {fn: (s[0], s[1]) for fn, s in scores.items()}


def lost(data: dict) -> set[str]:
    return {fn for fn, (score, most) in by_function(data).items() if score < most}


def test_files_left_by_a_step_are_its_own_even_when_the_next_step_is_running(tmp_path):
    data = graded(tmp_path, CHAIN_THEN_SLEEP)
    assert lost(data) == {"gradient_bound"}, by_function(data)
    told = [t["output"] for t in data["tests"] if t["name"].startswith("gradient_bound:") and t["score"] == 0]
    assert any(OVER_CAP in o for o in told), told
    assert not any(OVER_CAP in t["output"] for t in data["tests"] if not t["name"].startswith("gradient_bound:"))


def test_files_left_by_the_last_step_are_found_after_it_ends(tmp_path):
    data = graded(tmp_path, CHAIN_AT_THE_END)
    assert lost(data) == {"rnn_backward"}, by_function(data)
    realistic = [t for t in data["tests"] if t["name"].startswith("rnn_backward:") and "realistic" in t["name"]]
    assert realistic and all(t["score"] == 0 and OVER_CAP in t["output"] for t in realistic), realistic


def test_the_blame_does_not_depend_on_when_the_files_were_seen(tmp_path):
    """The function's whole run of calls loses its answers, so two grades give the same scores and feedback."""
    first = graded(tmp_path / "a", CHAIN_THEN_SLEEP)
    second = graded(tmp_path / "b", CHAIN_THEN_SLEEP)
    assert [(t["name"], t["score"], t["output"]) for t in first["tests"]] == \
        [(t["name"], t["score"], t["output"]) for t in second["tests"]]
