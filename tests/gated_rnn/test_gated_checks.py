"""The gated_rnn checks (autograder/assignments/gated_rnn/checks/), judged in this process.

Every function under test here is ours (the reference, the stubs, the bug bank, the misconception
models, the CS231n-style variant), so its answers come from diagnosis.answers.run_trusted instead
of a worker, on the grader's real cases, and are scored by scoring.score_check and grade.apply_gates.
Until the assignment declaration lands (issue 11), scoring reads part 1's points table and
contract; the `gated_tables` fixture puts gated_rnn's in their place for this module.
"""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gated_bug_bank import FUNCTIONS, correct_variants, load_bug_module, load_bugs  # noqa: E402
from gated_helpers import STUBS_DIR, load_module_from_path  # noqa: E402

from autograder.assignments.gated_rnn import checks as K  # noqa: E402
from autograder.assignments.gated_rnn import contract as CT  # noqa: E402
from autograder.assignments.gated_rnn import diagnosis as GD  # noqa: E402
from autograder.assignments.gated_rnn import points as P  # noqa: E402
from autograder.assignments.gated_rnn import public_helpers  # noqa: E402
from autograder.assignments.gated_rnn import reference as R  # noqa: E402
from autograder.diagnosis import explain  # noqa: E402
from autograder.diagnosis.answers import agree, run_trusted  # noqa: E402
from autograder.engine import scoring  # noqa: E402
from autograder.engine.cases import VISIBLE, Draw  # noqa: E402
from autograder.engine.checks import flatten_inputs  # noqa: E402
from autograder.pipeline.grade import apply_gates  # noqa: E402

# The realistic-size cases (one large case per backward pass, judged against the reference only) are
# judged in test_the_realistic_size_cases_pass_honest_code_of_every_form below; every other test here
# leaves them out (running every bug and mistake model at that size would take minutes).
REALISTIC = {p.id for p in K.PROBES if p.realistic}
GRADED = [c for c in K.CHECKS if not c.example]
HIDDEN = [c for c in GRADED if not set(c.probes) & REALISTIC]
EXAMPLES = [c for c in K.CHECKS if c.example]
CHECKED = [c for c in K.CHECKS if not set(c.probes) & REALISTIC]      # hidden and worked examples
PROBES = {p.id: p for p in K.PROBES}
BUGS = load_bugs(GD.codes())
MODULE_OF = {f.name: f.module for f in CT.FUNCTIONS}


@pytest.fixture(scope="module", autouse=True)
def gated_tables():
    """The engine's default assignment is gated_rnn for this module (score_check, call_problem and
    the diagnosis read its points, contract, catalogue and reference)."""
    import autograder.assignment as A

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(A, "DEFAULT", "gated_rnn")
        yield


def build(draw: Draw) -> dict:
    """Every probe's cases, as grade.build_cases makes them: hidden ones from draw, examples from VISIBLE."""
    out = {}
    for probe in K.PROBES:
        out[probe.id] = probe.build(VISIBLE if probe.visible else draw)
        for case in out[probe.id]:
            case.visible = probe.visible
    return out


@pytest.fixture(scope="module")
def cases():
    return build(Draw(b"gated_rnn checks tests"))


def answers(cases, function: str, fn) -> dict:
    """fn's answers to every probe of function (fn is our own code: trusted)."""
    schema = CT.BY_NAME[function].schema
    return {pid: [run_trusted(fn, case, schema) for case in cases[pid]]
            for pid, probe in PROBES.items() if probe.function == function and pid not in REALISTIC}


def judged(check, cases, results):
    return [c for p in check.probes for c in cases[p]], [r for p in check.probes for r in results[p]]


def scored(cases, function: str, results: dict, checks=HIDDEN) -> dict:
    """check id -> Outcome for function's checks, gates applied, as grade.judge_all does."""
    out = {c.id: scoring.score_check(c, *judged(c, cases, results)) for c in checks if c.function == function}
    apply_gates(out)
    return out


def outcomes(cases, function: str, fn, checks=HIDDEN) -> dict:
    return scored(cases, function, answers(cases, function, fn), checks)


def lost(outs: dict) -> set[str]:
    return {cid for cid, o in outs.items() if o.score < o.max_score}


def failing(outs: dict) -> set[str]:
    """The failing checks the diagnosis reads: all but a realistic-size one (judged against the reference only)."""
    return {cid for cid, o in outs.items() if not o.ok and not any(PROBES[p].last for p in o.check.probes)}


