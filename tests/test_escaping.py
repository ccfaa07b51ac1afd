"""Feedback injection: student-controlled strings are shown literally in every medium.

A hostile submission (file names and an import-error message holding a forged score heading,
raw HTML, a javascript: link, ANSI escapes) is graded for real; its Gradescope summary is rendered
with a CommonMark renderer (markdown-it-py, raw HTML allowed, as a permissive site would) and
every rendered element is checked to be ours. Hostile results files (folder names, test names,
misconception codes, unreadable fields) go through both class reports the same way.
"""
from __future__ import annotations

import html
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.assignments.rnn_bptt.contract import FUNCTIONS
from autograder.outputs.class_report import _md_bars, load_class, render_html, render_markdown
from autograder.outputs.escape import html_text, markdown_inline, markdown_lines, terminal_text, visible_controls
from autograder.outputs.results import to_gradescope
from autograder.outputs.summary import terminal_summary
from autograder.platforms.cli import main
from autograder.platforms.gradescope import metadata

markdown_it = pytest.importorskip("markdown_it")

ROOT = Path(__file__).resolve().parents[1]
HEADING = "# Score: 100 / 100"
IMG = "<img src=x onerror=alert(1)>"
LINK = "[claim your points](javascript:alert(1))"
AUTOLINK = "<javascript:alert(2)>"
ANSI = "\x1b[2J\x1b[31mRED\x1b]0;pwned\x07\x9b1m\r"
HOSTILE = f"\n{HEADING}\n{IMG} {LINK} {AUTOLINK} `tick` **bold** | pipe |\n> quote\n- item\n1. one\n---\n{ANSI}"
# every control character a terminal might obey
CONTROLS = [chr(c) for c in [*range(0x00, 0x09), *range(0x0b, 0x20), *range(0x7f, 0xa0)]] + ["\u202e", "\u2066"]


def md() -> markdown_it.MarkdownIt:
    """CommonMark with raw HTML on, plus GFM tables and strikethrough."""
    return markdown_it.MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def all_tokens(text: str):
    for tok in md().parse(text):
        yield tok
        yield from tok.children or []


def assert_markdown_is_ours(text: str, headings: set[str] = frozenset(), fences: int = 0,
                            code: set[str] = frozenset()) -> str:
    """Render TEXT; fail on any HTML, link, image, code block, heading not in HEADINGS or code span
    not in CODE. Returns the HTML."""
    tokens = list(all_tokens(text))
    kinds = {t.type for t in tokens}
    assert not kinds & {"html_block", "html_inline", "link_open", "image", "code_block",
                        "blockquote_open", "ordered_list_open", "hr", "s_open"}, kinds
    assert {t.content for t in tokens if t.type == "code_inline"} <= set(code)
    found = ["".join(c.content for c in tokens[i + 1].children if c.type == "text")
             for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert set(found) <= set(headings), found
    assert sum(t.type == "fence" for t in tokens) == fences
    rendered = md().render(text)
    assert "<img" not in rendered and "<a " not in rendered and "<script" not in rendered
    return rendered


def assert_no_controls(text: str) -> None:
    bad = sorted({hex(ord(c)) for c in text if c in CONTROLS})
    assert not bad, f"control characters reach the output: {bad}"


# ---- the escaping functions, on any text ---------------------------------------------------------

def flat(text: str) -> str:
    return " ".join(visible_controls(text).replace("\t", " ").split("\n")).strip()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("#*_`[]()<>!&|\\-+=.:~$^{}1 \n\tax/\"';") + ["\x1b", "\u202e", "é"]),
               max_size=40))
def test_markdown_inline_renders_as_exactly_its_text(text):
    shown = flat(text)
    rendered = md().render(markdown_inline(text))
    if not shown:
        assert rendered == ""
        return
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n")
    inner = rendered[3:-5]
    assert "<" not in inner and html.unescape(inner) == shown


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("#*_`[]<>!&|-+=.:~1 ax") + ["\x1b"]), max_size=12),
                min_size=1, max_size=5))
def test_markdown_lines_keep_each_line_literal_inside_a_list_item(lines):
    text = "\n".join(lines)
    source = f"- {markdown_lines(text, indent='  ')}\n"
    assert_markdown_is_ours(source)
    assert [t.type for t in md().parse(source) if t.type.endswith("_open")][0] == "bullet_list_open"
    assert shown_lines(source) == [visible_controls(line).strip(" ") for line in lines if line.strip(" ")]


def shown_lines(source: str) -> list[str]:
    """The non-blank lines a reader sees in rendered SOURCE (line breaks and paragraphs split lines)."""
    out = []
    for tok in md().parse(source):
        for child in tok.children or []:
            out.append(child.content if child.type == "text" else "\n" if child.type.endswith("break") else "")
        out.append("\n")
    return [line.strip(" \xa0") for line in "".join(out).split("\n") if line.strip(" \xa0")]


@given(st.text(max_size=60))
def test_terminal_and_html_text_let_no_control_through(text):
    assert_no_controls(terminal_text(text))
    out = html_text(text)
    assert_no_controls(out)
    assert "<" not in out and ">" not in out and '"' not in out


def test_escapes_are_visible_not_dropped():
    assert terminal_text("a\x1b[31mb\x9bc\u202ed\r\ne\rf") == "a\\x1b[31mb\\x9bc\\u202ed\ne\nf"
    assert markdown_inline(HEADING) == r"\# Score: 100 / 100"
    assert markdown_inline("- 1. x") == r"\- 1. x" and markdown_inline("5.00 - 3") == "5.00 - 3"


