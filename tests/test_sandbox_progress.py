"""Progress lines from the worker count only once the records before them are in place.

Student code runs in the worker and can write on the progress pipe; these tests forge the lines
an attacker would, against the runner's state machine (runner._advance)."""
from __future__ import annotations

import os

from autograder.sandbox.forms import StepForm
from autograder.sandbox.runner import _advance, _Progress

FORMS = [StepForm("import", "m"), StepForm("probe", "m", calls=3), StepForm("probe", "m", calls=2)]


def state(tmp_path, **kw) -> _Progress:
    return _Progress(FORMS, tmp_path, **kw)


def record(tmp_path, step, call):
    with open(tmp_path / f"step_{step}.jsonl", "a") as f:
        f.write(f'{{"call": {call}, "warnings": []}}\n')


def feed(s, *lines):
    for line in lines:
        _advance(s, line.encode(), os.getpid())
    return (s.step, s.call)


def test_an_honest_sequence_is_followed(tmp_path):
    s = state(tmp_path)
    assert feed(s, "step 0") == (0, None)
    (tmp_path / "step_0.jsonl").write_text('{"module": "m", "ok": true}\n')
    assert feed(s, "step 1", "call 1 0") == (1, 0)
    record(tmp_path, 1, 0)
    assert feed(s, "call 1 1") == (1, 1)
    record(tmp_path, 1, 1)
    record(tmp_path, 1, 2)
    assert feed(s, "call 1 2", "step 2", "call 2 0") == (2, 0)
    record(tmp_path, 2, 0)
    record(tmp_path, 2, 1)
    assert feed(s, "call 2 1", "done") == (2, 1) and s.done


def test_forged_call_lines_without_records_do_not_restart_the_budget(tmp_path):
    s = state(tmp_path, start_step=1)
    assert feed(s, "step 1", "call 1 0") == (1, 0)
    before = s.cpu_at_start, s.wall_at_start
    forged = ["call 1 1", "call 1 2", "call 1 5", "step 2", "call 2 0", "done", "call 1 0", "step 0", "step 1",
              "call 9 0", "call -1 5", "call 1 -2", "step 7", "junk", "call x", "", "call 1"]
    assert feed(s, *forged * 50) == (1, 0)
    assert (s.cpu_at_start, s.wall_at_start) == before and not s.done


def test_calls_cannot_be_skipped_even_with_records(tmp_path):
    s = state(tmp_path, start_step=1)
    feed(s, "step 1", "call 1 0")
    record(tmp_path, 1, 0)
    record(tmp_path, 1, 1)
    assert feed(s, "call 1 2") == (1, 0)          # not the next call
    assert feed(s, "step 2") == (1, 0)            # step 1's last call has no record
    assert feed(s, "call 1 1", "call 1 2") == (1, 2)


def test_a_step_budget_is_its_calls_budgets(tmp_path):
    s = state(tmp_path, start_step=1)
    feed(s, "step 1")
    assert s.step_calls == 3
    t = state(tmp_path, start_step=1, start_call=2)
    feed(t, "step 1")
    assert t.step_calls == 1
    assert feed(t, "call 1 0", "call 1 2") == (1, 2)


def test_re_imports_before_the_start_step_are_accepted_once(tmp_path):
    s = state(tmp_path, start_step=2)
    assert feed(s, "step 0", "step 1") == (0, None)     # step 1 is a probe: never re-run before the start
    assert feed(s, "step 2", "step 0") == (2, None)
