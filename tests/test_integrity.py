"""Integrity: no unearned points, and nothing a student can learn to game (issue "Integrity under attack").

- Nothing correct in reach: the worker holds no public helper (only the run grading a helper's
  dependants gets that helper) and each probe draws its own cases, so a function that computes
  nothing finds no answer in memory or among the worker's inputs.
- Nothing learnable: hidden cases are drawn per submission from the course secret and the
  canonical code (comments, CRLF and layout do not count; everything the code can read does), and
  feedback on hidden cases shows no number from which an input or expected value can be recovered:
  no value, and no number the submission chose (an answer's dimensions, a list's length, how many
  entries are wrong and where), which it could encode an input in (leaky_shapes).
- Scoring rules a constant cannot pass: gated properties, chance-corrected classification, and a
  realistic-size case for every function that returns gradients over a sequence (part 1's
  rnn_backward; part 2's lstm_backward, gru_backward, rnn_backward_truncated), which gates all its
  points and which numerical differentiation cannot meet; a substituted forward answers only the
  case's own inputs, once (issue 19). Honest plain-loop BPTT keeps full marks.

The realistic-size budget is the real one (20 s of CPU time) in the default setting; in the other
settings CI runs this file in (RNN_AUTOGRADER_SANDBOX or RNN_ATTACK_CONTAINER set) the attacks are
graded with a reduced one (REDUCED_BUDGET), to keep CI short; honest code is always graded with the real one.

The attack submissions live in tests/attacks/ (see harness.py) and are graded with the real
command line; CI runs this file in every sandbox setting, as the attack suite.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from attacks import harness

from autograder.assignments.rnn_bptt.reference import ref
from autograder.engine.cases import submission_draw
from autograder.engine.secret import load_secret
from autograder.intake.canonical import canonicalise
from autograder.intake.submission import stage
from autograder.pipeline.grade import build_cases

ROOT = Path(__file__).resolve().parents[1]
BUGGY = ROOT / "reference" / "rnn_bptt" / "samples" / "buggy"
GRADED = [f"{m}.py" for m in ("activations", "rnn", "jacobian", "clipping")]     # what grade canonicalises first

# attack -> the functions it attacks (each must score 0; every other function full marks)
ATTACKED = {
    "answers_in_memory": {"sigmoid", "hidden_jacobian", "gradient_bound"},
    "answers_in_plan": {"rnn_forward"},
    "constants": {"jacobian_through_time", "gradient_bound", "classify_gradient_regime", "clip_grad_norm"},
    "leaky_messages": {"sigmoid", "sigmoid_derivative", "tanh_derivative"},
    "leaky_shapes": {"sigmoid", "sigmoid_derivative", "tanh_derivative", "rnn_backward"},
}
NUMERICAL = "numerical_backward"
# part 2 (tests/attacks/gated_*): attack -> (functions that must earn nothing, functions that keep full marks)
GATED_NUMERICAL = {
    "gated_numerical": ({"lstm_backward", "gru_backward", "rnn_backward_truncated"},
                        {"lstm_forward", "gru_forward", "lstm_state_jacobian"}),    # one-step Jacobian: see README
    "gated_zero_forwards": ({"lstm_forward", "gru_forward", "lstm_backward", "gru_backward"},
                            {"lstm_state_jacobian", "rnn_backward_truncated"}),
}
# numerical differentiation on small inputs, zeros at the realistic size: attack -> (nothing, full marks)
SIZE_AWARE = {
    "numerical_size_aware": ({"rnn_backward"}, None),
    "gated_numerical_size_aware": ({"gru_backward"}, None),
}
# work done in a child process the worker never waits for (outside the call's CPU count)
# (fork_offload) or in other calls' budgets: with the realistic-size case's inputs found ahead of its call
# (lend_cpu), or after it, its answer rewritten in a later realistic-size call (gated_late_rewrite)
OFFLOADED = {"fork_offload": {"rnn_backward"}, "lend_cpu": {"rnn_backward"}, "gated_late_rewrite": {"lstm_backward"}}
HONEST_LOOPS = {"loops": ROOT / "tests" / "correct_variants" / "loops",
                "gated_loops": ROOT / "tests" / "gated_rnn" / "correct_variants" / "loops"}
REDUCED_BUDGET = "3"
EXAMPLE_INPUTS = {-2.0, -0.5, 0.0, 0.5, 2.0, -800.0, 800.0}     # the activations' worked examples (public)


def attack_env() -> dict[str, str]:
    """The realistic-size budget for the attacks: the real one in the default setting, else reduced."""
    other_setting = os.environ.get("RNN_AUTOGRADER_SANDBOX") or os.environ.get(harness.CONTAINER_ENV) == "1"
    return {"RNN_AUTOGRADER_REALISTIC_CPU": REDUCED_BUDGET} if other_setting else {}


def honest(name: str, workdir: Path) -> tuple[Path, Path]:
    """A submission of the plain-loop variant NAME (HONEST_LOOPS), laid out like an attack's."""
    sub, results = workdir / name / "submission", workdir / name / "results" / "results.json"
    shutil.copytree(HONEST_LOOPS[name], sub)
    results.parent.mkdir(parents=True)
    return sub, results


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("integrity")
    os.chmod(workdir, 0o755)
    names = [NUMERICAL, *GATED_NUMERICAL, *SIZE_AWARE, *OFFLOADED, *ATTACKED]
    jobs = {name: harness.build(name, workdir) for name in names}
    jobs.update({name: honest(name, workdir) for name in HONEST_LOOPS})
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(harness.grade, name, *jobs[name],
                                     extra_env=None if name in HONEST_LOOPS else attack_env()) for name in jobs}
        out = {name: f.result() for name, f in futures.items()}
    yield {"graded": out, "submissions": {name: jobs[name][0] for name in jobs}}
    harness.cleanup(workdir)


