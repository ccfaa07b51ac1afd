"""Show text literally in each medium the grader writes to: one function per medium.

Every report is built from plain text: our own sentences with student-controlled strings
inside them (file and folder names, exception messages, type names, names listed from a module,
submitter names, fields of a results.json read back). Whatever the text holds, these functions
make it show as those characters and nothing else:

- terminal_text: the instructor's terminal. Control characters (C0 except newline and tab, DEL,
  C1) and the invisible bidirectional overrides are shown as escapes (\\x1b, \\u202e), so an
  ANSI or OSC sequence is printed as harmless text instead of being obeyed.
- plain_text:    a text field of results.json (Gradescope's output_format "text"): the same.
- markdown_inline / markdown_lines: Markdown (Gradescope's "md", the class report's .md). The
  characters that open something anywhere in a line are backslash-escaped (\\ ` * _ { } [ ] | ~ $
  ^ #), <, > and & become entities, and so does a list, setext or definition marker at the start
  of a line ("- ", "+ ", "1. ", "2) ", "---", "===", ": "): no heading, emphasis, link, image,
  raw HTML, table cell, code span, math, attribute list or list/quote marker can start. Newlines
  end the line (inline) or become hard breaks. Other characters (. - ( ) ! within a line) start
  nothing and stay legible.
- html_text:     HTML text or attribute value (the class report): html.escape of the visible text.
"""
from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls; the Unicode line/paragraph separators;
# the bidirectional embeddings, overrides and isolates ("Trojan source" reordering).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_MD_ANYWHERE = re.compile(r"([\\`*_{}\[\]|~$^#])")
_MD_LINE_START = re.compile(r"^(\d{0,9})([-+=.):])(?=[ \t]|$|[-=])")     # "- x", "1. x", "---", "==="
_MD_ENTITY = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def _shown(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible_controls(text: str) -> str:
    """TEXT with every control or bidi-override character replaced by its escape (\\x1b, \\u202e).

    CRLF and CR count as newlines; tab and newline are kept.
    """
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(lambda m: _shown(m.group()), text)


def terminal_text(text: str) -> str:
    """TEXT safe to print on a terminal: no escape sequence or control character is obeyed."""
    return visible_controls(text)


def plain_text(text: str) -> str:
    """TEXT for a plain-text field shown to a student (results.json, output_format "text")."""
    return visible_controls(text)


def _markdown_line(line: str) -> str:
    """One line (no newline, no leading space) as literal Markdown."""
    line = "".join(_MD_ENTITY.get(c, c) for c in _MD_ANYWHERE.sub(r"\\\1", line))
    return _MD_LINE_START.sub(r"\1\\\2", line, count=1)


def markdown_inline(text: str) -> str:
    """TEXT as literal Markdown inline content on one line (newlines and tabs become spaces)."""
    flat = " ".join(visible_controls(text).replace("\t", " ").split("\n")).strip()
    return _markdown_line(flat)


def markdown_lines(text: str, indent: str = "") -> str:
    """TEXT as literal Markdown keeping its line breaks (hard breaks: two trailing spaces).

    Each continuation line starts with INDENT (e.g. "  " to stay inside a list item); leading
    spaces are kept as no-break spaces, so an indented code line stays indented and never starts
    a Markdown code block.
    """
    lines = visible_controls(text).replace("\t", "    ").split("\n")
    out = []
    for line in lines:
        body = line.lstrip(" ")
        out.append("&nbsp;" * (len(line) - len(body)) + _markdown_line(body.rstrip()))
    return ("  \n" + indent).join(out)


def html_text(text: str) -> str:
    """TEXT as HTML text or a quoted attribute value: every character shown as itself."""
    # html.escape(..., quote=True), written out: the html package imports its entity tables (1.5 ms)
    return (visible_controls(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#x27;"))
