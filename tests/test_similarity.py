"""The similarity check (autograder/outputs/similarity/): disguised copies found, independent work not,
starter code never counted, hostile code bounded, fingerprints reused, outputs escaped."""
from __future__ import annotations

import ast
import csv
import io
import json
from pathlib import Path

import pytest
import similarity_bank as bank

from autograder.assignment import load
from autograder.intake.batch_inputs import Submission, collect
from autograder.outputs.similarity import store
from autograder.outputs.similarity.index import THRESHOLD, Entry, compare
from autograder.outputs.similarity.intake import read_code
from autograder.outputs.similarity.run import Options, fingerprint_code, run_similarity
from autograder.outputs.similarity.starter import starter_hashes
from autograder.platforms.cli import main

ASSIGNMENTS = list(bank.SOURCES)
_STARTER: dict[str, set[int]] = {}


def starter(assignment: str) -> set[int]:
    if assignment not in _STARTER:
        _STARTER[assignment] = starter_hashes(load(assignment))
    return _STARTER[assignment]


def entry(eid: str, files: dict[str, str], folder: Path, assignment: str) -> Entry:
    """EID's fingerprints, its FILES written to a folder and staged as grading stages them."""
    a = load(assignment)
    code = read_code(bank.write(files, folder / eid.replace(":", "_")), a)
    assert code, f"{eid}: nothing was staged"
    return Entry(eid, sorted(code), fingerprint_code(code, a))


@pytest.fixture(scope="module")
def originals(tmp_path_factory) -> dict[str, dict[str, Entry]]:
    tmp = tmp_path_factory.mktemp("originals")
    out = {}
    for assignment, sources in bank.SOURCES.items():
        out[assignment] = {name: entry(name, bank.read(folder), tmp / assignment, assignment)
                           for name, folder in sources.items()}
        out[assignment]["stubs"] = entry("stubs", bank.read(bank.STUBS[assignment]), tmp / assignment, assignment)
    return out


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
@pytest.mark.parametrize("disguise", list(bank.DISGUISES))
def test_every_disguised_copy_ranks_above_every_independent_pair(assignment, disguise, originals, tmp_path):
    """A class of the independent solutions, the stubs, and a disguised copy of each solution:
    each (solution, its copy) pair is above the threshold and above every other pair."""
    own = originals[assignment]
    copies = []
    for name, folder in bank.SOURCES[assignment].items():
        files = bank.DISGUISES[disguise](bank.read(folder), assignment)
        for rel, text in files.items():
            if rel.endswith(".py"):
                ast.parse(text)          # the disguised copy is still Python
        copies.append(entry(f"{disguise}:{name}", files, tmp_path, assignment))
    comparison = compare([*own.values(), *copies], starter(assignment))
    score = {frozenset((p.a, p.b)): p.score for p in comparison.pairs}
    disguised = {name: score.get(frozenset((name, f"{disguise}:{name}")), 0.0) for name in bank.SOURCES[assignment]}
    others = [p for p in comparison.pairs if frozenset((p.a, p.b)) not in
              {frozenset((n, f"{disguise}:{n}")) for n in disguised}]
    worst_copy = min(disguised.values())
    best_other = max((p.score for p in others), default=0.0)
    assert worst_copy >= THRESHOLD, disguised
    assert worst_copy > best_other, (disguised, [(p.a, p.b, p.score) for p in others[:5]])
    assert not [p for p in comparison.pairs if "stubs" in (p.a, p.b)]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_independent_solutions_stay_below_the_threshold_and_the_stubs_pair_with_nothing(assignment, originals):
    comparison = compare(list(originals[assignment].values()), starter(assignment))
    assert all(p.score < THRESHOLD for p in comparison.pairs), [(p.a, p.b, p.score) for p in comparison.pairs]
    assert comparison.own["stubs"] == set()
    assert not [p for p in comparison.pairs if "stubs" in (p.a, p.b)]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_notebook_and_the_same_code_as_files_are_a_100_percent_pair(assignment, tmp_path):
    name = "reference"          # files that do not define one name twice (a notebook has one namespace)
    files = bank.read(bank.SOURCES[assignment][name])
    as_files = entry("files", files, tmp_path, assignment)
    as_notebook = entry("notebook", bank.notebook(files, assignment), tmp_path, assignment)
    assert as_notebook.files == as_files.files           # staged from the notebook as modules
    comparison = compare([as_files, as_notebook], starter(assignment))
    assert [(p.a, p.b, p.score) for p in comparison.pairs] == [("files", "notebook", 1.0)]