@pytest.mark.parametrize("attack", list(ATTACKED))
def test_attacks_that_compute_nothing_earn_nothing(graded, attack):
    g = graded["graded"][attack]
    harness.check_results_file(g)
    scores = g.by_function()
    leaked = {fn: s for fn, s in scores.items() if fn in ATTACKED[attack] and s[0] > 0}
    harmed = {fn: s for fn, s in scores.items() if fn not in ATTACKED[attack] and s[0] < s[1]}
    assert not leaked, f"{attack}: points for no work: {leaked}\n{g.stderr}"
    assert not harmed, f"{attack}: functions it did not attack lost points: {harmed}\n{g.stderr}"


def test_numerical_differentiation_of_ones_own_forward_earns_none_of_the_backwards_points(graded):
    """Part 1: complex-step rnn_backward over a correct forward: all of rnn_backward's points are lost
    (not only the realistic-size case's), and every test of it says why; nothing else is touched."""
    g = graded["graded"][NUMERICAL]
    tests = harness.check_results_file(g)["tests"]
    backward = [t for t in tests if t["name"].startswith("rnn_backward:")]
    assert backward and all(t["score"] == 0 for t in backward), [(t["name"], t["score"]) for t in backward]
    for t in backward:
        assert "No credit for rnn_backward: on the realistic-size case" in t["output"], t["output"]
        assert "went past its time limit" in t["output"] and "numerical differentiation" in t["output"]
    others = [t for t in tests if not t["name"].startswith("rnn_backward:")]
    assert all(t["score"] == t["max_score"] for t in others), [t["name"] for t in others if t["score"] < t["max_score"]]


