"""Each Vietnamese handout (handout.vi.md) has the English one's sections, formulas, code and points."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = ("rnn_bptt", "gated_rnn")


def pieces(text: str) -> dict[str, object]:
    """What must be the same in both languages: headings by level and number, anchors, code blocks,
    display and inline formulas, code spans, and the shape and numbers of every table."""
    out: dict[str, object] = {}
    out["headings"] = [(m.group(1), m.group(2)) for m in re.finditer(r"^(#+) +([\d.]*)", text, re.M)]
    out["anchors"] = re.findall(r'<a id="([^"]+)"></a>', text)
    out["code blocks"] = re.findall(r"```.*?```", text, re.S)
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    out["display math"] = Counter(re.findall(r"\$\$.*?\$\$", text, re.S))
    text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.S)
    out["inline math"] = Counter(re.findall(r"\$[^$]+\$", text))
    out["code spans"] = Counter(re.findall(r"`[^`]+`", re.sub(r"\$[^$]+\$", "", text)))
    tables = [line for line in text.splitlines() if line.lstrip().startswith("|")]
    out["table shapes"] = [line.count("|") for line in tables]
    out["table numbers"] = [re.findall(r"(?<![\w.$])\d+(?:\.\d+)?(?![\w$])", re.sub(r"`[^`]*`|\$[^$]*\$", "", line))
                            for line in tables]
    return out


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_vietnamese_handout_has_the_same_sections_formulas_and_points(name):
    folder = ROOT / "assignments" / name
    en, vi = (folder / "handout.md").read_text(encoding="utf-8"), (folder / "handout.vi.md").read_text(encoding="utf-8")
    a, b = pieces(en), pieces(vi)
    assert len(a["headings"]) > 10 and sum(a["inline math"].values()) > 100
    for key in a:
        assert a[key] == b[key], f"{name}: {key} differ"


def test_the_comparison_notices_a_changed_formula_and_a_changed_point():
    en = "## 1. A\n\n$x_t$ and `f(x)`\n\n| f | points |\n|---|---|\n| `f` | 12 |\n"
    assert pieces(en) == pieces(en.replace("A", "B"))
    assert pieces(en) != pieces(en.replace("$x_t$", "$x_{t}$"))
    assert pieces(en) != pieces(en.replace("| 12 |", "| 13 |"))
    assert pieces(en) != pieces(en.replace("## 1.", "## 2."))


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_vietnamese_handouts_use_the_glossary_terms(name):
    """Each term of docs/glossary.md whose English word the English handout uses (in prose) appears in
    the Vietnamese handout in the glossary's Vietnamese."""
    from tests.test_glossary import enforced, english_pattern, prose

    folder = ROOT / "assignments" / name
    en = prose((folder / "handout.md").read_text(encoding="utf-8"))
    vi = (folder / "handout.vi.md").read_text(encoding="utf-8").lower()
    used = [(term, viet) for term, viet in enforced() if english_pattern(term).search(en)]
    assert len(used) >= 8, used
    missing = [(term, viet) for term, viet in used if viet.lower() not in vi]
    assert not missing, missing
