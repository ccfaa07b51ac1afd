"""`autograder report`: a class report for instructors, from the results of `autograder batch`.

Reads every results.json under a folder (Gradescope format: tests named "<function>: <title>",
score / max_score, extra_data.diagnosis = misconception codes) and writes one self-contained
file, HTML (default) or Markdown: class size and totals, a histogram of totals, the mean score
of each function as a share of its maximum, the tests most often failed, the misconceptions most
often diagnosed (with the sentence students read), and a per-student table.

Charts are PNGs from matplotlib when it is installed (embedded as data URIs), otherwise inline
SVG drawn here: the report needs no dependency beyond the grader's own. A results file that
cannot be read is listed as skipped, with its path and the reason, never fatal.

Every string read from a results file or a folder name is the student's as far as this report is
concerned: it is escaped for the medium (autograder.outputs.escape), chart labels included, and the HTML
report carries a Content-Security-Policy that allows no script, no link target and no image but
its own embedded charts.
"""
from __future__ import annotations

import base64
import io
import json
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from autograder.i18n import N_, _, current
from autograder.outputs.escape import html_text, markdown_inline, visible_controls
from autograder.outputs.read_results import Student, parse_results

TOP_TESTS = 15          # rows in "tests most often failed"
HIST_BINS = 10          # bars in the histogram of totals


@dataclass
class Skipped:
    path: Path
    reason: str


