"""What the similarity check writes: similarity.csv, similarity/summary.json (read by the class
report's section, HTML or Markdown), one page per listed pair (similarity/pair-NNN.html, side by side) and
similarity.html (the section as a page of its own, for the `similarity` command).

Every submission id, file name and line of code is the student's: escaped with escape.html_text
(or escape.cell-style for the CSV), and every page carries the class report's
Content-Security-Policy (no script, no remote load).
"""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from autograder.i18n import _
from autograder.outputs.escape import html_text, markdown_inline
from autograder.outputs.similarity import text
from autograder.outputs.similarity.index import Pair

MAX_LISTED = 100        # pairs listed (and given a page) in the report; the CSV has them all
SUMMARY = "similarity/summary.json"
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
CSS = """body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}th{background:#f0f0f0}
td.num{text-align:right}.sides{display:grid;grid-template-columns:1fr 1fr;gap:1em}
.code{font-family:monospace;font-size:12px;border:1px solid #ccc;overflow-x:auto}
.code h3{font-family:sans-serif;font-size:14px;margin:0;padding:.3em;background:#f0f0f0}
.ln{white-space:pre;tab-size:4;display:grid;grid-template-columns:3.5em 2.5em 1fr}
.n{color:#888;text-align:right;padding-right:.5em}
.r{color:#a33;font-weight:bold}.m{background:#ffe58f}"""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _atomic(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(content, encoding="utf-8", newline="")
    os.replace(tmp, path)


def _cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_text(pairs: list[Pair], threshold: float) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(text.CSV_HEADER)
    for p in pairs:
        writer.writerow([_cell(p.a), _cell(p.b), f"{p.score:.4f}", "yes" if p.above(threshold) else "no", p.shared])
    return buffer.getvalue()


def _grade(out: Path, sub_id: str) -> str:
    from autograder.outputs.read_results import parse_results

    path = out / sub_id / "results.json"
    if "/" in sub_id or not path.is_file():
        return text.NOT_GRADED
    try:
        s = parse_results(json.loads(path.read_text(encoding="utf-8")), sub_id)
    except (OSError, UnicodeDecodeError, ValueError):
        return text.NOT_GRADED
    return f"{s.score:g}/{s.max_score:g}"


def write_outputs(out: Path, outcome, assignment) -> None:
    """similarity.csv, the pair pages, summary.json and similarity.html under OUT."""
    comparison, options = outcome.comparison, outcome.options
    above = [p for p in comparison.pairs if p.above(options.threshold)]
    _atomic(out / "similarity.csv", csv_text(comparison.pairs, options.threshold))
    for stale in (out / "similarity").glob("pair-*.html"):       # an earlier run's pages
        stale.unlink(missing_ok=True)
    listed = []
    for rank, pair in enumerate(above[:MAX_LISTED], 1):
        detail = comparison.detailed(pair)
        page = f"similarity/pair-{rank:03d}.html"
        grades = [_grade(out, pair.a), _grade(out, pair.b)]
        _atomic(out / page, pair_page(detail, outcome.files, grades))
        listed.append({"rank": rank, "a": pair.a, "b": pair.b, "score": pair.score, "shared": pair.shared,
                       "share_a": detail.share_a, "share_b": detail.share_b,
                       "units_a": detail.units_a, "units_b": detail.units_b, "grades": grades, "page": page})
    summary = {"threshold": options.threshold, "common": options.common, "compared": len(outcome.entries),
               "archived": outcome.archived, "pairs": listed, "more": max(0, len(above) - MAX_LISTED),
               "groups": comparison.groups(options.threshold), "problems": outcome.problems}
    _atomic(out / SUMMARY, json.dumps(summary, indent=1, sort_keys=True))
    _atomic(out / "similarity.html", _page(_(text.PAGE_TITLE), section_from(summary, link_prefix="")))


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}"><title>{html_text(title)}</title>'
            f"<style>{CSS}</style></head><body>\n{body}\n</body></html>\n")