@pytest.mark.parametrize("attack", list(GATED_NUMERICAL))
def test_part_2_numerical_differentiation_earns_none_of_the_backwards_points(graded, attack):
    """Part 2: one generic central-difference routine over correct forwards (gated_numerical), and
    zero forwards whose backwards differentiate whatever forward the module holds, the grader's
    substituted one included (gated_zero_forwards): no backward pass earns a point."""
    g = graded["graded"][attack]
    harness.check_results_file(g)
    nothing, full = GATED_NUMERICAL[attack]
    scores = g.by_function()
    assert {fn: s for fn, s in scores.items() if fn in nothing and s[0] > 0} == {}, g.stderr
    assert {fn: s for fn, s in scores.items() if fn in full and s[0] < s[1]} == {}, g.stderr
    for t in g.results["tests"]:
        fn = t["name"].split(":")[0]
        if fn in nothing and fn.endswith(("_backward", "_truncated")):
            assert "No credit for" in t["output"] and "realistic-size case" in t["output"], t["output"]


@pytest.mark.parametrize("attack", list(SIZE_AWARE))
def test_numerical_differentiation_that_answers_anything_at_the_realistic_size_earns_nothing(graded, attack):
    """A backward that differentiates numerically on the small cases and returns zeros, in time, at
    the realistic size: every test of it is gated by the outputs it judges being right there too."""
    g = graded["graded"][attack]
    harness.check_results_file(g)
    nothing, _ = SIZE_AWARE[attack]
    scores = g.by_function()
    assert {fn: s for fn, s in scores.items() if fn in nothing and s[0] > 0} == {}, scores
    assert {fn: s for fn, s in scores.items() if fn not in nothing and s[0] < s[1]} == {}, scores
    for t in g.results["tests"]:
        if t["name"].split(":")[0] in nothing and "realistic size" not in t["name"] and t["max_score"] > 0:
            assert "on the realistic-size case" in t["output"], t["output"]


@pytest.mark.parametrize("attack", list(OFFLOADED))
def test_the_realistic_size_cases_work_cannot_be_done_outside_its_budget(graded, attack):
    """Student code cannot start a process or a thread (the worker's seccomp filter): a child that is
    never waited for would work outside the call's CPU count; no other call can see the
    realistic-size case's inputs (they reach the worker when its step starts), so none can do its
    work ahead; and its answer is read when its step ends, so none can improve it later."""
    g = graded["graded"][attack]
    harness.check_results_file(g)
    scores = g.by_function()
    assert {fn: s for fn, s in scores.items() if fn in OFFLOADED[attack] and s[0] > 0} == {}, scores
    assert {fn: s for fn, s in scores.items() if fn not in OFFLOADED[attack] and s[0] < s[1]} == {}, scores


@pytest.mark.parametrize("name", list(HONEST_LOOPS))
def test_plain_loop_bptt_keeps_full_marks_with_the_real_budget(graded, name):
    """The slowest honest form (loops over samples and time, outer products by hand) passes every test."""
    data = harness.check_results_file(graded["graded"][name])
    assert data["score"] == 100, [(t["name"], t["output"][:300]) for t in data["tests"] if t["score"] < t["max_score"]]


def test_free_text_channels_carry_no_hidden_input(graded):
    """Exception messages, warnings, class names and returned strings of hidden cases are never shown;
    the worked examples (public inputs) may show theirs."""
    data = harness.check_results_file(graded["graded"]["leaky_messages"])
    text = data["output"] + "\n".join(t["output"] for t in data["tests"])
    leaked = re.findall(r"LEAK([-0-9.e,mdc]*)", text)
    assert leaked, "the worked examples should show their own (public) inputs in full"
    for chunk in leaked:
        for token in chunk.replace("m", "-").replace("d", ".").replace("c", ",").split(","):
            if token:
                assert float(token) in EXAMPLE_INPUTS, f"a hidden input leaked: {chunk}"


def encoded(values) -> set[int]:
    """The integers tests/attacks/leaky_shapes encodes input values as (6 decimals, 4 to 8 digits)."""
    return {int(round(abs(float(v)) * 1e6)) % 10**7 + 1000 for v in values}


