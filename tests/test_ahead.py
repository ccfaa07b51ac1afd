"""Expected values computed while the worker runs (engine/expected.py, pipeline/ahead.py).

While the worker runs, the grader computes the reference's answers (and finite differences) of the
cases whose calls answered, so that judging after the run has less to do. A stub's cases cost no
reference call, a value computed ahead is the one a judge would have computed, and the grade is the
same byte for byte as when everything is computed after the run.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.assignment import load
from autograder.engine.expected import Expected, Lazy, ReferenceCall
from autograder.outputs.results import to_gradescope
from autograder.pipeline import ahead, grade

ROOT = Path(__file__).resolve().parents[1]


def test_a_lazy_value_is_computed_once_and_a_failing_one_is_left_for_the_judge():
    calls = []
    value = Expected(lambda: calls.append(1) or {"h": 1.0})
    value.prepare()
    value.prepare()
    assert value["h"] == 1.0 and calls == [1]

    def broken():
        calls.append(2)
        raise ValueError("the reference cannot do this case")

    failing = Lazy(broken)
    failing.prepare()                      # swallowed here...
    with pytest.raises(ValueError):        # ...and met by the judge that asks, as without it
        failing.value()
    assert calls == [1, 2, 2]


def test_a_reference_call_runs_the_reference_once_for_its_names_and_its_raw_answer():
    calls = []
    expected = ReferenceCall(lambda: calls.append(1) or (1.0, 2.0), lambda a: {"dx": a[0], "dh0": a[1]})
    assert expected["dh0"] == 2.0 and expected.reference_answer() == (1.0, 2.0) and calls == [1]


def _cases_and_plan(assignment: str):
    a = load(assignment)
    cases = grade.build_cases(grade.submission_draw(b"k" * 32, b"d" * 32), assignment=a)
    plan = grade.build_plan(a, [p for p in a.probes if p.id in cases], cases, list(a.modules))
    return a, cases, plan


def _computed(case) -> bool:
    return all(v._done for v in case.meta.values() if isinstance(v, Lazy))


def _lazy(case) -> bool:
    return any(isinstance(v, Lazy) for v in case.meta.values())


def test_only_the_cases_whose_calls_answered_are_prepared_and_a_step_of_an_answering_function_from_its_start():
    a, cases, plan = _cases_and_plan("gated_rnn")
    work = ahead.Ahead(plan, cases)
    probe = next(p for p in a.probes if p.function == "lstm_backward" and not p.realistic
                 and any(_lazy(c) for c in cases[p.id]))
    step = plan.probe_step[probe.id]
    work.step_started(step)                # nothing has answered yet: nothing to do
    assert not work.pending()
    records = [{"call": 0, "leaves": []}, {"call": 1, "raised": {}}, {"call": "2", "leaves": []},
               {"call": [3], "leaves": []}, "not a record"]      # a forged record costs nothing more
    work.step_ended(step, records)
    while work.pending():
        work.work()
    assert [_computed(c) for c in cases[probe.id][:4]] == [True, False, False, False]
    realistic = next(p for p in a.probes if p.function == "lstm_backward" and p.realistic)
    work.step_started(plan.probe_step[realistic.id])        # lstm_backward has answered: prepared from its start
    assert work.pending()
    while work.pending():
        work.work()
    assert all(_computed(c) for c in cases[realistic.id])


class _Watching(ahead.Ahead):
    def __init__(self, *args):
        super().__init__(*args)
        self.events: list[tuple] = []

    def step_started(self, step):
        self.events.append(("start", step))
        super().step_started(step)

    def step_ended(self, step, records):
        self.events.append(("end", step))
        super().step_ended(step, records)

    def work(self):
        self.events.append(("work", self.queue[0][0] if self.queue else None))     # ("work", kind)
        super().work()


@pytest.mark.parametrize("submission", ["solution", "stubs"])
def test_a_grade_prepares_the_answered_cases_while_the_worker_runs_and_none_of_a_stub(tmp_path, monkeypatch,
                                                                                     submission):
    folder = (ROOT / "reference" / "rnn_bptt" / "solution" if submission == "solution"
              else ROOT / "assignments" / "rnn_bptt")
    shutil.copytree(folder, tmp_path / "s", ignore=shutil.ignore_patterns("test_*", "*.md", "__pycache__"))
    seen = {}

    def watching(plan, cases, judging=None):
        seen["work"] = _Watching(plan, cases, judging)
        seen["cases"] = cases
        return seen["work"]

    real_score = grade.score_checks

    def score(assignment, checks, cases, results, judged=None):     # computed before the rest of judging
        seen.setdefault("before_judging", [_computed(c) for cs in cases.values() for c in cs if _lazy(c)])
        return real_score(assignment, checks, cases, results, judged)

    monkeypatch.setattr(grade, "Ahead", watching)
    monkeypatch.setattr(grade, "score_checks", score)
    report = grade.grade_submission(tmp_path / "s")
    done = seen["before_judging"]
    events = seen["work"].events
    assert done and [e for e in events if e[0] == "start"][0] == ("start", 0)
    if submission == "solution":       # how much is done before the worker stops depends on timing
        assert report.score == report.max_score and any(done)
        last_end = max(i for i, e in enumerate(events) if e[0] == "end")
        assert ("work", "prepare") in events[:last_end]
    else:       # its raises are judged, but no reference call is made for it
        assert report.score == 0 and not any(done) and ("work", "prepare") not in events


@pytest.mark.parametrize("assignment", ["rnn_bptt", "gated_rnn"])
def test_the_grade_is_the_same_with_and_without_the_work_ahead(tmp_path, monkeypatch, assignment):
    sample = ROOT / "reference" / assignment / "samples" / "buggy"
    with_ahead = to_gradescope(grade.grade_submission(sample, assignment=assignment))

    class Idle(ahead.Ahead):
        def pending(self):
            return False

    monkeypatch.setattr(grade, "Ahead", Idle)
    without = to_gradescope(grade.grade_submission(sample, assignment=assignment))
    for doc in (with_ahead, without):
        doc.pop("execution_time", None)
    assert with_ahead == without


def test_a_realistic_size_case_lets_go_of_its_inputs_once_handed_over_and_prepared_and_rebuilds_them_alike(
        tmp_path, monkeypatch):
    shutil.copytree(ROOT / "reference" / "gated_rnn" / "solution", tmp_path / "s",
                    ignore=shutil.ignore_patterns("test_*", "*.md", "__pycache__"))
    seen = {}
    real_score, real_plan = grade.score_checks, grade.build_plan

    def plan(*args, **kwargs):
        seen.setdefault("plan", real_plan(*args, **kwargs))
        return seen["plan"]

    def score(assignment, checks, cases, results, judged=None):
        seen.setdefault("cases", cases)
        return real_score(assignment, checks, cases, results, judged)

    monkeypatch.setattr(grade, "build_plan", plan)
    monkeypatch.setattr(grade, "score_checks", score)
    report = grade.grade_submission(tmp_path / "s", assignment="gated_rnn")
    assert report.score == report.max_score
    a = load("gated_rnn")
    realistic = [c for p in a.probes if p.realistic for c in seen["cases"][p.id]]
    assert len(realistic) == 3 and all("args" not in c.__dict__ for c in realistic)
    deferred = [seen["plan"].deferred[s] for s in sorted(seen["plan"].deferred)]
    # the first realistic-size step's arrays were handed over and let go of; the later ones' were
    # never kept: the plan makes them again at their step (engine/plan.let_go_of_later_inputs)
    assert deferred[0] == {} and len(deferred) == 3 and all(callable(d) for d in deferred[1:])
    again = grade.build_cases(grade.submission_draw(b"k" * 32, b"d" * 32), assignment=a)
    case = again["lstm_backward.realistic_size"][0]
    inputs = case.args
    assert case.release() and "args" not in case.__dict__
    rebuilt = case.args          # asked for again: made again, the same arrays
    assert len(rebuilt) == len(inputs) and all(
        (x == y).all() if hasattr(x, "shape") else all((x[k] == y[k]).all() for k in x)
        for x, y in zip(rebuilt, inputs))
    assert "args" in case.__dict__ and not grade.Case(()).release()      # no rebuild: nothing let go


@pytest.mark.parametrize("assignment", ["rnn_bptt", "gated_rnn"])
def test_a_later_realistic_size_steps_inputs_are_made_again_alike_at_its_hand_over(assignment):
    a, cases, plan = _cases_and_plan(assignment)
    kept = {step: dict(arrays) for step, arrays in plan.deferred.items()}
    let_go = grade.let_go_of_later_inputs(plan, cases)
    assert let_go == sorted(plan.deferred)[1:] and bool(let_go) == (assignment == "gated_rnn")
    for step in let_go:
        step_cases = next(cases[pid] for pid, s in plan.probe_step.items() if s == step)
        assert all("args" not in c.__dict__ and "meta" not in c.__dict__ for c in step_cases)
        again = plan.deferred[step]()          # as the runner does when the step starts
        assert list(again) == list(kept[step])
        assert all(again[name].shape == kept[step][name].shape and (again[name] == kept[step][name]).all()
                   for name in again)
        assert all(c.meta["expected"].reference_answer() is not None for c in step_cases)   # rebuilt too


def test_a_substituted_helper_on_a_let_go_realistic_size_case_gets_its_inputs_rebuilt(tmp_path, monkeypatch):
    """lstm_backward calls its own (wrong) lstm_forward: graded again with the public helper's answers on
    each case's inputs (grade.helper_table), the realistic-size case's among them, let go of by then."""
    sub = tmp_path / "s"
    shutil.copytree(ROOT / "reference" / "gated_rnn" / "solution", sub,
                    ignore=shutil.ignore_patterns("test_*", "*.md", "__pycache__"))
    source = (sub / "lstm.py").read_text()
    source = source.replace("        c_prev = f * c_prev + i * g\n", "        c_prev = f * c_prev + 0.5 * i * g\n", 1)
    head = '    W_x, W_h = params["W_x"], params["W_h"]\n'
    source = source.replace(head, head + "    h, c = lstm_forward(x, h0, c0, params)\n", 1)
    (sub / "lstm.py").write_text(source)
    rebuilt = []
    real_rebuild = grade.rebuild_case
    monkeypatch.setattr(grade, "rebuild_case", lambda *args: rebuilt.append(args[1].id) or real_rebuild(*args))
    report = grade.grade_submission(sub, assignment="gated_rnn")
    assert any("helper substitution run for ['lstm_backward']" in line for line in report.log)
    backward = [o for o in report.outcomes if o.check.function == "lstm_backward"]
    assert all(o.score == o.max_score for o in backward)
    assert "lstm_backward.realistic_size" in rebuilt


# ---- checks judged while the worker runs (ahead.Judging) --------------------------------------------
def _judged_ahead(monkeypatch, eager: bool = False) -> dict:
    """Spy: which checks score_check was given verdicts for (judged while the worker ran), the Ahead.
    EAGER: the Ahead does all its work as soon as a step's answers are read (how much it gets done
    while a real worker runs depends on timing)."""
    seen = {"ahead": [], "kept": [], "judged_after": []}
    real_score_check = grade.score_check

    class Spy(ahead.Ahead):
        def step_ended(self, step, records):
            super().step_ended(step, records)
            while eager and self.pending():
                self.work()

    def score_check(check, cases, results, assignment=None, verdicts=None):
        seen["kept" if verdicts is not None else "judged_after"].append(check.id)
        return real_score_check(check, cases, results, assignment, verdicts)

    def spy_ahead(*args):
        seen["ahead"].append(Spy(*args))
        return seen["ahead"][-1]

    monkeypatch.setattr(grade, "score_check", score_check)
    monkeypatch.setattr(grade, "Ahead", spy_ahead)
    return seen


@pytest.mark.parametrize("sample", ["solution", "samples/buggy"])
def test_checks_judged_while_the_worker_runs_are_kept_and_the_grade_is_the_same(monkeypatch, sample):
    """Every graded check judged as its answers came in is scored on those verdicts, and the report
    is the one judging everything after the run gives."""
    submission = ROOT / "reference" / "rnn_bptt" / sample
    seen = _judged_ahead(monkeypatch, eager=True)
    ahead_doc = to_gradescope(grade.grade_submission(submission))
    graded = [c.id for c in load("rnn_bptt").graded_checks()]
    assert sorted(seen["kept"]) == sorted(graded), seen
    assert set(seen["ahead"][0].judging.judged) == set(graded)

    class NoJudging(grade.Judging):
        def __init__(self, assignment, checks, problems, canonical):
            super().__init__(assignment, [], problems, canonical)

    monkeypatch.setattr(grade, "Judging", NoJudging)
    seen["kept"].clear()
    after_doc = to_gradescope(grade.grade_submission(submission))
    assert seen["kept"] == []
    for doc in (ahead_doc, after_doc):
        doc.pop("execution_time", None)
    assert ahead_doc == after_doc


def test_results_made_while_the_worker_ran_are_kept_only_for_the_records_they_were_made_from(monkeypatch):
    """A probe's results made ahead are dropped when the run ends with other records for its step or
    its module's import (a re-read, a restart, answers dropped for files over the disk cap), or a
    failure of either: they are made again from what the run ended with."""
    from autograder.sandbox.runner import StepFailure

    seen = _judged_ahead(monkeypatch, eager=True)
    report = grade.grade_submission(ROOT / "reference" / "rnn_bptt" / "solution")
    assert report.score == report.max_score
    work = seen["ahead"][0]
    pid = next(p for p in work.made if p.startswith("sigmoid."))
    step, imp = work.plan.probe_step[pid], work._import_step(pid)
    run = grade.WorkerRun(out_dir=None, records={imp: work.read[imp], step: work.read[step]})
    assert work.results_after(pid, run) is work.made[pid].results
    for changed in ({imp: work.read[imp], step: list(work.read[step])},      # equal, but not those read
                    {imp: list(work.read[imp]), step: work.read[step]}):
        assert work.results_after(pid, grade.WorkerRun(out_dir=None, records=changed)) is None
    for failed in (step, imp):
        broken = grade.WorkerRun(out_dir=None, records=dict(run.records),
                                 failures={failed: StepFailure(0, "crashed", "")})
        assert work.results_after(pid, broken) is None
    assert work.results_after("no.such_probe", run) is None
