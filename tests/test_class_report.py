"""`autograder report`: the class report built from the results of `autograder batch`."""
from __future__ import annotations

import json
import shutil
import statistics
from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograder.diagnosis.registry import catalogue
from autograder.outputs.class_report import load_class, render_html, render_markdown
from autograder.outputs.escape import markdown_inline
from autograder.outputs.read_results import parse_results
from autograder.outputs.results import by_function
from autograder.pipeline.grade import grade_submission
from autograder.platforms.cli import main

ROOT = Path(__file__).resolve().parents[1]
VOID = {"meta", "br", "img", "hr", "input", "link", "rect"}  # rect: SVG's, written self-closed


class TagBalance(HTMLParser):
    """Fails on a closing tag that does not match the open one; .stack must end empty."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()


def assert_well_formed(text: str) -> None:
    assert text.startswith("<!DOCTYPE html>")
    parser = TagBalance()
    parser.feed(text)
    parser.close()
    assert parser.stack == [], f"unclosed: {parser.stack}"
    assert 'src="http' not in text and "<script" not in text  # self-contained, nothing to fetch or run


def mk_test(name: str, score: float, top: float, diagnosis=()) -> dict:
    t = {"name": name, "score": score, "max_score": top, "status": "passed" if score >= top else "failed"}
    if diagnosis:
        t["extra_data"] = {"diagnosis": list(diagnosis)}
    return t


def results(*tests: dict) -> dict:
    return {"score": sum(t["score"] for t in tests), "output": "", "tests": list(tests)}


def write(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


# -- a real class: three submissions graded once, plus two broken results files ---------------------

@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    cls = base / "class"
    for name, src in (("alice", "reference/rnn_bptt/solution"), ("bob", "reference/rnn_bptt/samples/buggy"),
                      ("carol", "assignments/rnn_bptt")):
        shutil.copytree(ROOT / src, cls / name, ignore=shutil.ignore_patterns("test_*", "*.md", "__pycache__"))
    out = base / "results"
    assert main(["batch", str(cls), "--output", str(out), "--jobs", "2"]) == 0
    graded = {name: grade_submission(cls / name) for name in ("alice", "bob", "carol")}
    bad_json = write(out / "dave" / "results.json", '{"score": 3, "tests": [')
    not_object = write(out / "erin" / "results.json", [1, 2])
    html_out, md_out = base / "report.html", base / "report.md"
    assert main(["report", str(out), "--output", str(html_out)]) == 0
    assert main(["report", str(out), "--format", "md", "--output", str(md_out)]) == 0
    return {"graded": graded, "out": out, "bad": (bad_json, not_object), "summary": load_class(out),
            "html": html_out.read_text(encoding="utf-8"), "md": md_out.read_text(encoding="utf-8")}


def test_class_figures_match_the_graded_reports(graded_class):
    summary, graded = graded_class["summary"], graded_class["graded"]
    assert set(graded) == {"alice", "bob", "carol"}
    assert summary.size == 3
    assert sorted(s.name for s in summary.students) == ["alice", "bob", "carol"]
    scores = [r.score for r in graded.values()]
    assert graded["alice"].score == 100 and graded["carol"].score == 0 and 0 < graded["bob"].score < 100
    st = summary.stats()
    assert st["mean"] == pytest.approx(statistics.fmean(scores))
    assert st["median"] == pytest.approx(statistics.median(scores))
    assert (st["min"], st["max"]) == (0, 100)
    assert sum(c for _, c in summary.histogram()) == 3
    assert summary.histogram()[0][1] == 1 and summary.histogram()[-1][1] == 1   # carol 0, alice 100
    for fn, mean in summary.function_means():
        shares = [s / t for r in graded.values() for name, s, t in by_function(r) if name == fn]
        assert mean == pytest.approx(100 * statistics.fmean(shares)), fn
    assert len(summary.function_means()) == 10
    counts = dict(summary.failed_tests(top=1000))
    assert all(n in (1, 2) for n in counts.values())  # alice fails nothing, carol everything
    assert len(counts) == len(graded["carol"].outcomes)


def test_misconceptions_of_the_buggy_sample_are_tabled_with_their_sentence(graded_class):
    bob = graded_class["graded"]["bob"]
    codes = {code for o in bob.outcomes for code, _ in o.diagnoses}
    assert codes, "the buggy sample should be diagnosed with at least one misconception"
    table = {code: (n, sentence) for code, n, sentence in graded_class["summary"].misconceptions()}
    assert set(table) == codes
    sentences = {e.code: e.sentence for e in reversed(catalogue())}
    for code in codes:
        assert table[code] == (1, sentences[code])
        assert code in graded_class["html"] and markdown_inline(code) in graded_class["md"]
    first = markdown_inline(sorted(codes)[0])
    assert "33%" in graded_class["md"].split(first, 1)[1].splitlines()[0]  # 1 student of 3


def test_reports_are_well_formed_and_name_the_skipped_files(graded_class):
    html_text, md = graded_class["html"], graded_class["md"]
    assert_well_formed(html_text)
    for text in (html_text, md):
        for bad in graded_class["bad"]:
            assert str(bad) in text
        for name in ("alice", "bob", "carol"):
            assert name in text
        assert "Misconceptions most often diagnosed" in text and "Tests most often failed" in text
    assert [s.path for s in graded_class["summary"].skipped] == list(graded_class["bad"])
    assert "not a JSON object" in graded_class["summary"].skipped[1].reason
    assert "<svg" in html_text or "data:image/png;base64," in html_text   # charts, whichever way drawn
    assert html_text.count("<h2>") == 6           # the five of the grades, and batch's similarity check
    assert "Code similarity: pairs to look at" in html_text and "alice" in html_text.split("Code similarity")[1]


# -- hand-made results: exact figures, edge cases ---------------------------------------------------

def test_exact_figures_from_hand_made_results(tmp_path):
    write(tmp_path / "a" / "results.json", results(mk_test("sigmoid: values", 4, 4), mk_test("rnn_backward: dx", 6, 6)))
    write(tmp_path / "b" / "results.json", results(mk_test("sigmoid: values", 0, 4, ["sigmoid_overflow"]),
                                                   mk_test("rnn_backward: dx", 3, 6, ["made_up_code"])))
    write(tmp_path / "sec" / "c" / "results.json", results(mk_test("sigmoid: values", 2, 4, ["sigmoid_overflow"]),
                                                           mk_test("rnn_backward: dx", 0, 6)))
    summary = load_class(tmp_path)
    assert [s.name for s in summary.students] == ["a", "b", "sec/c"]
    assert [s.score for s in summary.students] == [10, 3, 2]
    assert summary.max_total() == 10
    assert summary.stats() == {"mean": 5, "median": 3, "min": 2, "max": 10}
    assert summary.histogram(bins=5) == [("0-2", 0), ("2-4", 2), ("4-6", 0), ("6-8", 0), ("8-10", 1)]
    means = dict(summary.function_means())
    assert means["sigmoid"] == pytest.approx(100 * (1 + 0 + 0.5) / 3)
    assert means["rnn_backward"] == pytest.approx(100 * (1 + 0.5 + 0) / 3)
    assert list(means) == ["sigmoid", "rnn_backward"]   # the contract's order
    assert summary.failed_tests() == [("rnn_backward: dx", 2), ("sigmoid: values", 2)]
    mis = summary.misconceptions()
    assert [(c, n) for c, n, _ in mis] == [("sigmoid_overflow", 2), ("made_up_code", 1)]
    assert "not in the grader's catalogue" in mis[1][2]
    md = render_markdown(summary)
    assert "| 3 | 5.00 | 3 | 2 | 10 | 10 |" in md
    assert "| sigmoid\\_overflow | 2 | 67% |" in md


def test_names_and_texts_are_escaped(tmp_path):
    write(tmp_path / "<b>x" / "results.json", results(mk_test("sigmoid: a | b <i>", 0, 1, ["<script>"])))
    summary = load_class(tmp_path)
    html_text = render_html(summary)
    assert_well_formed(html_text)
    assert "&lt;b&gt;x" in html_text and "&lt;script&gt;" in html_text
    assert "a \\| b" in render_markdown(summary)


def test_empty_folder_gives_a_report_that_says_so(tmp_path):
    (tmp_path / "results").mkdir()
    for fmt in ("html", "md"):
        out = tmp_path / f"r.{fmt}"
        assert main(["report", str(tmp_path / "results"), "--format", fmt, "--output", str(out)]) == 0
        assert "nothing to report" in out.read_text(encoding="utf-8")
    assert_well_formed((tmp_path / "r.html").read_text(encoding="utf-8"))


def test_missing_folder_is_an_error_that_names_it(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nowhere"), "--output", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert "nowhere" in err and "batch" in err
    assert not (tmp_path / "r.html").exists()


def test_format_follows_the_output_suffix(tmp_path):
    write(tmp_path / "res" / "a" / "results.json", results(mk_test("sigmoid: values", 1, 1)))
    assert main(["report", str(tmp_path / "res"), "-o", str(tmp_path / "r.md")]) == 0
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# Class report")


@pytest.mark.parametrize("content, reason", [
    ("", "Expecting value"),
    ("[]", "not a JSON object"),
    ('{"score": 1}', '"tests"'),
    ('{"tests": []}', '"tests"'),
    ('{"tests": [{"score": 1, "max_score": 1}]}', 'test #1 has no "name"'),
    ('{"tests": [{"name": "sigmoid: a", "score": "1", "max_score": 1}]}', "not a finite number"),
    ('{"tests": [{"name": "sigmoid: a", "score": NaN, "max_score": 1}]}', "not a finite number"),
    ('{"score": true, "tests": [{"name": "sigmoid: a", "score": 1, "max_score": 1}]}', '"score"'),
])
def test_malformed_results_are_skipped_with_path_and_reason(tmp_path, content, reason):
    write(tmp_path / "good" / "results.json", results(mk_test("sigmoid: values", 1, 1)))
    bad = write(tmp_path / "bad" / "results.json", content)
    summary = load_class(tmp_path)
    assert [s.name for s in summary.students] == ["good"]
    assert [s.path for s in summary.skipped] == [bad]
    assert reason in summary.skipped[0].reason


def test_parse_results_sums_tests_when_the_total_is_absent():
    student = parse_results({"tests": [mk_test("sigmoid: a", 1, 2), mk_test("clip_grad_norm: b", 3, 3)]}, "x")
    assert (student.score, student.max_score) == (4, 5)
    assert student.functions == {"sigmoid": [1, 2], "clip_grad_norm": [3, 3]}
    assert student.failed == ["sigmoid: a"]