def test_numbers_the_submission_chooses_carry_no_hidden_input(graded):
    """leaky_shapes encodes hidden inputs (the realistic-size case's too) in its answers' dimensions,
    an unreadably large array's shape, a list's length and the count and place of wrong and non-finite
    entries: on hidden cases the feedback names dimensions by the case's sizes ("another size"), says
    counts as buckets and shows none of the integers; the worked examples (public inputs) show theirs."""
    data = harness.check_results_file(graded["graded"]["leaky_shapes"])
    values = hidden_values(graded["submissions"]["leaky_shapes"])
    codes = encoded(values[np.abs(values) > 1e-3])          # (not 1000, as in "|x| up to 1000")
    integers = re.compile(r"(?<![\d.])\d{4,}(?![\d.])")
    hidden = "\n".join(t["output"].split("Worked example (visible")[0] for t in data["tests"])
    visible = "\n".join(t["output"].split("Worked example (visible", 1)[1] for t in data["tests"]
                        if "Worked example (visible" in t["output"])
    leaked = {int(n) for n in integers.findall(hidden)} & codes
    assert not leaked, f"hidden inputs shown as encoded integers: {sorted(leaked)[:10]}"
    assert {int(n) for n in integers.findall(visible)} & encoded(EXAMPLE_INPUTS), "the attack should work on examples"
    for channel in ("another size", "far larger than any expected answer", "a list of more than 5 items",
                    "on the realistic-size case", "non-finite values (nan) in", "has wrong values in"):
        assert channel in hidden, f"the attack did not reach: {channel}"
    assert not re.search(r"\d+ of \d+ entries|non-finite entries|the first is|index [1-9]", hidden), hidden


def hidden_values(submission: Path) -> np.ndarray:
    """Every input entry and every reference answer entry of SUBMISSION's hidden cases."""
    staged = stage(submission)
    try:
        digest = canonicalise(staged.dir, GRADED).digest
    finally:
        staged.cleanup()
    cases = build_cases(submission_draw(load_secret().key, digest))
    values: list[np.ndarray] = []

    def collect(obj):
        if isinstance(obj, dict):
            for v in obj.values():
                collect(v)
        elif isinstance(obj, (tuple, list)):
            for v in obj:
                collect(v)
        elif isinstance(obj, (np.ndarray, float)):
            values.append(np.ravel(np.asarray(obj, dtype=np.float64)))

    from autograder.engine.checks import all_probes
    probes = all_probes()
    for pid, cs in cases.items():
        for case in cs:
            collect(case.args)
            if probes[pid].last:
                continue
            try:
                collect(getattr(ref(), probes[pid].function)(*case.args, **case.kwargs))
            except Exception:  # noqa: BLE001 - e.g. clip_grad_norm's ValueError
                pass
    return np.concatenate(values)


NUMBER = re.compile(r"-?\d+\.\d{4,}(?:e[+-]?\d+)?|-?\d\.\d{4,}")


def numbers_in(text: str) -> list[float]:
    """Numbers printed with five or more significant digits (how expected values used to be shown)."""
    return [float(t) for t in NUMBER.findall(text)]


@pytest.mark.parametrize("name", ["buggy", *ATTACKED])
def test_feedback_on_hidden_cases_shows_no_input_or_expected_value(graded, name, tmp_path):
    if name == "buggy":
        from autograder.outputs.results import to_gradescope
        from autograder.pipeline.grade import grade_submission
        data, submission = to_gradescope(grade_submission(BUGGY)), BUGGY
    else:
        data, submission = harness.check_results_file(graded["graded"][name]), graded["submissions"][name]
    values = hidden_values(submission)
    values = values[np.abs(values) > 1e-3]
    for test in data["tests"]:
        hidden_part = test["output"].split("Worked example (visible")[0]
        for number in numbers_in(hidden_part):
            close = np.abs(values - number) <= 1e-5 * abs(number)
            assert not close.any(), f"{name}: {test['name']} shows {number}, a hidden value:\n{test['output']}"


