"""`autograder grade`: the pipeline for one submission.

stage files -> canonicalise the code -> draw the hidden cases (course secret + code digest) ->
run the worker -> judge checks -> substitute helpers where a helper was at fault -> diagnose
misconceptions -> worked examples for the functions that fail (a worker of their own) -> report.
Each stage is a small function.
"""
from __future__ import annotations

import functools
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.assignment import Assignment, load
from autograder.diagnosis import diagnose
from autograder.engine.cases import VISIBLE, Draw, cache_scope, submission_draw
from autograder.engine.checks import Case, Check
from autograder.engine.judge import compare, just_outside
from autograder.engine.plan import build_plan, call_results, let_go_of_later_inputs, timed_out
from autograder.engine.scoring import Outcome, call_problem, feedback, helper_refused, score_check
from autograder.engine.secret import CourseSecret, load_secret
from autograder.i18n import _, current, in_language
from autograder.intake.canonical import Canonical, canonicalise
from autograder.intake.submission import Staged, stage
from autograder.pipeline.ahead import Ahead, Judged, Judging
from autograder.sandbox.early import EarlyWorker, Prestart, start_early
from autograder.sandbox.runner import Limits, WorkerRun, run_plan


@dataclass
class Report:
    """Everything the reports need: outcomes in registry order plus whole-submission notes."""

    outcomes: list[Outcome]
    assignment: Assignment
    notes: list[str] = field(default_factory=list)     # for the student (file-level problems)
    log: list[str] = field(default_factory=list)       # for the instructor (sandbox, timings)
    student_output: str = ""                           # what the submission printed (truncated)
    execution_time: float = 0.0
    lang: str = field(default_factory=current)        # the language of its text (autograder.i18n)

    @property
    def score(self) -> float:
        return round(sum(o.score for o in self.outcomes), 4)

    @property
    def max_score(self) -> float:
        return round(sum(o.max_score for o in self.outcomes), 4)


def build_cases(draw: Draw, visible: bool = False, assignment: Assignment | None = None) -> dict[str, list[Case]]:
    """The cases of every hidden probe, from the submission's draw; or (visible) of every worked
    example, from the public VISIBLE draw."""
    assignment = load(assignment)
    out = {}
    source = VISIBLE if visible else draw
    with cache_scope(assignment.name):
        for pid, probe in assignment.probe_map.items():
            if probe.visible == visible:
                out[pid] = probe.build(source)
                for i, case in enumerate(out[pid]):
                    case.visible = visible
                    case.rebuild = functools.partial(rebuild_case, assignment.name, probe, source, i)
    return out


def rebuild_case(scope: str, probe, draw: Draw, i: int) -> Case:
    """Case I of PROBE from DRAW again, as build_cases made it (Case.release)."""
    with cache_scope(scope):
        case = probe.build(draw)[i]
    case.visible = draw is VISIBLE
    return case


def run_worker(assignment: Assignment, staged: Staged, cases: dict[str, list[Case]], canonical: Canonical | None,
               functions: set[str] | None = None, substitute: dict[str, dict[str, str]] | None = None,
               limits: Limits | None = None, helper_answers: dict[str, dict] | None = None,
               early: EarlyWorker | None = None, judging: Judging | None = None) -> tuple[dict[str, list], WorkerRun]:
    """Run the probes that CASES holds, of `functions` (all when None), in a confined worker: the
    worker receives the inputs of these calls and nothing else (and, for a function whose helper
    is substituted by its answers, helper_answers: see helper_table). early: the job and held
    worker start_early made for this run (see sandbox/early.py).

    The realistic-size probes run last, and each one's inputs reach the worker only when its step
    starts (Plan.deferred, runner.run_plan): code run in the other calls (each with its own budget)
    cannot read them and do their work ahead, piece by piece. While the worker runs, this process
    computes the expected values of the cases that answer, and with JUDGING judges the checks
    whose answers are in (pipeline/ahead.py)."""
    probes = [p for p in assignment.probes if p.id in cases and (functions is None or p.function in functions)]
    modules = [m for m in assignment.modules if m in staged.found]
    plan = build_plan(assignment, probes, cases, modules, helper_answers)
    let_go_of_later_inputs(plan, cases)
    ahead = Ahead(plan, cases, judging)
    run = run_plan(plan.steps, plan.arrays, staged.dir, limits or Limits(), substitute, early, plan.deferred, ahead)
    results = {}
    for p in probes:
        made = ahead.results_after(p.id, run)
        results[p.id] = made if made is not None else call_results(
            assignment, plan, run, p, len(cases[p.id]), staged.problems.get(assignment.by_name[p.function].module),
            canonical)
    return results, run