def _class(tmp_path: Path, assignment: str = "rnn_bptt") -> Path:
    """A class folder: the independent solutions, the stubs, and one disguised copy of some of them."""
    cls = tmp_path / "class"
    names = list(bank.SOURCES[assignment])
    for name, folder in bank.SOURCES[assignment].items():
        bank.write(bank.read(folder), cls / name)
    bank.write(bank.read(bank.STUBS[assignment]), cls / "stubs")
    bank.write(bank.everything(bank.read(bank.SOURCES[assignment][names[0]]), assignment), cls / "copy_everything")
    bank.write(bank.helper_module(bank.read(bank.SOURCES[assignment][names[1]]), assignment), cls / "copy_module")
    bank.write(bank.rename(bank.read(bank.SOURCES[assignment][names[0]]), assignment), cls / "copy_renamed")
    return cls


def _run(cls: Path, out: Path, assignment: str = "rnn_bptt", **options) -> object:
    found = collect([cls], out.parent / "scratch", assignment)
    return run_similarity(found.submissions, out, assignment, Options(**options))


def test_a_class_run_writes_the_csv_the_pages_and_the_summary(tmp_path):
    outcome = _run(_class(tmp_path), tmp_path / "out")
    out = tmp_path / "out"
    rows = list(csv.DictReader(io.StringIO((out / "similarity.csv").read_text(encoding="utf-8"))))
    above = {frozenset((r["submission"], r["other_submission"])) for r in rows if r["above_threshold"] == "yes"}
    names = list(bank.SOURCES["rnn_bptt"])
    assert above == {frozenset(p) for p in [(names[0], "copy_everything"), (names[0], "copy_renamed"),
                                            ("copy_everything", "copy_renamed"), (names[1], "copy_module"),
                                            ("reference", "reference/solution")]}
    summary = json.loads((out / "similarity/summary.json").read_text(encoding="utf-8"))
    assert summary["groups"] == [sorted([names[0], "copy_everything", "copy_renamed"])]
    assert [p["rank"] for p in summary["pairs"]] == [1, 2, 3, 4, 5]
    for p in summary["pairs"]:
        page = (out / p["page"]).read_text(encoding="utf-8")
        assert 'class="ln m"' in page and "Content-Security-Policy" in page
    assert outcome.reused == 0 and (out / names[0] / store.FILE).is_file()
    text = (out / "similarity.html").read_text(encoding="utf-8")
    assert "look at" in text and "plagiari" not in text.lower()


def test_fingerprints_are_reused_and_a_damaged_store_is_computed_again(tmp_path):
    cls = _class(tmp_path)
    first = _run(cls, tmp_path / "out")
    first_csv = (tmp_path / "out" / "similarity.csv").read_bytes()
    (tmp_path / "out" / "loops" / store.FILE).write_text("{not json", encoding="utf-8")
    second = _run(cls, tmp_path / "out")
    assert second.reused == len(first.entries) - 2          # all but the damaged one and the reference
    assert [(p.a, p.b, p.score) for p in second.comparison.pairs] == \
           [(p.a, p.b, p.score) for p in first.comparison.pairs]
    assert (tmp_path / "out" / "similarity.csv").read_bytes() == first_csv
    assert json.loads((tmp_path / "out" / "loops" / store.FILE).read_text(encoding="utf-8"))["key"]["version"] \
        == store.VERSION


def test_archives_are_compared_with_the_class_never_with_each_other(tmp_path):
    loops = bank.read(bank.SOURCES["rnn_bptt"]["loops"])
    archive = tmp_path / "last_year"
    bank.write(loops, archive / "old1")
    bank.write(bank.reorder(loops, "rnn_bptt"), archive / "old2")
    cls = tmp_path / "class"
    bank.write(bank.rename(loops, "rnn_bptt"), cls / "now")
    bank.write(bank.read(bank.SOURCES["rnn_bptt"]["compact"]), cls / "other")
    outcome = _run(cls, tmp_path / "out", archives=[archive])
    above = {(p.a, p.b) for p in outcome.comparison.pairs if p.above(THRESHOLD)}
    assert above == {("now", "archive/last_year/old1"), ("now", "archive/last_year/old2")}
    assert outcome.archived == 2


def test_common_passages_do_not_count(tmp_path):
    """The same passage in more than --common submissions is discounted; with a higher limit it counts."""
    cls = tmp_path / "class"
    loops = bank.read(bank.SOURCES["rnn_bptt"]["loops"])
    for n in range(4):
        bank.write(bank.rename(loops, "rnn_bptt") if n % 2 else loops, cls / f"s{n}")
    strict = _run(cls, tmp_path / "out1", common=3)
    assert not strict.comparison.pairs
    loose = _run(cls, tmp_path / "out2", common=4)
    assert len([p for p in loose.comparison.pairs if p.score == 1.0]) == 6