# ---- canonical code and per-submission cases ---------------------------------------------------
PLAIN = "import numpy as np\n\n\ndef tanh_derivative(x):\n    return 1.0 - np.tanh(x) ** 2\n"
COMMENTED = ("# my solution\r\nimport numpy as np   # numpy\r\n\r\n\r\n\r\ndef tanh_derivative(x):\r\n"
             "    # 1 - tanh^2\r\n    return 1.0 - np.tanh(x)**2\r\n")
CHANGED = "import numpy as np\n\n\ndef tanh_derivative(x):\n    return 1.0 - np.tanh(x) ** 2 + 0.0\n"


def digest_of(tmp_path: Path, name: str, text: str) -> bytes:
    sub = tmp_path / name
    sub.mkdir()
    (sub / "activations.py").write_bytes(text.encode())
    staged = stage(sub)
    try:
        return canonicalise(staged.dir, GRADED).digest
    finally:
        staged.cleanup()


def test_comments_line_ends_and_layout_do_not_change_the_cases_but_code_does(tmp_path):
    plain, commented = digest_of(tmp_path, "a", PLAIN), digest_of(tmp_path, "b", COMMENTED)
    assert plain == commented
    assert digest_of(tmp_path, "c", CHANGED) != plain


def test_the_worker_runs_the_canonical_code_without_comments(tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "activations.py").write_text("# TABLE = {1: 2}\nimport numpy as np\n\n\n"
                                        "def sigmoid(x):  # a comment the code could read back\n"
                                        "    return 1 / (1 + np.exp(-x))\n")
    staged = stage(sub)
    try:
        canonicalise(staged.dir, GRADED)
        staged_text = (staged.dir / "activations.py").read_text()
    finally:
        staged.cleanup()
    assert "#" not in staged_text and "TABLE" not in staged_text
    assert "def sigmoid(x):" in staged_text


def test_hidden_cases_differ_per_submission_with_the_same_mix_of_shapes():
    a, b = build_cases(submission_draw(b"k" * 32, b"one")), build_cases(submission_draw(b"k" * 32, b"two"))
    again = build_cases(submission_draw(b"k" * 32, b"one"))
    other_secret = build_cases(submission_draw(b"j" * 32, b"one"))
    for pid in a:
        assert [c.label for c in a[pid]] == [c.label for c in b[pid]], pid      # stratified: same shapes
        for x, y, z, w in zip(a[pid], b[pid], again[pid], other_secret[pid]):
            arrays = [(p, q, r, s) for p, q, r, s in zip(x.args, y.args, z.args, w.args) if isinstance(p, np.ndarray)]
            for p, _, r, _ in arrays:
                assert np.array_equal(p, r), pid                                 # a regrade: the same cases
            if any(p.size > 1 for p, *_ in arrays):
                assert any(not np.array_equal(p, q) for p, q, _, _ in arrays), pid   # another submission
                assert any(not np.array_equal(p, s) for p, _, _, s in arrays), pid   # another course


def test_no_probe_carries_another_probes_answer():
    """rnn_backward's cases carry the reference's forward states: for rnn_forward's own inputs, none."""
    cases = build_cases(submission_draw(b"k" * 32, b"code"))
    states = [c.args[4] for c in cases["rnn_backward.cases"] + cases["rnn_backward.finite_differences"]]
    for case in cases["rnn_forward.cases"]:
        h, _ = ref().rnn_forward(*case.args)
        assert not any(s.shape == h.shape and np.allclose(s, h) for s in states)