def score_checks(assignment: Assignment, checks: list[Check], cases, results,
                 judged: dict[str, Judged] | None = None) -> dict[str, Outcome]:
    """JUDGED: checks judged while the worker ran (pipeline/ahead.py); their verdicts are used when
    the check is scored on the very results they were judged on."""
    judged = judged or {}
    outcomes = {}
    for c in checks:
        if not all(p in results for p in c.probes):
            continue
        ahead = judged.get(c.id)
        kept = ahead is not None and all(made is results[p] for made, p in zip(ahead.results, c.probes))
        outcomes[c.id] = score_check(c, [x for p in c.probes for x in cases[p]],
                                     [x for p in c.probes for x in results[p]], assignment,
                                     ahead.verdicts if kept else None)
    apply_realistic_gates(assignment, outcomes, cases, results)
    apply_realistic_values(assignment, outcomes, cases, results)
    apply_gates(outcomes)
    return outcomes


def apply_realistic_gates(assignment: Assignment, outcomes: dict[str, Outcome], cases, results) -> None:
    """A function that returns gradients over a sequence (StudentFunction.sequence_gradient) earns
    none of its points unless every call of its realistic-size probes gave an answer within that
    case's CPU budget (a time-out, a crash, a memory error, a raise, or no output that is a finite
    array of the reference's shape close the gate). Each output's value there is judged by
    apply_realistic_values."""
    probes = assignment.probe_map
    for fn in assignment.functions:
        realistic = [pid for pid, p in probes.items() if p.function == fn.name and p.realistic and pid in results]
        own = [o for o in outcomes.values() if o.check.function == fn.name]
        if not fn.sequence_gradient or not realistic or sum(o.score for o in own) <= 0:
            continue        # nothing earned, nothing to take: its own feedback says why
        why = next((w for pid in realistic for case, result in zip(cases[pid], results[pid])
                    if (w := no_answer(assignment, fn, case, result))), None)
        if why is None:
            continue
        label = next((c.label for pid in realistic for c in cases[pid] if c.label), "")
        message = _("No credit for {function}: on the realistic-size case ({label}) it gave no answer: {why}\n"
                    "{function} returns gradients over a whole sequence, so it earns points only when it computes "
                    "them at a realistic size within that case's time budget, as backpropagation through time "
                    "does (in a few seconds at most, even with plain loops over samples and time); numerical "
                    "differentiation, one or two forward passes per parameter entry, cannot. Once it gives a "
                    "finite answer of the right shape there, all its tests count again.").format(
            function=fn.name, label=label, why=why)
        for o in own:          # a test that fails anyway keeps its own feedback, and says this too
            if o.ok:
                o.passed, o.problem = 0, message
            else:
                o.notes.insert(0, message)
            o.score = 0.0