# ---- the registry and the points -------------------------------------------------------------
def test_points_cover_every_check_and_sum_to_100_split_as_the_handout_says():
    assert set(P.POINTS) == {c.id for c in GRADED}
    assert sum(P.POINTS.values()) == P.TOTAL == 100
    for function, total in P.BY_FUNCTION.items():
        assert sum(v for k, v in P.POINTS.items() if k.split(".")[0] == function) == total, function
    handout = (STUBS_DIR / "handout.md").read_text(encoding="utf-8")
    section = handout.split("### 8.3", 1)[1].split("\n### ", 1)[0]
    table = {m[0]: float(m[1]) for m in re.findall(r"^\| `(\w+)` \| (\d+(?:\.\d+)?) \|", section, flags=re.M)}
    assert table == P.BY_FUNCTION


def test_ids_probes_and_gates_are_consistent():
    ids = [c.id for c in K.CHECKS]
    assert len(ids) == len(set(ids))
    assert len(PROBES) == len(K.PROBES)
    for c in K.CHECKS:
        assert c.function in CT.BY_NAME and c.id.startswith(c.function + ".")
        for p in c.probes:
            assert PROBES[p].function == c.function
            assert PROBES[p].visible == c.example
        if c.gated_by:
            assert P.POINTS.get(c.gated_by) and c.gated_by.split(".")[0] == c.function
    assert {c.function for c in EXAMPLES} == set(CT.BY_NAME), "a worked example per function"
    assert {c.function for c in HIDDEN if c.id.endswith(".inputs")} == set(CT.BY_NAME)


def test_contract_matches_the_stubs():
    for module in CT.MODULES:
        tree = ast.parse((STUBS_DIR / f"{module}.py").read_text(encoding="utf-8"))
        defs = {n.name: [a.arg for a in n.args.args] for n in tree.body if isinstance(n, ast.FunctionDef)}
        for f in CT.functions_in(module):
            assert tuple(defs[f.name]) == CT.ARG_NAMES[f.name]
            assert f.signature.startswith(f"{f.name}({', '.join(CT.ARG_NAMES[f.name])})")
    assert set(CT.BY_NAME) == {fn for fns in FUNCTIONS.values() for fn in fns}


def test_cases_follow_the_contract(cases):
    """h0, h_prev in (-1, 1); c0, c_prev in [-3, 3]; k an int >= 1; T = 1 and H = 1 among the cases;
    the four kinds of k are what their names say; large forget-gate bias cases in the Jacobian's."""
    for pid, cs in cases.items():
        function = PROBES[pid].function
        for case in cs:
            named = dict(zip(CT.ARG_NAMES[function], case.args))
            for key in ("h0", "h_prev"):
                if key in named:
                    assert np.all(np.abs(named[key]) < 1), pid
            for key in ("c0", "c_prev"):
                if key in named:
                    assert np.all(np.abs(named[key]) <= 3), pid
            if "k" in named:
                assert isinstance(named["k"], int) and named["k"] >= 1
    for function in ("lstm_forward", "lstm_backward", "gru_forward", "gru_backward"):
        shapes = [c.args[CT.ARG_NAMES[function].index("x")].shape for c in cases[f"{function}.cases"]]
        widths = {c.args[CT.ARG_NAMES[function].index("h0")].shape[1] for c in cases[f"{function}.cases"]}
        assert any(s[1] == 1 for s in shapes), function
        # H = 1 for the LSTM; never for the GRU, where PyTorch's reset convention agrees at H = 1 (handout §5.2)
        assert (1 in widths) == function.startswith("lstm"), function
    for pid in ("gru_backward.finite_differences", "gru_backward.sympy", "gru_forward.example", "gru_backward.example"):
        assert all(c.args[CT.ARG_NAMES[PROBES[pid].function].index("h0")].shape[1] >= 2 for c in cases[pid]), pid
    kinds = {"k_1": lambda T, k: k == 1, "k_divides": lambda T, k: 1 < k < T and T % k == 0,
             "k_not_dividing": lambda T, k: 1 < k < T and T % k != 0, "k_at_least_T": lambda T, k: k >= T}
    for kind, ok in kinds.items():
        assert all(ok(c.args[2].shape[1], c.args[6]) for c in cases[f"rnn_backward_truncated.{kind}"]), kind
    f_near_one = [c for c in cases["lstm_state_jacobian.cases"] if "forget-gate bias" in c.label]
    assert f_near_one
    for case in f_near_one:
        x_t, h_prev, _, p = case.args
        H = h_prev.shape[0]
        a_f = (x_t @ p["W_x"] + h_prev @ p["W_h"] + p["b"])[H:2 * H]
        assert np.all(1 / (1 + np.exp(-a_f)) > 0.95)