def test_exception_places_point_at_the_students_own_lines(tmp_path):
    sub = tmp_path / "sub"
    shutil.copytree(ROOT / "reference" / "rnn_bptt" / "solution", sub)
    (sub / "activations.py").write_text(
        (ROOT / "reference" / "rnn_bptt" / "solution" / "activations.py").read_text()
        + "\n\n# a comment\n\n\ndef tanh_derivative(x):\n    # another comment\n\n"
          "    raise ValueError('no: ' + repr(x))\n")
    line = (sub / "activations.py").read_text().splitlines().index("    raise ValueError('no: ' + repr(x))") + 1
    from autograder.outputs.results import to_gradescope
    from autograder.pipeline.grade import grade_submission
    data = to_gradescope(grade_submission(sub))
    out = next(t["output"] for t in data["tests"] if t["name"].startswith("tanh_derivative: values"))
    assert f"activations.py line {line}, in tanh_derivative" in out, out
    assert "raise ValueError('no: ' + repr(x))" in out
    hidden = out.split("Worked example (visible")[0]
    assert "no: array" not in hidden, "a hidden case's exception message was shown"


def test_an_adaptive_attacker_learns_nothing_in_ten_submissions(tmp_path):
    """Each round, gradient_bound answers from a table of every number the feedback showed so far
    (cycling through them, and trying each on every call): it never earns a point, and no round's
    hidden cases repeat an earlier round's."""
    from autograder.outputs.results import to_gradescope
    from autograder.pipeline.grade import grade_submission
    table: list[float] = [1.0]
    seen_inputs: list[bytes] = []
    for round_ in range(10):
        sub = tmp_path / f"round{round_}"
        shutil.copytree(ROOT / "reference" / "rnn_bptt" / "solution", sub)
        (sub / "jacobian.py").write_text(
            (ROOT / "reference" / "rnn_bptt" / "solution" / "jacobian.py").read_text()
            + f"\n\nROUND = {round_}\nTABLE = {table!r}\n_calls = [0]\n\n"
              "def gradient_bound(W_hh, steps, activation='tanh'):\n"
              "    _calls[0] += 1\n"
              "    return TABLE[_calls[0] % len(TABLE)]\n")
        data = to_gradescope(grade_submission(sub))
        ours = [t for t in data["tests"] if t["name"].startswith("gradient_bound:")]
        assert sum(t["score"] for t in ours) == 0, (round_, [(t["name"], t["score"]) for t in ours])
        for t in ours:
            table += [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?", t["output"])]
        table = sorted(set(table))[:5000]
        staged = stage(sub)
        try:
            digest = canonicalise(staged.dir, GRADED).digest
        finally:
            staged.cleanup()
        cases = build_cases(submission_draw(load_secret().key, digest))["gradient_bound.values"]
        now = [c.args[0].tobytes() for c in cases]
        assert not set(now) & set(seen_inputs), f"round {round_} repeats hidden inputs of an earlier round"
        seen_inputs += now


# ---- padding cannot push the graded files out of the digest ---------------------------------------
STUBS = ROOT / "assignments" / "rnn_bptt"
SOLUTION = ROOT / "reference" / "rnn_bptt" / "solution"


def padded(tmp_path: Path, name: str, source: Path, helpers: int) -> Path:
    """SOURCE's four modules beside HELPERS one-line helper files whose names sort before them."""
    sub = tmp_path / name
    sub.mkdir()
    for f in GRADED:
        shutil.copyfile(source / f, sub / f)
    for i in range(helpers):
        (sub / f"a{i:03d}.py").write_text("x = 1\n")
    return sub


def staged_digest(submission: Path) -> tuple[bytes, int]:
    """(the digest grade seeds cases with, how many files were staged)."""
    staged = stage(submission)
    try:
        return canonicalise(staged.dir, GRADED).digest, sum(1 for p in staged.dir.rglob("*") if p.is_file())
    finally:
        staged.cleanup()


def test_a_padded_upload_under_the_cap_still_gets_cases_of_its_own(tmp_path):
    """396 helper files sorting before the graded ones (400 staged files, the cap): the stubs and
    the reference still get different cases, and neither gets the cases of its unpadded self."""
    from autograder.intake.submission import MAX_STAGED_FILES

    digests = {}
    for name, source, helpers in (("stubs", STUBS, 0), ("ref", SOLUTION, 0),
                                  ("stubs_padded", STUBS, MAX_STAGED_FILES - 4),
                                  ("ref_padded", SOLUTION, MAX_STAGED_FILES - 4)):
        digests[name], count = staged_digest(padded(tmp_path, name, source, helpers))
        assert count == 4 + helpers, name                      # under the cap: all staged
    assert len(set(digests.values())) == 4, digests
    key = load_secret().key
    cases = {name: build_cases(submission_draw(key, d))["rnn_backward.cases"] for name, d in digests.items()}
    for a, b in (("stubs_padded", "ref_padded"), ("stubs", "stubs_padded"), ("ref", "ref_padded")):
        assert any(not np.array_equal(x, y) for ca, cb in zip(cases[a], cases[b]) for x, y in zip(ca.args, cb.args)
                   if isinstance(x, np.ndarray)), (a, b)


def test_the_digest_covers_every_staged_file_and_canonicalises_the_graded_ones_first(tmp_path):
    """Past any number of files that sort first: a graded file (and a late helper) still counts and
    is still canonicalised; a file that is not Python counts byte for byte."""
    def build(name: str, rnn_extra: str = "", late: str = "y = 1\n", data: bytes = b"1") -> tuple[bytes, Path]:
        folder = tmp_path / name
        folder.mkdir()
        for i in range(450):
            (folder / f"a{i:03d}.py").write_text("x = 1\n")
        (folder / "rnn.py").write_text("# secret table 1 2 3\ndef f():\n    return 1\n" + rnn_extra)
        (folder / "zz_late.py").write_text(late)
        (folder / "zz.dat").write_bytes(data)
        return canonicalise(folder, ["rnn.py"]).digest, folder

    base, folder = build("base")
    assert "#" not in (folder / "rnn.py").read_text()           # canonicalised, though it sorts last
    assert build("comment", "# another comment\n")[0] == base   # comments still do not count
    assert build("code", "g = 2\n")[0] != base
    assert build("late", late="y = 2\n")[0] != base
    assert build("data", data=b"2")[0] != base


def test_an_upload_over_the_staging_cap_is_refused_with_a_valid_results_file(tmp_path):
    from autograder.intake.submission import MAX_STAGED_FILES
    from autograder.platforms.cli import main

    sub = padded(tmp_path, "over", SOLUTION, MAX_STAGED_FILES - 3)
    staged = stage(sub)
    try:
        assert not staged.found and not any(staged.dir.iterdir())     # nothing staged, nothing in part
    finally:
        staged.cleanup()
    out = tmp_path / "results.json"
    assert main(["grade", str(sub), "--results", str(out), "--quiet"]) == 0
    data = json.loads(out.read_text())
    assert data["score"] == 0 and len(data["tests"]) > 10
    message = f"holds {MAX_STAGED_FILES + 1} Python files"
    assert data["output"].count(message) == 1, data["output"]
    assert f"at most {MAX_STAGED_FILES} files" in data["output"] and "a000.py" in data["output"]
    assert all(message in t["output"] for t in data["tests"])


def test_an_upload_over_the_staged_bytes_is_refused_before_its_helpers_are_read(tmp_path, monkeypatch):
    from autograder.intake import submission

    sub = padded(tmp_path, "big", SOLUTION, 3)
    (sub / "weights.py").write_text("W = [" + "0.0, " * 2000 + "]\n")
    monkeypatch.setattr(submission, "MAX_STAGED_BYTES", 8000 + sum((SOLUTION / f).stat().st_size for f in GRADED))
    read = []
    real_read = submission._read
    monkeypatch.setattr(submission, "_read", lambda p: read.append(Path(p).name) or real_read(p))
    staged = stage(sub)
    try:
        assert not staged.found and "MB of Python files" in staged.notes[0] and "weights.py" in staged.notes[0]
        assert "weights.py" not in read
    finally:
        staged.cleanup()


def test_these_tests_compute_the_digest_grade_seeds_its_cases_with(tmp_path):
    """hidden_values and the tests above would check the wrong cases if their digest were not grade's."""
    from autograder.pipeline.grade import grade_submission

    sub = padded(tmp_path, "sub", SOLUTION, 3)
    digest, _ = staged_digest(sub)
    assert f"code digest {digest.hex()[:16]} " in grade_submission(sub).log[0]


# ---- a student's upload never decides whose grade is written ---------------------------------------
FORGED = """submission_1:
  :submitters:
  - :name: A Friend
    :sid: '999'
    :email: friend@example.edu
submission_2:
  :submitters:
  - :name: Bob Brown
    :sid: '2'
    :email: bob@example.edu
"""


def forged_export(folder: Path) -> Path:
    """A student's upload dressed as a Gradescope export: the reference as 'a friend', nothing as Bob."""
    for f in GRADED:
        (folder / "submission_1").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SOLUTION / f, folder / "submission_1" / f)
    (folder / "submission_2").mkdir()
    (folder / "submission_metadata.yml").write_text(FORGED)
    return folder