def apply_realistic_values(assignment: Assignment, outcomes: dict[str, Outcome], cases, results) -> None:
    """A check of a sequence-gradient function earns credit only when the outputs it judges are right
    at the realistic size too, and (unless they all lie outside the recurrence:
    StudentFunction.outside_recurrence) while one of the function's bptt_witnesses is right there.
    A check made with checks.matches(path, ...) judges that one output; any other value check judges
    the whole answer. Properties (gated_by) follow their gate.

    Why the witness: a gradient with few entries (a bias, h0) can be differentiated numerically even
    at the realistic size within its budget, so its being right there proves nothing; the recurrent
    weights' gradients (H x H entries) only backpropagation through time can give in time. An honest
    mistake in the recurrence shows on the small cases too, so the witness costs it little: the
    gradients it judges are wrong there as well."""
    probes = assignment.probe_map
    for fn in assignment.functions:
        realistic = [pid for pid, p in probes.items() if p.function == fn.name and p.realistic and pid in results]
        own = [o for o in outcomes.values() if o.check.function == fn.name and o.score > 0
               and o.check.gated_by is None and not any(probes[p].realistic for p in o.check.probes)]
        if not fn.sequence_gradient or not realistic or not own:
            continue
        wrong: list[str] = []
        near: set[str] = set()          # wrong only by a loss of precision (float32 arithmetic, say)
        for pid in realistic:
            for case, result in zip(cases[pid], results[pid]):
                if result.status != "ok":
                    continue            # no answer at all: apply_realistic_gates has taken every point
                for path, value in (reference_leaves(assignment, fn, case) or {}).items():
                    if path not in wrong and not compare(result.leaf(path), value, path).passed:
                        wrong.append(path)
                        if near_miss(result.leaf(path), value):
                            near.add(path)
        unwitnessed = [w for w in fn.bptt_witnesses if w in wrong]
        witnessed = not fn.bptt_witnesses or len(unwitnessed) < len(fn.bptt_witnesses)
        if not wrong:
            continue
        label = next((c.label for pid in realistic for c in cases[pid] if c.label), "")
        closed: dict[str, str] = {}
        for o in own:
            judged = getattr(o.check.judge, "outputs", None)
            bad = [path for path in wrong if judged is None or path in judged]
            needs_witness = not witnessed and not (judged and set(judged) <= set(fn.outside_recurrence))
            if not bad and not needs_witness:
                continue
            if bad:
                message = _("No credit for this test yet: your {function} gives a wrong {outputs} on the "
                            "realistic-size case ({label}). A gradient counts only when it is right at every "
                            "size: the realistic-size test says what differs there.").format(
                    function=fn.name, outputs=", ".join(bad), label=label)
                message += " " + (precision_hint() if set(bad) <= near else _(
                    "(A gradient computed another way for large inputs than for small ones, such as by "
                    "numerical differentiation, cannot earn it.)"))
            else:
                message = witness_message(fn, label, near >= set(unwitnessed))
            if o.ok:            # as apply_realistic_gates: the reason takes the place of a pass
                o.problem = message
            else:
                o.notes.insert(0, message)
            o.score = 0.0
            closed[o.check.id] = message
        for o in outcomes.values():     # a property gated by a test closed here is closed with it
            if o.check.gated_by in closed and o.score > 0:
                o.score = 0.0
                o.problem = (_("No credit yet: this property counts once {function} gives right "
                               "answers in \"{title}\", and it does not yet:").format(
                    function=fn.name, title=_(outcomes[o.check.gated_by].check.title))
                    + "\n" + closed[o.check.gated_by])


def precision_hint() -> str:
    return _("It is close there (off by less than 0.1% of the values' scale): rounding errors that grow over "
             "a long sequence, such as from computing in float32 instead of float64?")


def witness_message(fn, label: str, near: bool) -> str:
    """Why a test of FN that is right at every size still earns nothing: no witness is right."""
    message = _("No credit for this test yet: on the realistic-size case ({label}), {witnesses} of your "
                "{function} is not right. Only backpropagation through time computes the gradient of a "
                "recurrent weight matrix at that size (numerical differentiation would need a forward pass "
                "per entry), so {function}'s other gradients count once it is right there; the "
                "realistic-size test says what differs.").format(
        label=label, function=fn.name, witnesses=_(" or ").join(fn.bptt_witnesses))
    return message + (" " + precision_hint() if near else "")