def test_cases_are_determined_by_the_draw():
    a, b, other = build(Draw(b"one")), build(Draw(b"one")), build(Draw(b"two"))
    for pid in a:
        for ca, cb, co in zip(a[pid], b[pid], other[pid]):
            fa, fb, fo = (flatten_inputs(c.args, c.kwargs) for c in (ca, cb, co))
            assert ca.label == cb.label == co.label and fa.keys() == fb.keys() == fo.keys()
            assert all(np.array_equal(fa[k], fb[k]) for k in fa)
            assert all(fa[k].shape == fo[k].shape for k in fa)    # shapes: the same for everyone
            if not PROBES[pid].visible:
                assert not all(np.array_equal(fa[k], fo[k]) for k in fa), f"{pid}: values should follow the draw"
            else:
                assert all(np.array_equal(fa[k], fo[k]) for k in fa), f"{pid}: examples are public and fixed"


# ---- the reference, the stubs, the correct variant -------------------------------------------
@pytest.mark.parametrize("function", list(CT.BY_NAME))
def test_the_reference_passes_every_check_at_full_points(cases, function):
    fn = getattr(R.load(), function)
    outs = outcomes(cases, function, fn, CHECKED)
    assert all(o.ok for o in outs.values()), {cid: o.failures[0][1].message for cid, o in outs.items() if not o.ok}
    realistic = sum(P.POINTS[c.id] for c in GRADED if c.function == function and set(c.probes) & REALISTIC)
    assert sum(o.score for o in outs.values()) + realistic == P.BY_FUNCTION[function]   # that one: below


@pytest.mark.parametrize("function", list(CT.BY_NAME))
def test_the_stubs_fail_every_check(cases, function):
    stub = load_module_from_path(STUBS_DIR / f"{MODULE_OF[function]}.py", f"gated_stub_{MODULE_OF[function]}")
    outs = outcomes(cases, function, getattr(stub, function), CHECKED)
    assert all(o.score == 0 and o.passed == 0 for o in outs.values() if not o.check.id.endswith(".inputs"))
    assert all(o.score == 0 for o in outs.values())
    message = outs[f"{function}.example"].failures[0][1].message
    assert "still raises NotImplementedError" in message


@pytest.mark.parametrize("variant", correct_variants(), ids=lambda p: p.name)
def test_a_correct_variant_passes_everything(cases, variant):
    for module, functions in FUNCTIONS.items():
        student = load_module_from_path(variant / f"{module}.py", f"gated_checks_variant_{variant.name}_{module}")
        for function in functions:
            outs = outcomes(cases, function, getattr(student, function), CHECKED)
            assert lost(outs) == set() and all(o.ok for o in outs.values()), (variant.name, function)


def test_the_realistic_size_cases_pass_honest_code_of_every_form(cases):
    """Each backward pass has a realistic-size case (issue 19); the reference, the vectorised variant
    and the plain-loop one (the slowest honest form) all pass it."""
    assert {PROBES[p].function for p in REALISTIC} == {f.name for f in CT.FUNCTIONS if f.sequence_gradient} \
        == {"lstm_backward", "gru_backward", "rnn_backward_truncated"}
    checks = [c for c in GRADED if set(c.probes) & REALISTIC]
    for variant in [R.reference_dir(), *correct_variants()]:
        for module, functions in FUNCTIONS.items():
            student = load_module_from_path(variant / f"{module}.py", f"gated_realistic_{variant.name}_{module}")
            for function in functions:
                results = {pid: [run_trusted(getattr(student, function), case, CT.BY_NAME[function].schema)
                                 for case in cases[pid]] for pid in REALISTIC if PROBES[pid].function == function}
                for check in (c for c in checks if c.function == function):
                    outcome = scoring.score_check(check, *judged(check, cases, results))
                    assert outcome.ok, (variant.name, check.id, outcome.failures[:1])


