"""The Vietnamese catalogue uses the course's terms (docs/glossary.md) wherever the English source does."""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "glossary.md"
CATALOGUES = [ROOT / "autograder" / "locale" / "vi" / "LC_MESSAGES" / "autograder.po",
              *sorted((ROOT / "autograder" / "assignments").glob("*/locale/vi/LC_MESSAGES/*.po"))]


def glossary() -> list[tuple[str, str, str]]:
    """(English, Vietnamese, decks) of every row of the glossary's table."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("English", "---") and not set(cells[0]) <= set("-"):
            rows.append((cells[0], cells[1], cells[2]))
    return rows


def enforced() -> list[tuple[str, str]]:
    return [(en, vi) for en, vi, _decks in glossary() if not en.endswith("*")]


def prose(text: str) -> str:
    """TEXT without code spans, formulas, placeholders and identifiers (words with _ or followed by '(')."""
    text = re.sub(r"`[^`]*`|\$[^$]*\$|\{[^{}]*\}", " ", text)
    return re.sub(r"\b\w*_\w*\b|\b\w+\(", " ", text)


def english_pattern(term: str) -> re.Pattern:
    words = r"[\s-]+".join(re.escape(w) for w in term.split())
    return re.compile(rf"\b{words}(s|es)?\b", re.IGNORECASE)


def translated_messages():
    assert len(CATALOGUES) >= 3, CATALOGUES        # the engine's and each assignment's
    for path in CATALOGUES:
        yield from _messages(path)


def _messages(path: Path):
    with open(path, "rb") as f:
        catalog = read_po(f, locale="vi")
    for msg in catalog:
        if not msg.id:
            continue
        ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        if all(strings):
            yield ids, strings


def test_the_glossary_is_well_formed_and_names_its_decks():
    rows = glossary()
    assert len(rows) >= 25
    assert len({en.rstrip("*").lower() for en, _vi, _d in rows}) == len(rows)
    for en, vi, decks in rows:
        assert vi and decks, en
        assert re.search(r"\b00[0-4]\b", decks), f"{en}: which deck uses it?"
    terms = {en.lower(): vi for en, vi in enforced()}
    for course_term, vi in (("partial derivative", "đạo hàm riêng phần"), ("hidden state", "trạng thái ẩn"),
                            ("vanishing gradient", "tiêu biến gradient"), ("exploding gradient", "bùng nổ gradient"),
                            ("activation function", "hàm kích hoạt"), ("jacobian", "Jacobian"), ("bptt", "BPTT")):
        assert terms[course_term] == vi


def test_the_catalogue_uses_the_glossary_terms():
    """Longer terms first: "partial derivative" is checked as itself, not as "derivative"."""
    terms = sorted(enforced(), key=lambda t: -len(t[0]))
    problems, checked = [], 0
    for ids, strings in translated_messages():
        source = prose(" ".join(ids))
        for en, vi in terms:
            pattern = english_pattern(en)
            if not pattern.search(source):
                continue
            source = pattern.sub(" ", source)   # a longer term covers its words
            checked += 1
            for s in strings:
                if vi.lower() not in s.lower():
                    problems.append(f"{en!r} -> {vi!r} missing in: {s[:120]!r}")
    assert checked >= 20, "the test saw too few terms to mean anything"
    assert not problems, "\n".join(problems)