def test_a_forged_export_in_a_class_folder_or_a_late_zip_changes_no_other_students_row(tmp_path):
    import csv
    import io

    from autograder.outputs.progress import Progress
    from autograder.platforms.batch import run_batch

    cls = tmp_path / "class"
    for name, source in (("alice", SOLUTION), ("bob", STUBS)):
        (cls / name).mkdir(parents=True)
        for f in GRADED:
            shutil.copyfile(source / f, cls / name / f)
    forged_export(cls / "mallory")
    late = forged_export(tmp_path / "late_mallory")
    (tmp_path / "late").mkdir()
    zipped = Path(shutil.make_archive(str(tmp_path / "late" / "mallory"), "zip", late))
    log = io.StringIO()
    result = run_batch([cls, zipped], tmp_path / "out", jobs=2, progress=Progress(log))
    rows = list(csv.DictReader((tmp_path / "out" / "grades.csv").open()))
    assert [(r["submission"], r["name"], r["email"], r["sid"], r["score"]) for r in rows] == [
        ("alice", "", "", "", "100"), ("bob", "", "", "", "0"),
        ("class__mallory", "", "", "", "100"), ("late__mallory", "", "", "", "100")]   # graded as her own
    assert "Friend" not in (tmp_path / "out" / "grades.csv").read_text()
    assert [i.summary() for i in result.inputs] == [f"{cls} (class folder): 3 submissions",
                                                    f"{zipped} (submission): 1 submission"]
    warned = [w for w in result.warnings if "submission_metadata.yml is ignored" in w]
    assert len(warned) == 2 and str(cls / "mallory") in warned[0] and str(zipped) in warned[1], result.warnings
    assert "warning: " in log.getvalue()


def test_a_folder_that_looks_like_an_nbgrader_course_is_no_course_unless_named_one(tmp_path):
    from autograder.intake.batch_inputs import collect

    cls = tmp_path / "class"
    for name in ("alice", "bob"):
        (cls / name).mkdir(parents=True)
        shutil.copyfile(SOLUTION / "rnn.py", cls / name / "rnn.py")
    (cls / "submitted" / "victim" / "rnn_bptt").mkdir(parents=True)          # a student's folder named submitted
    shutil.copyfile(STUBS / "rnn.py", cls / "submitted" / "victim" / "rnn_bptt" / "rnn.py")
    found = collect([cls], tmp_path / "scratch")
    assert [s.id for s in found.submissions] == ["alice", "bob", "submitted"]
    assert all(s.people == () for s in found.submissions)                   # no sid from a folder's name
    assert any("--nbgrader" in w for w in found.warnings)
    course = collect([], tmp_path / "scratch2", courses=[cls])                # the instructor names the course
    assert [(s.id, s.people[0].sid) for s in course.submissions] == [("victim", "victim")]