def test_code_that_does_not_parse_is_compared_as_text_and_hostile_code_is_bounded(tmp_path):
    broken = bank.read(bank.SOURCES["rnn_bptt"]["loops"])
    broken["rnn.py"] = broken["rnn.py"].replace("def rnn_backward(", "def rnn_backward(:")   # a syntax error
    cls = tmp_path / "class"
    bank.write(broken, cls / "broken")
    renamed = {k: v.replace("prev", "before") for k, v in broken.items()}
    bank.write(renamed, cls / "broken_copy")
    deep = "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n"
    bank.write({"rnn.py": deep, "activations.py": "def sigmoid(x):\n    return " + "-" * 100000 + "x\n"},
               cls / "deep")
    bank.write(bank.read(bank.SOURCES["rnn_bptt"]["compact"]), cls / "other")
    outcome = _run(cls, tmp_path / "out")
    best = outcome.comparison.pairs[0]
    assert (best.a, best.b) == ("broken", "broken_copy") and best.score == 1.0
    assert "rnn.py" in outcome.files["deep"]
    assert not [p for p in outcome.comparison.pairs if "deep" in (p.a, p.b) and p.above(THRESHOLD)]


def test_pair_pages_escape_the_students_code_and_names(tmp_path):
    loops = bank.read(bank.SOURCES["rnn_bptt"]["loops"])
    loops["rnn.py"] += '\n\nNOTE = "</span></div><script>alert(1)</script><img src=x onerror=alert(2)>"  # <b>\n'
    loops["helper_<i>.py"] = "def helper():\n    return '<script>'\n"
    cls = tmp_path / "class"
    bank.write(loops, cls / "a")
    bank.write(bank.rename(loops, "rnn_bptt"), cls / "b")
    outcome = _run(cls, tmp_path / "out")
    assert outcome.comparison.pairs[0].above(THRESHOLD)
    out = tmp_path / "out"
    for page in [out / "similarity.html", *(out / "similarity").glob("pair-*.html")]:
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text and "<img" not in text and "<b>" not in text and "<i>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (out / "similarity" / "pair-001.html").read_text(encoding="utf-8")


def test_the_similarity_command_and_its_options(tmp_path, capsys):
    cls = _class(tmp_path)
    out = tmp_path / "out"
    assert main(["similarity", str(cls), "--output", str(out), "--threshold", "0.99", "--common", "10"]) == 0
    printed = capsys.readouterr().out
    assert "pairs at or above 99% to look at" in printed
    summary = json.loads((out / "similarity/summary.json").read_text(encoding="utf-8"))
    assert summary["threshold"] == 0.99 and all(p["score"] >= 0.99 for p in summary["pairs"])


def test_gated_rnn_class_with_the_reference_as_an_archive(tmp_path):
    cls = tmp_path / "class"
    for name, folder in bank.SOURCES["gated_rnn"].items():
        if name != "reference":
            bank.write(bank.read(folder), cls / name)
    bank.write(bank.everything(bank.read(bank.SOURCES["gated_rnn"]["reference"]), "gated_rnn"), cls / "copied_ref")
    outcome = _run(cls, tmp_path / "out", assignment="gated_rnn")
    above = [(p.a, p.b) for p in outcome.comparison.pairs if p.above(THRESHOLD)]
    assert above == [("copied_ref", "reference/solution")]


def test_ids_of_the_outputs_are_reserved():
    from autograder.intake.batch_inputs import distinct

    assert distinct(["similarity", "Similarity.csv", "similarity.html"]) == \
        ["similarity-2", "Similarity.csv-2", "similarity.html-2"]


def test_a_submission_with_no_code_is_reported_not_compared(tmp_path):
    empty = tmp_path / "class" / "empty"
    empty.mkdir(parents=True)
    (empty / "notes.txt").write_text("nothing here", encoding="utf-8")
    outcome = run_similarity([Submission("empty", empty)], tmp_path / "out", "rnn_bptt", Options())
    assert any("empty" in p for p in outcome.problems)
    assert not outcome.comparison.pairs