def test_the_public_forwards_are_the_reference(cases):
    for name in ("lstm_forward", "gru_forward"):
        namespace = {"np": np}
        exec(public_helpers.source(name), namespace)  # noqa: S102 - our own source text
        outs = outcomes(cases, name, namespace[name], CHECKED)
        assert lost(outs) == set() and all(o.ok for o in outs.values()), name
    assert {f.helper for f in CT.FUNCTIONS if f.helper} == set(public_helpers.HELPERS)


def test_the_reference_directory_can_be_moved(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_AUTOGRADER_GATED_REFERENCE", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="RNN_AUTOGRADER_GATED_REFERENCE"):
        R.reference_dir()
    for name in R.MODULES:
        (tmp_path / f"{name}.py").write_text("")
    assert R.reference_dir() == tmp_path


# ---- the bug bank -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bug_outcomes(cases):
    """bug name -> {function -> outcomes}, for every function of the bug's file."""
    out = {}
    for bug in BUGS:
        module = load_bug_module(bug)
        out[bug.name] = {fn: outcomes(cases, fn, getattr(module, fn)) for fn in FUNCTIONS[bug.module]}
    return out


@pytest.mark.parametrize("bug", BUGS, ids=lambda b: b.name)
def test_a_bug_loses_points_only_in_the_functions_it_breaks(bug_outcomes, bug):
    for function, outs in bug_outcomes[bug.name].items():
        if function in bug.breaks:
            assert lost(outs), f"{bug.name} should lose points in {function}"
        else:
            assert lost(outs) == set(), f"{bug.name} loses points in {function}, which it does not break"


@pytest.fixture
def gated_diagnosis(monkeypatch):
    """The diagnosis reads the default assignment's catalogue, contract and reference: gated_rnn's
    here (gated_tables)."""


@pytest.mark.parametrize("bug", [b for b in BUGS if b.codes], ids=lambda b: b.name)
def test_a_bug_gets_its_misconception_and_no_other(cases, gated_diagnosis, bug):
    module = load_bug_module(bug)
    for function in bug.breaks:
        results = answers(cases, function, getattr(module, function))
        outs = {c.id: scoring.score_check(c, *judged(c, cases, results)) for c in HIDDEN if c.function == function}
        probes = {p for o in outs.values() for p in o.check.probes}
        view = explain.FunctionView(function, outs, {p: cases[p] for p in probes}, {p: results[p] for p in probes})
        found = explain.explanation(view)
        assert set(found) == failing(outs), function
        assert {code for pairs in found.values() for code, _ in pairs} <= set(bug.codes), (function, found)
        assert found, f"{bug.name}: no misconception named for {function}"


# ---- the misconception catalogue --------------------------------------------------------------
def test_the_catalogue_has_every_mistake_and_names_real_checks():
    assert [e.name for e in GD.CATALOGUE] == [m.name for m in GD.MISTAKES]
    ids = {c.id: c.function for c in GRADED}
    for entry in GD.CATALOGUE:
        assert entry.checks and all(ids.get(cid) == entry.function for cid in entry.checks), entry.name


@pytest.fixture(scope="module")
def model_answers(cases):
    """entry name -> the model's answers to every probe of its function, computed once."""
    return {e.name: answers(cases, e.function, e.model) for e in GD.CATALOGUE}


@pytest.mark.parametrize("entry", GD.CATALOGUE, ids=lambda e: e.name)
def test_each_mistake_model_fails_exactly_the_checks_its_entry_lists(cases, model_answers, entry):
    results = model_answers[entry.name]
    failed = set()
    for check in (c for c in HIDDEN if c.function == entry.function):
        for case, result in zip(*judged(check, cases, results)):
            if not (scoring.call_problem(check, result) or check.judge(case, result)).passed:
                failed.add(check.id)
    assert failed == set(entry.checks)


@pytest.mark.parametrize("function", list(CT.BY_NAME))
def test_models_with_different_codes_are_told_apart_by_the_grader_inputs(model_answers, function):
    entries = [e for e in GD.CATALOGUE if e.function == function]
    for i, a in enumerate(entries):
        for b in entries[i + 1:]:
            if a.code == b.code:
                continue
            ra, rb = model_answers[a.name], model_answers[b.name]
            assert any(not all(agree(y.leaf(path), leaf) for path, leaf in x.leaves.items())
                       for probe in ra for x, y in zip(ra[probe], rb[probe])), f"{a.name} and {b.name}"


# ---- what hidden feedback shows ---------------------------------------------------------------
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def significant_digits(text: str) -> int:
    mantissa = re.split(r"[eE]", text.lstrip("+-"))[0].replace(".", "").lstrip("0")
    return len(mantissa)


def hidden_values(case) -> np.ndarray:
    """Every input and expected number of a case."""
    arrays = list(flatten_inputs(case.args, case.kwargs).values())
    for key in ("expected", "fd"):
        source = case.meta.get(key)
        if source is not None:
            for name in ("h", "c", "dx", "dh0", "dc0", "J", *CT.LSTM_KEYS, *CT.GRU_KEYS, *CT.RNN_KEYS):
                try:
                    arrays.append(np.asarray(source[name], dtype=np.float64))
                except KeyError:
                    continue
    if len(case.args) == 4 and case.args[0].ndim == 1:       # lstm_state_jacobian
        arrays.append(R.load().lstm_state_jacobian(*case.args))
    return np.concatenate([a.ravel() for a in arrays])


def test_no_hidden_message_shows_an_input_or_expected_number(cases, bug_outcomes, model_answers):
    checked = 0
    models = {e.name: scored(cases, e.function, model_answers[e.name]) for e in GD.CATALOGUE}
    every = [outs for per_bug in bug_outcomes.values() for outs in per_bug.values()] + list(models.values())
    for outs in every:
        for outcome in outs.values():
            if not outcome.failures:
                continue
            assert all(not case.visible and verdict.message for case, verdict in outcome.failures)
            values = np.concatenate([hidden_values(case) for case, _ in outcome.failures])
            text = scoring.feedback(outcome)      # what the student reads: labels, messages, notes
            checked += 1
            for number in NUMBER.findall(text):
                if significant_digits(number) >= 5:
                    x = float(number)
                    assert not np.any(np.abs(values - x) <= 1e-4 * abs(x)), (outcome.check.id, text)
    assert checked > 300


# ---- saturating gates (issue 21, item 8) ------------------------------------------------------
def naive_sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


@pytest.mark.parametrize("function", ["lstm_forward", "gru_forward"])
def test_a_naive_sigmoid_loses_the_saturating_point_only(cases, function, monkeypatch):
    models = {"lstm_forward": GD.lstm, "gru_forward": GD.gru}[function]     # each imports numerics.logistic as sigmoid
    monkeypatch.setattr(models, "sigmoid", naive_sigmoid)
    outs = outcomes(cases, function, getattr(models, function))
    assert lost(outs) == {f"{function}.saturating"}, lost(outs)
    message = outs[f"{function}.saturating"].failures[0][1].message
    assert "warning" in message and "overflow" in message, message
    assert all(np.all(np.abs(c.args[-1]["b" if function == "lstm_forward" else "b_z"]) == 1000.0)
               for c in cases[f"{function}.saturating"])


# ---- wrong diagonal blocks (issue 21, item 5) -------------------------------------------------
@pytest.mark.parametrize("name, check", [("lstm_state_jacobian:lstm_cell_jacobian_identity", "cc"),
                                         ("lstm_state_jacobian:lstm_gate_order[ifgo]", "hc"),
                                         ("lstm_state_jacobian:lstm_jacobian_missing_forget_factor", "hc")])
def test_a_wrong_diagonal_block_is_described_as_wrong_on_the_diagonal_only(cases, model_answers, name, check):
    entry = next(e for e in GD.CATALOGUE if e.name == name)
    outs = scored(cases, entry.function, model_answers[entry.name])
    text = scoring.feedback(outs[f"lstm_state_jacobian.{check}"])
    assert "only on the diagonal (every off-diagonal entry is right)" in text, text
    assert "spread over every row and column" not in text, text


# ---- the sympy checks (issue 21) --------------------------------------------------------------
SYMPY = ("lstm_backward", "lstm_state_jacobian", "gru_backward")


@pytest.mark.parametrize("bug", [b for b in BUGS if set(b.breaks) & set(SYMPY)], ids=lambda b: b.name)
def test_a_derivative_mutant_of_the_bug_bank_fails_the_sympy_check(bug_outcomes, bug):
    for function in set(bug.breaks) & set(SYMPY):
        outs = bug_outcomes[bug.name][function]
        assert f"{function}.sympy" in lost(outs), (bug.name, function)
        text = scoring.feedback(outs[f"{function}.sympy"])
        assert "The derivation:" in text and "differs in" in text, text