def near_miss(leaf: dict | None, expected: np.ndarray) -> bool:
    """LEAF is an array of EXPECTED's shape, finite, and off by no more than "just outside the tolerance"."""
    got = (leaf or {}).get("array")
    if not isinstance(got, np.ndarray) or got.shape != np.shape(expected) or not np.all(np.isfinite(got)):
        return False
    return just_outside(got, np.asarray(expected, dtype=np.float64))


def no_answer(assignment: Assignment, fn, case: Case, result) -> str:
    """Why RESULT is no answer at all ("" when it is one): the call did not return, or none of its
    outputs is a finite array of the reference's shape. An answer with some outputs wrong (a shape,
    a value) is one: apply_realistic_values judges each output."""
    if result.status == "timeout":
        return f"{result.detail}."        # "went past its time limit (...)", in the feedback's language
    if result.status != "ok":
        check = next(c for c in assignment.checks if c.function == fn.name)
        verdict = call_problem(check, result, assignment)
        return verdict.message if verdict is not None else _("the call gave no answer ({status})").format(
            status=result.status)
    expected = reference_leaves(assignment, fn, case)
    if expected is None:
        return ""
    for path, value in expected.items():
        got = (result.leaf(path) or {}).get("array")
        if isinstance(got, np.ndarray) and got.shape == np.shape(value) and np.all(np.isfinite(got)):
            return ""
    return _("none of its outputs ({outputs}) is a finite array of the expected shape").format(
        outputs=", ".join(expected))


def reference_leaves(assignment: Assignment, fn, case: Case) -> dict[str, np.ndarray] | None:
    """The reference's answer to CASE by output path, computed once per case (kept in case.meta);
    None when the reference raises on it (nothing to compare). A case whose judges' expected answer
    comes from the same reference call (case.meta["expected"].reference_answer: that call on the
    case's own arguments) shares it: no second reference call at the realistic size, no second copy."""
    if "reference_leaves" not in case.meta:
        try:
            shared = getattr(case.meta.get("expected"), "reference_answer", None)
            answer = shared() if callable(shared) else getattr(assignment.ref(), fn.name)(*case.args, **case.kwargs)
            case.meta["reference_leaves"] = answer_leaves(fn.schema, answer)
        except Exception:  # noqa: BLE001 - the reference raises on this case
            case.meta["reference_leaves"] = None
    return case.meta["reference_leaves"]


def answer_leaves(schema: dict, value, path: str = "") -> dict[str, np.ndarray]:
    """Every array leaf of VALUE (an answer of SCHEMA), by the worker's path names."""
    kind = schema["kind"]
    if kind == "tuple":
        out: dict[str, np.ndarray] = {}
        for name, child, item in zip(schema["names"], schema["items"], value):
            out.update(answer_leaves(child, item, f"{path}.{name}" if path else name))
        return out
    if kind == "dict":
        out = {}
        for key, child in zip(schema["keys"], schema["items"]):
            out.update(answer_leaves(child, value[key], f"{path}[{key!r}]"))
        return out
    return {path or "output": np.asarray(value, dtype=float)} if kind in ("array", "scalar") else {}


def apply_gates(outcomes: dict[str, Outcome]) -> None:
    """A property (inputs untouched, range...) earns credit in proportion to the pass rate of the
    value check it is gated by: nothing until the function computes right values, and a right
    answer in one case opens no more than that case's share."""
    for outcome in outcomes.values():
        gate = outcomes.get(outcome.check.gated_by or "")
        if gate is None or outcome.score <= 0:
            continue
        rate = gate.passed / gate.total if gate.total else 0.0
        if rate == 0:
            outcome.score = 0.0
            why = gate.problem or (gate.failures[0][1].message if gate.failures else "")
            outcome.problem = (_("No credit yet: this property counts once {function} gives right "
                                 "answers in \"{title}\", and it does not yet:").format(
                function=outcome.check.function, title=_(gate.check.title)) + f"\n{why}")
            outcome.import_failed = gate.import_failed
        elif rate < 1:
            outcome.score = round(outcome.score * rate, 4)
            outcome.notes.append(_("This property's credit is scaled by the share of \"{title}\" that "
                                   "passes ({passed} of {total}).").format(
                title=_(gate.check.title), passed=gate.passed, total=gate.total))