def test_batch_runs_the_check_and_the_class_report_shows_it(tmp_path):
    from autograder.outputs.progress import Progress
    from autograder.platforms.batch import run_batch

    cls = tmp_path / "class"
    loops = bank.read(bank.SOURCES["rnn_bptt"]["loops"])
    bank.write(loops, cls / "ann")
    bank.write(bank.everything(loops, "rnn_bptt"), cls / "bob")
    bank.write(bank.read(bank.SOURCES["rnn_bptt"]["compact"]), cls / "cat")
    log = io.StringIO()
    result = run_batch([cls], tmp_path / "out", jobs=1, progress=Progress(log))
    assert result.failures == 0, result.problems
    out = tmp_path / "out"
    rows = list(csv.DictReader(io.StringIO((out / "similarity.csv").read_text(encoding="utf-8"))))
    assert [(r["submission"], r["other_submission"]) for r in rows if r["above_threshold"] == "yes"] == [("ann", "bob")]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Code similarity: pairs to look at" in report and 'href="similarity/pair-001.html"' in report
    summary = json.loads((out / "similarity/summary.json").read_text(encoding="utf-8"))
    assert summary["pairs"][0]["grades"] == ["100/100", "100/100"]
    assert "similarity:" in log.getvalue()
    assert main(["report", str(out), "--format", "md", "--output", str(tmp_path / "report.md")]) == 0
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## Code similarity: pairs to look at" in md and "| 1 | ann | bob |" in md
    stored = {p: p.stat().st_mtime_ns for p in out.glob(f"*/{store.FILE}")}
    assert len(stored) == 3
    again = run_batch([cls], out, jobs=1, progress=Progress(io.StringIO()))       # resumed: nothing to grade
    assert again.skipped == 3 and {p: p.stat().st_mtime_ns for p in stored} == stored   # fingerprints reused
    assert (out / "similarity.csv").read_text(encoding="utf-8").count("\n") == len(rows) + 1
    skipped = run_batch([cls], out, jobs=1, progress=Progress(io.StringIO()), similarity=False)
    assert skipped.skipped == 3


def test_inlining_cannot_blow_up_the_work():
    """Helpers that call helpers 40 times each, 4 deep: 40^4 copies if inlined naively."""
    from autograder.outputs.similarity.tokens import MAX_TOKENS, units

    code = "def h0(x):\n    return x + 1\n"
    for level in range(1, 5):
        code += f"def h{level}(x):\n" + "".join(f"    x = h{level - 1}(x)\n" for _ in range(40)) + "    return x\n"
    code += "def sigmoid(x):\n    return h4(x)\n"
    found = units({"activations.py": code, "junk.py": "(" * 100 + " not python"}, frozenset({"sigmoid"}))
    assert 0 < sum(len(u.tokens) for u in found) <= MAX_TOKENS


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_starter_code_pasted_into_two_solutions_does_not_pair_them(assignment, tmp_path):
    """The notebook's setup cell (the self-check's helpers and tests) and the public helpers, pasted
    into two independent solutions, add nothing to their score."""
    from autograder.outputs.similarity.starter import starter_sources

    given = "\n\n".join(text for name, text in sorted(starter_sources(load(assignment)).items())
                         if name.startswith(("notebook/cell2.", "helpers/")))
    names = list(bank.SOURCES[assignment])[:2]
    plain = [entry(n, bank.read(bank.SOURCES[assignment][n]), tmp_path / "plain", assignment) for n in names]
    padded = []
    for n in names:
        files = bank.read(bank.SOURCES[assignment][n])
        files["given.py"] = given
        first = sorted(f for f in files if f != "given.py")[0]
        files[first] += "\n\nfrom given import *\n"
        padded.append(entry(n, files, tmp_path / "padded", assignment))
    before = compare(plain, starter(assignment)).pairs
    after = compare(padded, starter(assignment)).pairs
    # (part 2's public helpers are lstm_forward and gru_forward: pasted, one may stand in for the
    # student's own, which moves a score by a passage or two)
    assert [(p.a, p.b) for p in after] == [(p.a, p.b) for p in before]
    assert all(abs(x.score - y.score) <= 0.01 for x, y in zip(after, before))
    assert all(p.score < THRESHOLD for p in after)


def test_an_archive_option_never_takes_the_inputs_that_follow_it():
    """`--archive PATH` takes one path (repeat it for more): `batch --archive old class/` grades class/."""
    from autograder.platforms.cli import build_parser

    args = build_parser().parse_args(["batch", "--archive", "old", "class", "--archive", "older"])
    assert args.submissions == ["class"] and args.archive == ["old", "older"]
    args = build_parser().parse_args(["similarity", "--archive", "old", "now"])
    assert args.inputs == ["now"] and args.archive == ["old"]
