"""Our similarity check against copydetect (pip install -e ".[compare]") on the disguise bank.

    nice python benchmarks/similarity_vs_copydetect.py

For each assignment and each disguise of tests/similarity_bank.py: the lowest score of a
(solution, its disguised copy) pair, and the highest score of any other pair in a class of the
independent solutions, the stubs and the copies (the margin: lowest copy minus highest other;
positive means every copy ranks above every independent pair). copydetect gets each submission's
staged code (the same files ours reads, notebooks already turned into modules, concatenated in
path order) and the starter code as boilerplate; its score for a pair is the larger of its two
"share of this file matched" figures (ours takes the smaller side's own code too).
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import similarity_bank as bank  # noqa: E402

from autograder.assignment import load  # noqa: E402
from autograder.outputs.similarity.index import Entry, compare  # noqa: E402
from autograder.outputs.similarity.intake import read_code  # noqa: E402
from autograder.outputs.similarity.run import fingerprint_code  # noqa: E402
from autograder.outputs.similarity.starter import starter_hashes, starter_sources  # noqa: E402


def ours(codes: dict[str, dict[str, str]], assignment) -> dict[frozenset, float]:
    entries = [Entry(i, sorted(c), fingerprint_code(c, assignment)) for i, c in codes.items()]
    return {frozenset((p.a, p.b)): p.score for p in compare(entries, starter_hashes(assignment)).pairs}


def theirs(codes: dict[str, dict[str, str]], assignment, tmp: Path) -> dict[frozenset, float]:
    from copydetect import CodeFingerprint, compare_files

    boiler = tmp / "boilerplate.py"
    boiler.write_text("\n\n".join(starter_sources(assignment).values()), encoding="utf-8")
    boilerplate = np.array(sorted(CodeFingerprint(str(boiler), 25, 1).hashes), dtype=np.int64)
    prints = {}
    for i, code in codes.items():
        path = tmp / f"{i.replace(':', '_')}.py"
        path.write_text("\n\n".join(code[rel] for rel in sorted(code)), encoding="utf-8")
        prints[i] = CodeFingerprint(str(path), 25, 1, boilerplate)
    ids, out = sorted(prints), {}
    for n, a in enumerate(ids):
        for b in ids[n + 1:]:
            _, (s1, s2), _ = compare_files(prints[a], prints[b])
            out[frozenset((a, b))] = max(s1, s2)
    return out


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="similarity-vs-copydetect-") as tmp:
        tmp = Path(tmp)
        print(f"{'assignment':10} {'disguise':14} {'ours: copy min / other max':>28} {'copydetect':>22}")
        totals = {"ours": [0.0, 0.0], "copydetect": [0.0, 0.0]}
        for name, sources in bank.SOURCES.items():
            a = load(name)
            base = {s: read_code(bank.write(bank.read(f), tmp / name / s), a) for s, f in sources.items()}
            base["stubs"] = read_code(bank.write(bank.read(bank.STUBS[name]), tmp / name / "stubs"), a)
            for disguise, make in bank.DISGUISES.items():
                codes = dict(base)
                for s, f in sources.items():
                    folder = bank.write(make(bank.read(f), name), tmp / name / disguise / s)
                    codes[f"{disguise}:{s}"] = read_code(folder, a)
                copies = {frozenset((s, f"{disguise}:{s}")) for s in sources}
                row = []
                for label, scores in (("ours", ours(codes, a)), ("copydetect", theirs(codes, a, tmp))):
                    start = time.monotonic()
                    low = min(scores.get(c, 0.0) for c in copies)
                    high = max((v for k, v in scores.items() if k not in copies), default=0.0)
                    totals[label][0] += time.monotonic() - start
                    row.append(f"{low:6.2f} / {high:4.2f} ({low - high:+.2f})")
                print(f"{name:10} {disguise:14} {row[0]:>28} {row[1]:>22}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