def substitute_helpers(assignment: Assignment, staged: Staged, canonical: Canonical | None, cases,
                       outcomes: dict[str, Outcome], limits: Limits, results: dict | None = None) -> list[str]:
    """Grade a dependent function with the correct helper when the student's helper failed (the
    contract's helper rule, e.g. docs/contracts/rnn_bptt.md).

    A dependent function whose grade improves with the correct helper is graded (and diagnosed)
    on those answers, and told why; otherwise its own grade stands. A dependent that ran out of time
    is not run again, unless its helper ran out of time too (the time-out may lie in the helper).
    """
    functions, by_name = assignment.functions, assignment.by_name
    own = {f.name: [o for o in outcomes.values() if o.check.function == f.name] for f in functions}
    faulty = {f.helper for f in functions if f.helper and any(not o.ok for o in own[f.helper])}
    dependents = {f.name for f in functions if f.helper in faulty and f.module in staged.found
                  and any(not o.ok for o in own[f.name])
                  and not any(o.import_failed for o in own[f.name])      # a file that cannot load
                  and not unimplemented(assignment, f.name, results or {})   # nothing a helper could change
                  and (not ran_out_of_time(assignment, f.name, results or {})
                       or ran_out_of_time(assignment, f.helper, results or {}))}
    if not dependents:
        return []
    substitute: dict[str, dict[str, str]] = {}
    answers: dict[str, dict] = {}
    for name in sorted(dependents):
        helper = by_name[name].helper
        if by_name[name].helper_calls is None:      # the helper's code (any number of calls)
            substitute.setdefault(by_name[name].module, {})[helper] = assignment.helper_source(helper)
        else:                                       # its answers on each case's own inputs, nothing more
            answers.update({pid: helper_table(assignment, by_name[name], cs) for pid, cs in cases.items()
                            if assignment.probe_map[pid].function == name})
    sub_results, run = run_worker(assignment, staged, cases, canonical, dependents, substitute, limits, answers)
    redo = score_checks(assignment, [c for c in assignment.graded_checks() if c.function in dependents], cases,
                     sub_results)
    for name in sorted(dependents):
        helper = by_name[name].helper
        before = sum(o.score for o in own[name])
        after = sum(o.score for cid, o in redo.items() if o.check.function == name)
        if after <= before:
            refused = next((why for pid, rs in sub_results.items() if assignment.probe_map[pid].function == name
                            for r in rs if r.status == "raised"
                            and (why := helper_refused(assignment, by_name[name], r.raised or {}))), "")
            first = next((o for o in own[name] if not o.ok), None)
            if refused and first is not None:     # the substituted helper was asked for more than it answers
                first.notes.append(refused)
            continue
        for o in own[name]:
            again = redo[o.check.id]
            if again.score > o.score:
                again.notes.append(
                    _("Graded with a correct {helper} in place of yours, because your {helper} fails its own "
                      "tests (see them). With your own {helper} this test scored {score}/{max_score}: "
                      "fix {helper} and this function should pass too.").format(
                        helper=helper, score=f"{o.score:g}", max_score=f"{o.max_score:g}"))
            outcomes[o.check.id] = again
        if results is not None:
            probes = assignment.probe_map
            results.update({pid: r for pid, r in sub_results.items() if probes[pid].function == name})
    return [f"helper substitution run for {sorted(dependents)}: {run.log[-1]}"]


def helper_table(assignment: Assignment, fn, cases: list[Case]) -> dict:
    """What the worker may answer for FN's substituted helper (StudentFunction.helper_calls): per
    case, the public helper's answer on the case's own arguments of the helper's names (computed
    here), at most fn.helper_calls times (worker.answer_table)."""
    params = assignment.by_name[fn.helper].arg_names
    public = assignment.helpers[fn.helper]
    calls = []
    for case in cases:
        given = dict(zip(fn.arg_names, case.args), **case.kwargs)
        args = {k: given[k] for k in params}
        calls.append([{"args": args, "answer": public(**args)}])
    return {"name": fn.helper, "params": params, "limit": fn.helper_calls, "calls": calls}