# ---- a hostile submission, graded ----------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    from autograder.pipeline.grade import grade_submission

    sub = tmp_path_factory.mktemp("hostile") / "sub"
    shutil.copytree(ROOT / "reference" / "rnn_bptt" / "solution", sub)
    # an import error whose message is the payload; look-alike file names that the notes list
    (sub / "jacobian.py").write_text(f"raise ValueError({HOSTILE!r})\n", encoding="utf-8")
    (sub / "clipping.py").unlink()
    for name in (f"clipping{IMG}.py", "clipping\n# Score: 100 ∕ 100.py", f"clipping{ANSI}.py"):
        (sub / name).write_text("x = 1\n", encoding="utf-8")
    return grade_submission(sub)


def test_gradescope_summary_shows_hostile_names_and_messages_as_text(hostile_report, tmp_path):
    meta = tmp_path / "submission_metadata.json"
    meta.write_text(json.dumps({"users": [{"name": f"{IMG} {LINK} {ANSI}"}], "previous_submissions": []}))
    greeting = metadata.greeting(metadata.read_metadata(meta))
    results = to_gradescope(hostile_report, greeting=greeting)
    summary = results["output"]
    assert "jacobian.py could not be loaded" in summary and "clipping" in summary   # the notes are there
    rendered = assert_markdown_is_ours(summary, code={fn.name for fn in FUNCTIONS})
    assert html.escape(HEADING.lstrip("# ")) in rendered and "onerror=alert(1)" in rendered   # shown, as text
    assert "<h1" not in rendered and "<hr" not in rendered and "<blockquote" not in rendered
    assert_no_controls(summary)
    for test in results["tests"]:
        assert_no_controls(test["output"] + test["name"])
    assert any("Score: 100 / 100" in t["output"] for t in results["tests"])   # full text, in a text field
    assert results["score"] < 100


def test_terminal_summary_obeys_no_escape(hostile_report):
    text = terminal_summary(hostile_report, f"submissions/{ANSI}", verbose=True)
    assert_no_controls(text)
    assert "\\x1b[2J" in text, "the escape is shown, so the instructor sees that something was there"


# ---- hostile results files, read back by the class report ----------------------------------------

def hostile_class(root: Path) -> Path:
    def test(name, score, top, codes=()):
        return {"name": name, "score": score, "max_score": top, "extra_data": {"diagnosis": list(codes)}}

    for i, folder in enumerate([IMG, "[a](javascript:alert(1))", f"evil{ANSI}", "```", "ok"]):
        d = root / folder
        d.mkdir(parents=True)
        tests = [test(f"```{IMG} $\\frac{{x$\n{HEADING}: values", i, 4, [f"<script>alert({i})</script>", "a|b"]),
                 test("sigmoid: values", 1, 4, ["```\n# code"]),
                 test(f"{LINK}: x", 0, 2)]
        (d / "results.json").write_text(json.dumps({"score": i + 1, "tests": tests}), encoding="utf-8")
    bad = root / f"bad{IMG}{ANSI}"
    bad.mkdir()
    (bad / "results.json").write_text(json.dumps({"tests": [test("t: x", f"{IMG}{ANSI}", 1)]}), encoding="utf-8")
    return root


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


OUR_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "em", "div", "ul", "li", "code",
            "table", "thead", "tbody", "tr", "th", "td", "svg", "text", "rect", "img"}


def test_html_class_report_escapes_every_field(tmp_path):
    summary = load_class(hostile_class(tmp_path / "results"))
    assert summary.size == 5 and len(summary.skipped) == 1
    page = render_html(summary, title=f"Class {IMG}")
    parser = Elements()
    parser.feed(page)
    assert {tag for tag, _ in parser.tags} <= OUR_TAGS
    for tag, attrs in parser.tags:
        assert not any(a.startswith("on") for a in attrs), (tag, attrs)
        for key in ("href", "src", "action", "formaction", "xlink:href"):
            assert not attrs.get(key) or attrs[key].startswith("data:image/png;base64,"), (tag, attrs)
    assert "javascript:alert(1)" in page and '="javascript' not in page   # shown as text, never a URL
    assert "default-src 'none'" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert_no_controls(page)


def test_markdown_class_report_escapes_every_field(tmp_path):
    summary = load_class(hostile_class(tmp_path / "results"))
    text = render_markdown(summary, title=f"Class {HEADING}")
    ours = {f"Class {HEADING}", "Totals", "Score by function", "Tests most often failed",
            "Misconceptions most often diagnosed", "Students"}
    rendered = assert_markdown_is_ours(text, headings=ours, fences=2)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered and "javascript:alert(1)" in rendered
    assert_no_controls(text)
    fences = [t for t in all_tokens(text) if t.type == "fence"]
    assert any("```" in f.content for f in fences), "a label made of backticks stays inside its chart"


def test_bar_chart_fence_outlasts_any_backticks_in_a_label():
    lines = _md_bars([("`````", 1.0), ("a\n# b", 2.0)], 2.0)
    assert lines[0] == lines[-2] == "``````" and all("\n" not in line for line in lines)


def test_report_command_prints_skipped_paths_without_escapes(tmp_path, capsys):
    root = hostile_class(tmp_path / "results")
    assert main(["report", str(root), "--output", str(tmp_path / "r.md")]) == 0
    err = capsys.readouterr().err
    assert "skipped" in err and "\\x1b[2J" in err
    assert_no_controls(err)