# ---- the section of the class report --------------------------------------------------------------
def section_html(results_dir: Path) -> str:
    """The class report's section, from RESULTS_DIR/similarity/summary.json; "" when there is none."""
    summary = _summary(results_dir)
    return "" if summary is None else section_from(summary, link_prefix="")


def _summary(results_dir: Path) -> dict | None:
    try:
        summary = json.loads((Path(results_dir) / SUMMARY).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return summary if isinstance(summary, dict) else None


def section_markdown(results_dir: Path) -> str:
    """The section for the Markdown class report (no pages: the pairs, groups and notes)."""
    summary = _summary(results_dir)
    if summary is None:
        return ""
    md = markdown_inline
    threshold = float(summary.get("threshold", 0))
    lines = [f"## {md(_(text.SECTION_TITLE))}", ""]
    pairs = summary.get("pairs") or []
    if not pairs:
        return "\n".join(lines + [md(_(text.NONE_ABOVE).format(threshold=threshold)), ""])
    lines += [md(_(text.INTRO).format(threshold=threshold, common=summary.get("common"))), ""]
    lines += ["| " + " | ".join(md(h) for h in map(_, text.HEADER)) + " |", "|" + "---|" * len(text.HEADER)]
    for p in pairs:
        functions = sorted(set(p.get("units_a", [])) | set(p.get("units_b", [])))
        cells = [str(p.get("rank")), str(p.get("a")), str(p.get("b")), f"{float(p.get('score', 0)):.0%}",
                 f"{float(p.get('share_a', 0)):.0%} / {float(p.get('share_b', 0)):.0%}", ", ".join(map(str, functions)),
                 " / ".join(map(str, p.get("grades", []))), str(p.get("page"))]
        lines.append("| " + " | ".join(md(c) for c in cells) + " |")
    lines.append("")
    for n, g in enumerate(summary.get("groups") or [], 1):
        lines.append("- " + md(_(text.GROUP_ROW).format(n=n, size=len(g), members=", ".join(map(str, g)))))
    return "\n".join(lines + [""])


def section_from(summary: dict, link_prefix: str = "") -> str:
    esc = html_text
    threshold = float(summary.get("threshold", 0))
    parts = [f"<h2>{esc(_(text.SECTION_TITLE))}</h2>"]
    pairs = summary.get("pairs") or []
    if not pairs:
        parts.append(f"<p>{esc(_(text.NONE_ABOVE).format(threshold=threshold))}</p>")
    else:
        parts.append(f"<p>{esc(_(text.INTRO).format(threshold=threshold, common=summary.get('common')))}</p>")
        rows = []
        for p in pairs:
            functions = sorted(set(p.get("units_a", [])) | set(p.get("units_b", [])))
            rows.append("<tr>" + "".join([
                f'<td class="num">{esc(str(p.get("rank")))}</td>', f"<td>{esc(str(p.get('a')))}</td>",
                f"<td>{esc(str(p.get('b')))}</td>", f'<td class="num">{float(p.get("score", 0)):.0%}</td>',
                f'<td class="num">{float(p.get("share_a", 0)):.0%} / {float(p.get("share_b", 0)):.0%}</td>',
                f"<td>{esc(', '.join(map(str, functions)))}</td>",
                f"<td>{esc(' / '.join(map(str, p.get('grades', []))))}</td>",
                f'<td><a href="{esc(link_prefix + str(p.get("page")))}">{esc(_(text.LINK))}</a></td>']) + "</tr>")
        parts.append("<table><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in map(_, text.HEADER))
                     + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
        if summary.get("more"):
            parts.append(f"<p>{esc(_(text.MORE_PAIRS).format(n=summary['more']))}</p>")
    groups = summary.get("groups") or []
    if groups:
        parts.append(f"<h3>{esc(_(text.GROUPS_TITLE))}</h3><p>{esc(_(text.GROUPS_INTRO))}</p><ul>")
        parts += [f"<li>{esc(_(text.GROUP_ROW).format(n=n, size=len(g), members=', '.join(map(str, g))))}</li>"
                  for n, g in enumerate(groups, 1)]
        parts.append("</ul>")
    if summary.get("archived"):
        parts.append(f"<p>{esc(_(text.ARCHIVE_NOTE).format(n=summary['archived']))}</p>")
    problems = summary.get("problems") or []
    if problems:
        parts.append(f"<h3>{esc(_(text.PROBLEMS_TITLE))}</h3><ul>"
                     + "".join(f"<li>{esc(str(p))}</li>" for p in problems[:50]) + "</ul>")
    return "\n".join(parts)


# ---- a pair, side by side ---------------------------------------------------------------------------
def _region_numbers(pair: Pair) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]]:
    """(file, line) -> region number, for each side: a region is a run of matched fingerprints that
    are next to each other in both files."""
    ordered = sorted(pair.regions, key=lambda r: (r[1], r[2]))
    side_a: dict[tuple[int, int], int] = {}
    side_b: dict[tuple[int, int], int] = {}
    number, last = 0, None
    for _unit, spans_a, spans_b in ordered:
        start = (spans_a[0][0], spans_a[0][1], spans_b[0][0], spans_b[0][1])
        if last is None or start[0] != last[0] or start[2] != last[2] or start[1] > last[1] + 1 \
                or abs(start[3] - last[3]) > 3:
            number += 1
        last = (spans_a[-1][0], spans_a[-1][2], spans_b[-1][0], spans_b[-1][2])
        for spans, side in ((spans_a, side_a), (spans_b, side_b)):
            for f, first, end in spans:
                for line in range(first, end + 1):
                    side.setdefault((f, line), number)
    return side_a, side_b