def unimplemented(assignment: Assignment, function: str, results: dict) -> bool:
    """Every call of `function` raised NotImplementedError from its own body (an untouched stub)."""
    probes = assignment.probe_map
    calls = [r for pid, rs in results.items() if probes[pid].function == function for r in rs]
    return bool(calls) and all(
        r.status == "raised" and (r.raised or {}).get("type") == "NotImplementedError"
        and ((r.raised or {}).get("where") or {}).get("function") == function for r in calls)


def ran_out_of_time(assignment: Assignment, function: str, results: dict) -> bool:
    """A call of `function` (or the import of its file) ran out of time in this grade: it is not run again."""
    probes = assignment.probe_map
    return any(timed_out(r) for pid, rs in results.items() if probes[pid].function == function for r in rs)


def add_diagnoses(assignment: Assignment, outcomes: dict[str, Outcome], cases, results) -> list[str]:
    """Name the misconceptions behind failing checks, per function (see autograder/diagnosis)."""
    log: list[str] = []
    for cid, found in diagnose(list(outcomes.values()), cases, results, log, assignment).items():
        outcomes[cid].diagnoses = found
    return log


def add_examples(assignment: Assignment, staged: Staged, canonical: Canonical, outcomes: dict[str, Outcome],
                 results, limits: Limits) -> list[str]:
    """Run the worked examples of every function that still fails (and runs), or whose file failed
    to load, in a worker that holds no hidden input; show each in the first failing test of its
    function, and a load failure with its full message. A function that ran out of time (or whose
    file did) is not run again: its first failing test says so instead."""
    examples = {c.function: c for c in assignment.example_checks()}
    own = {name: [o for o in outcomes.values() if o.check.function == name] for name in examples}
    stopped = {name for name in examples if ran_out_of_time(assignment, name, results)}
    for name in sorted(stopped):
        first = next((o for o in own[name] if not o.ok and not o.problem), None)
        if first is not None:
            first.notes.append(f"Worked example not run: {name} did not finish one of its cases (see the tests of "
                               f"{name}), so the grader did not run it again. Make it finish first.")
    failing = [name for name in examples if name not in stopped
               and any(not o.ok and not o.problem for o in own[name]) and not unimplemented(assignment, name, results)]
    unloaded = [name for name in examples if name not in stopped and any(o.import_failed for o in own[name])]
    if not failing and not unloaded:
        return []
    chosen = set(failing) | set(unloaded)
    probes = assignment.probe_map
    cases = {pid: cs for pid, cs in build_cases(VISIBLE, True, assignment).items() if probes[pid].function in chosen}
    ex_results, run = run_worker(assignment, staged, cases, canonical, chosen, limits=limits)
    judged = score_checks(assignment, [examples[name] for name in sorted(chosen)], cases, ex_results)
    for name in unloaded:       # the load failure again, in a worker without hidden inputs: its full text
        example = judged.get(examples[name].id)
        if example is not None and example.import_failed and example.problem:
            for o in own[name]:
                if o.import_failed:
                    o.problem = example.problem
    for name in failing:
        example = judged.get(examples[name].id)
        first = next((o for o in own[name] if not o.ok and not o.problem), None)
        if example is None or first is None:
            continue
        label = "; ".join(c.label for c in cases[examples[name].probe] if c.label)
        if example.ok:
            first.notes.append(_("Worked example (visible, no points: {label}): your {name} gets it right, so the "
                                 "mistake shows only on other inputs, such as the cases named above.").format(
                label=label, name=name))
        else:
            first.notes.append(_("Worked example (visible, no points), where every value may be shown:") + "\n"
                               + feedback(example).split("\n\n", 1)[-1])
    return [f"worked examples run for {sorted(chosen)}: {run.log[-1]}"]