@dataclass
class ClassSummary:
    students: list[Student]
    skipped: list[Skipped] = field(default_factory=list)
    assignment: object = None       # the Assignment (or name) graded: function order, misconception sentences

    @property
    def size(self) -> int:
        return len(self.students)

    def totals(self) -> list[float]:
        return [s.score for s in self.students]

    def max_total(self) -> float:
        return max((s.max_score for s in self.students), default=0.0)

    def stats(self) -> dict[str, float]:
        t = self.totals()
        if not t:
            return {}
        return {"mean": statistics.fmean(t), "median": statistics.median(t), "min": min(t), "max": max(t)}

    def histogram(self, bins: int = HIST_BINS) -> list[tuple[str, int]]:
        """(label, count) for equal-width bins over [0, max total]; the last bin includes the top."""
        top = self.max_total()
        if not self.students or top <= 0:
            return []
        width = top / bins
        counts = [0] * bins
        for s in self.totals():
            counts[min(bins - 1, max(0, int(s // width)))] += 1
        return [(f"{_g(i * width)}-{_g((i + 1) * width)}", c) for i, c in enumerate(counts)]

    def function_means(self) -> list[tuple[str, float]]:
        """(function, mean over students of score / max_score, in %), in the contract's order."""
        names = _ordered({fn for s in self.students for fn in s.functions}, self.assignment)
        out = []
        for fn in names:
            shares = [s.functions[fn][0] / s.functions[fn][1] for s in self.students
                      if fn in s.functions and s.functions[fn][1] > 0]
            if shares:
                out.append((fn, 100 * statistics.fmean(shares)))
        return out

    def tests_failed_by_anyone(self) -> int:
        return len({name for s in self.students for name in s.failed})

    def failed_tests(self, top: int = TOP_TESTS) -> list[tuple[str, int]]:
        """(test name, number of students who did not get full marks on it), most failed first."""
        counts = Counter(name for s in self.students for name in set(s.failed))
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]

    def misconceptions(self) -> list[tuple[str, int, str]]:
        """(code, number of students diagnosed with it, student-facing sentence), most frequent first."""
        counts = Counter(code for s in self.students for code in s.diagnoses)
        sentences = _sentences(self.assignment)
        return [(code, n, _(sentences[code]) if code in sentences else _("(not in the grader's catalogue of "
                                                                          "misconceptions)"))
                for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _g(x: float) -> str:
    return f"{x:.4g}"


def _ordered(names: set[str], assignment=None) -> list[str]:
    from autograder.assignment import load

    known = [fn.name for fn in load(assignment).functions if fn.name in names]
    return known + sorted(names - set(known))


def _sentences(assignment=None) -> dict[str, str]:
    from autograder.diagnosis.registry import catalogue

    out: dict[str, str] = {}
    for entry in catalogue(assignment):
        out.setdefault(entry.code, entry.sentence)
    return out


# -- reading -------------------------------------------------------------------------------------

def load_class(root: Path, assignment=None) -> ClassSummary:
    """Every results.json under ROOT (sorted by path); unreadable ones go to .skipped."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a folder; give the --out folder of `autograder batch`")
    students, skipped = [], []
    for path in sorted(root.rglob("results.json")):
        rel = path.parent.relative_to(root)
        name = str(rel) if rel.parts else root.name
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            students.append(parse_results(data, name))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
            skipped.append(Skipped(path, str(exc)))
    return ClassSummary(students, skipped, assignment)


# -- charts --------------------------------------------------------------------------------------

def _matplotlib():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception:  # noqa: BLE001 - any failure to import means: draw the SVG instead
        return None
    return plt


def bar_chart(labels: list[str], values: list[float], title: str, unit: str = "",
              horizontal: bool = False, vmax: float | None = None) -> str:
    """An HTML fragment: a matplotlib PNG as a data URI if possible, else inline SVG."""
    if not labels:
        return "<p><em>No data.</em></p>"
    plt = _matplotlib()
    if plt is not None:
        return _png_chart(plt, labels, values, title, unit, horizontal, vmax)
    return _svg_chart(labels, values, title, unit, horizontal, vmax)


def _png_chart(plt, labels, values, title, unit, horizontal, vmax) -> str:
    height = max(3.0, 0.35 * len(labels) + 1) if horizontal else 3.5
    fig, ax = plt.subplots(figsize=(8, height), dpi=100)
    try:
        if horizontal:
            pos = list(range(len(labels)))[::-1]
            ax.barh(pos, values, color="#4c72b0")
            ax.set_yticks(pos, [_mpl_text(lab) for lab in labels])
            if vmax:
                ax.set_xlim(0, vmax)
            ax.set_xlabel(unit)
        else:
            ax.bar(range(len(labels)), values, color="#4c72b0")
            ax.set_xticks(range(len(labels)), [_mpl_text(lab) for lab in labels], rotation=45, ha="right")
            ax.set_ylabel(unit)
        ax.set_title(title)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})  # same input, same bytes
    finally:
        plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="{html_text(title)}" src="data:image/png;base64,{data}">'


def _mpl_text(label: str) -> str:
    """LABEL drawn literally by matplotlib on one line (a "$" would start its math mode)."""
    return " ".join(visible_controls(label).split()).replace("$", r"\$")


def _svg_chart(labels, values, title, unit, horizontal, vmax) -> str:
    top = vmax or max(values) or 1
    esc = html_text
    parts = []
    if horizontal:
        label_w, bar_w, row = 190, 420, 22
        h = row * len(labels) + 30
        parts.append(f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 70}" height="{h}" '
                     f'role="img" aria-label="{esc(title)}">')
        parts.append(f'<text x="0" y="14" font-weight="bold">{esc(title)}</text>')
        for i, (lab, v) in enumerate(zip(labels, values)):
            y = 24 + i * row
            w = bar_w * max(0.0, v) / top
            parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" font-size="12">{esc(lab)}</text>'
                         f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row - 6}" fill="#4c72b0"/>'
                         f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="12">{_g(v)}{esc(unit)}</text>')
    else:
        col, plot_h = 56, 160
        w = col * len(labels) + 20
        parts.append(f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{plot_h + 70}" '
                     f'role="img" aria-label="{esc(title)}">')
        parts.append(f'<text x="0" y="14" font-weight="bold">{esc(title)}</text>')
        base = plot_h + 30
        for i, (lab, v) in enumerate(zip(labels, values)):
            x = 10 + i * col
            bh = plot_h * max(0.0, v) / top
            parts.append(f'<rect x="{x}" y="{base - bh:.1f}" width="{col - 10}" height="{bh:.1f}" fill="#4c72b0"/>'
                         f'<text x="{x + (col - 10) / 2}" y="{base - bh - 3:.1f}" text-anchor="middle" '
                         f'font-size="12">{_g(v)}{esc(unit)}</text>'
                         f'<text x="{x + (col - 10) / 2}" y="{base + 14}" text-anchor="middle" '
                         f'font-size="11">{esc(lab)}</text>')
    parts.append("</svg>")
    return "".join(parts)


# -- rendering -----------------------------------------------------------------------------------

CSS = """body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
td.num{text-align:right}th{background:#f0f0f0}.skipped{color:#a00}.wide{overflow-x:auto}"""


def _table(header: list[str], rows: list[list], numeric: set[int] = frozenset()) -> str:
    esc = html_text
    # a table wider than the page (one column per function) scrolls on its own, not the page
    out = ['<div class="wide"><table><thead><tr>', *[f"<th>{esc(h)}</th>" for h in header], "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f'<td class="num">{esc(str(c))}</td>' if i in numeric else f"<td>{esc(str(c))}</td>"
                                    for i, c in enumerate(row)) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _rows(summary: ClassSummary) -> dict[str, tuple[list[str], list[list]]]:
    """The report's tables, shared by the HTML and Markdown renderings."""
    n = summary.size
    fns = _ordered({fn for s in summary.students for fn in s.functions}, summary.assignment)
    students = [[s.name, _g(s.score), _g(s.max_score),
                 *[(_g(s.functions[fn][0]) if fn in s.functions else "-") for fn in fns],
                 ", ".join(sorted(s.diagnoses))] for s in summary.students]
    return {
        "functions": ([_("function"), _("mean score (% of its maximum)")],
                      [[fn, f"{p:.1f}%"] for fn, p in summary.function_means()]),
        "failed": ([_("test"), _("students not at full marks"), _("share of class")],
                   [[t, c, f"{100 * c / n:.0f}%"] for t, c in summary.failed_tests()]),
        "misconceptions": ([_("code"), _("students"), _("share of class"), _("what the student reads")],
                           [[c, k, f"{100 * k / n:.0f}%", s] for c, k, s in summary.misconceptions()]),
        "students": ([_("student"), _("score"), _("max"), *fns, _("misconceptions")], students),
    }


# No script, frame, form, link target or remote load; images only as the charts' data: PNGs.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def render_html(summary: ClassSummary, title: str = N_("Class report"), extra: str = "") -> str:
    """The report as HTML; EXTRA: a section of other checks (already escaped HTML), before the students."""
    esc = html_text
    title = _(title)
    parts = [f'<!DOCTYPE html>\n<html lang="{current()}"><head><meta charset="utf-8">'
             f'<meta http-equiv="Content-Security-Policy" content="{CSP}"><title>{esc(title)}</title>'
             f"<style>{CSS}</style></head><body>", f"<h1>{esc(title)}</h1>"]
    parts.append(_skipped_html(summary))
    if not summary.students:
        parts.append(f"<p>{_('No readable results.json was found: nothing to report.')}</p></body></html>\n")
        return "\n".join(parts)
    st = summary.stats()
    parts.append(_table([_("students"), _("mean"), _("median"), _("min"), _("max"), _("out of")],
                        [[summary.size, f"{st['mean']:.2f}", _g(st["median"]), _g(st["min"]), _g(st["max"]),
                          _g(summary.max_total())]], numeric={0, 1, 2, 3, 4, 5}))
    rows = _rows(summary)
    hist = summary.histogram()
    parts += [f"<h2>{_('Totals')}</h2>",
              bar_chart([lab for lab, _n in hist], [c for _lab, c in hist], _("Students per total score"))]
    means = summary.function_means()
    parts += [f"<h2>{_('Score by function')}</h2>",
              bar_chart([f for f, _p in means], [p for _f, p in means], _("Mean score, % of the function's maximum"),
                        unit="%", horizontal=True, vmax=100),
              _table(*rows["functions"])]
    parts.append(f"<h2>{_('Tests most often failed')}</h2>")
    if rows["failed"][1]:
        parts += [f"<p>{esc(_failed_note(summary))}</p>", _table(*rows["failed"], numeric={1, 2})]
    else:
        parts.append(f"<p>{_('Every student passed every test.')}</p>")
    parts += [f"<h2>{_('Misconceptions most often diagnosed')}</h2>", _table(*rows["misconceptions"], numeric={1, 2})
              if rows["misconceptions"][1] else f"<p>{_('No misconception was diagnosed.')}</p>"]
    header, students = rows["students"]
    parts += [extra] if extra else []
    parts += [f"<h2>{_('Students')}</h2>", _table(header, students, numeric=set(range(1, len(header) - 1)))]
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _skipped_html(summary: ClassSummary) -> str:
    if not summary.skipped:
        return ""
    items = "".join(f"<li><code>{html_text(str(s.path))}</code>: {html_text(s.reason)}</li>"
                    for s in summary.skipped)
    return (f'<div class="skipped"><p>{_("Skipped {n} unreadable results file(s):").format(n=len(summary.skipped))}'
            f"</p><ul>{items}</ul></div>")


def _failed_note(summary: ClassSummary) -> str:
    n = summary.tests_failed_by_anyone()
    shown = min(n, TOP_TESTS)
    return _("The {shown} most failed of the {n} tests that at least one student did not pass at full marks.").format(
        shown=shown, n=n)


def _md_cell(value) -> str:
    return markdown_inline(str(value))


def _md_table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(map(_md_cell, header)) + " |", "|" + "---|" * len(header)]
    return out + ["| " + " | ".join(map(_md_cell, row)) + " |" for row in rows] + [""]


def _md_bars(items: list[tuple[str, float]], top: float, unit: str = "") -> list[str]:
    """A text bar chart in a fenced code block; labels on one line each, and the fence longer than
    any run of backticks in them, so that no label can close it."""
    items = [(" ".join(visible_controls(lab).split()), v) for lab, v in items]
    width = max((len(lab) for lab, _ in items), default=0)
    fence = "`" * max(3, 1 + max((len(run) for lab, _ in items for run in re.findall("`+", lab)), default=0))
    return [fence] + [f"{lab:<{width}} {'#' * round(30 * v / top) if top else '':<30} {_g(v)}{unit}"
                      for lab, v in items] + [fence, ""]


def render_markdown(summary: ClassSummary, title: str = N_("Class report"), extra: str = "") -> str:
    lines = [f"# {markdown_inline(_(title))}", ""]
    if summary.skipped:
        lines.append(_("Skipped {n} unreadable results file(s):").format(n=len(summary.skipped)))
        lines += [f"- {markdown_inline(str(s.path))}: {markdown_inline(s.reason)}" for s in summary.skipped] + [""]
    if not summary.students:
        return "\n".join(lines + [_("No readable results.json was found: nothing to report."), ""])
    st = summary.stats()
    lines += _md_table([_("students"), _("mean"), _("median"), _("min"), _("max"), _("out of")],
                       [[summary.size, f"{st['mean']:.2f}", _g(st["median"]), _g(st["min"]), _g(st["max"]),
                         _g(summary.max_total())]])
    rows = _rows(summary)
    hist = summary.histogram()
    lines += ["## " + _("Totals"), ""] + _md_bars(hist, max((c for _lab, c in hist), default=0))
    lines += ["## " + _("Score by function"), ""] + _md_bars(summary.function_means(), 100, "%")
    lines += ["## " + _("Tests most often failed"), ""]
    if rows["failed"][1]:
        lines += [_failed_note(summary), "", *_md_table(*rows["failed"])]
    else:
        lines += [_("Every student passed every test."), ""]
    lines += ["## " + _("Misconceptions most often diagnosed"), ""] + (
        _md_table(*rows["misconceptions"]) if rows["misconceptions"][1] else [_("No misconception was diagnosed."), ""])
    lines += [extra] if extra else []
    lines += ["## " + _("Students"), ""] + _md_table(*rows["students"])
    return "\n".join(lines)


def results_language(summary: ClassSummary) -> str | None:
    """The language most of the results were written in (a known one), or None."""
    from autograder.i18n import LANGUAGES

    counts = Counter(s.lang for s in summary.students if s.lang in LANGUAGES)
    return min(counts, key=lambda k: (-counts[k], k)) if counts else None


def write_report(results_dir: Path, output: Path, fmt: str = "html", assignment=None, lang: str | None = None,
                 fallback: str | None = None) -> ClassSummary:
    """Read RESULTS_DIR, write the report to OUTPUT; returns the summary (for the command's message).
    In LANG; when None, in the language of the results, else FALLBACK, else the current language."""
    from autograder.i18n import language

    summary = load_class(Path(results_dir), assignment)
    with language(lang or results_language(summary) or fallback):
        return _write_report(summary, results_dir, output, fmt)


def _write_report(summary: ClassSummary, results_dir: Path, output: Path, fmt: str) -> ClassSummary:
    from autograder.outputs.similarity.report import section_html, section_markdown

    title = _("Class report: {folder}").format(folder=Path(results_dir).resolve().name)
    if fmt == "md":
        text = render_markdown(summary, title, section_markdown(Path(results_dir)))
    else:
        text = render_html(summary, title, section_html(Path(results_dir)))
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    return summary