def _side(sub_id: str, files: dict[str, str], regions: dict[tuple[int, int], int]) -> str:
    esc = html_text
    parts = [f'<div class="code"><h3>{esc(sub_id)}</h3>']
    if not files:
        parts.append(f"<p>{esc(_(text.NO_CODE))}</p>")
    for index, rel in enumerate(sorted(files)):
        parts.append(f"<h3>{esc(rel)}</h3>")
        for n, line in enumerate(files[rel].splitlines(), 1):
            region = regions.get((index, n))
            cls = "ln m" if region else "ln"
            parts.append(f'<div class="{cls}"><span class="n">{n}</span><span class="r">{region or ""}</span>'
                         f"<span>{esc(line) or ' '}</span></div>")
    parts.append("</div>")
    return "".join(parts)


def pair_page(pair: Pair, files: dict[str, dict[str, str]], grades: list[str]) -> str:
    esc = html_text
    side_a, side_b = _region_numbers(pair)
    body = [f"<p><a href=\"../similarity.html\">{esc(_(text.BACK))}</a></p>",
            f"<h1>{esc(_(text.PAIR_TITLE).format(a=pair.a, b=pair.b))}</h1>",
            f"<p>{esc(_(text.PAIR_INTRO).format(score=pair.score, shared=pair.shared))}</p><ul>",
            *[f"<li>{esc(_(text.PAIR_SHARE).format(who=who, share=share, functions=', '.join(units)))}</li>"
              for who, share, units in ((pair.a, pair.share_a, pair.units_a), (pair.b, pair.share_b, pair.units_b))],
            f"<li>{esc(_(text.PAIR_SCORE).format(who=pair.a, score=grades[0]))}</li>",
            f"<li>{esc(_(text.PAIR_SCORE).format(who=pair.b, score=grades[1]))}</li></ul>",
            '<div class="sides">', _side(pair.a, files.get(pair.a, {}), side_a),
            _side(pair.b, files.get(pair.b, {}), side_b), "</div>"]
    return _page(_(text.PAIR_TITLE).format(a=pair.a, b=pair.b), "\n".join(body))