@in_language
def grade_submission(submission_dir: Path, limits: Limits | None = None, secret: CourseSecret | None = None,
                     assignment: Assignment | str | None = None, prestart: Prestart | None = None) -> Report:
    """Grade one submission folder for ASSIGNMENT (an Assignment, a name or a folder; default
    rnn_bptt); never raises for anything the submission does.

    secret: the course secret (default: secret.load_secret()), which with the canonical code seeds
    the hidden cases: the same code and secret always give the same grade, byte for byte.
    prestart: a sandbox started for this grade before the grader was imported (early.prestart,
    with the same LIMITS): the submission is staged into its folder and its worker runs the plan;
    the caller aborts it when the grade is over.
    lang (keyword): the language of the feedback (default: autograder.i18n.current()).
    """
    start = time.monotonic()
    assignment = load(assignment)
    limits = limits or (prestart.limits if prestart is not None else Limits())
    if prestart is not None and prestart.limits != limits:
        prestart = None                 # started for other limits: not this grade's (the caller aborts it)
    staged = stage(Path(submission_dir), assignment, into=prestart.folder if prestart is not None else None)
    early = None
    try:
        if prestart is not None and prestart.early is not None:
            early = prestart.early      # its worker has been loading NumPy since the grader started
            prestart.admit()
        else:
            # the first worker starts now (confined as ever, held until the plan is written), so
            # that its interpreter and NumPy load while this process draws the cases
            early = start_early(staged.dir, limits)
        canonical = canonicalise(staged.dir, [f"{m}.py" for m in assignment.modules])
        secret = secret or load_secret()
        cases = build_cases(submission_draw(secret.key, canonical.digest), assignment=assignment)
        checks = assignment.graded_checks()
        judging = Judging(assignment, checks, {m: staged.problems.get(m) for m in assignment.modules}, canonical)
        results, run = run_worker(assignment, staged, cases, canonical, limits=limits, early=early, judging=judging)
        outcomes = score_checks(assignment, checks, cases, results, judging.judged)
        log = [f"cases drawn for code digest {canonical.digest.hex()[:16]} with the course secret "
               f"{secret.fingerprint} ({secret.source})", *canonical.log, *run.log]
        log += substitute_helpers(assignment, staged, canonical, cases, outcomes, limits, results)
        log += add_diagnoses(assignment, outcomes, cases, results)
        log += add_examples(assignment, staged, canonical, outcomes, results, limits)
        report = Report([outcomes[c.id] for c in checks], assignment, notes=list(staged.notes), log=log,
                        student_output=run.output)
    finally:
        if early is not None:
            early.abort()      # the grade stopped before its first worker run: kill it, remove the job
        staged.cleanup()
    report.notes += [p for p in dict.fromkeys(staged.problems.values()) if p not in report.notes]
    report.notes += import_problems(assignment, report.outcomes)
    report.execution_time = round(time.monotonic() - start, 3)
    return report


def import_problems(assignment: Assignment, outcomes: list[Outcome]) -> list[str]:
    """A file that could not be loaded is reported in the overall output too, once per file."""
    notes: dict[str, str] = {}
    for o in outcomes:
        module = assignment.by_name[o.check.function].module
        if o.import_failed and module not in notes:
            notes[module] = o.problem
    return list(notes.values())


@in_language
def failed_report(error: BaseException, assignment: Assignment | str | None = None) -> Report:
    """A valid, zero-score report for when the grader itself broke (never the student's fault)."""
    assignment = load(assignment)
    outcomes = []
    for check in assignment.graded_checks():
        o = Outcome(check, float(assignment.points[check.id]), 0.0, 0, 1)
        o.problem = _("The grader could not grade this submission because of an internal error. "
                      "Please tell your instructor.")
        outcomes.append(o)
    tb = "".join(traceback.format_exception(error))
    return Report(outcomes, assignment, notes=[_("Internal grader error: your instructor has the details.")], log=[tb])
