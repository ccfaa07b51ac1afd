"""Benchmark: memory and time to refuse a zip bomb by count. Prints figures; asserts nothing.

Usage: python benchmarks/zip_bomb_memory.py [--entries 300000]

Builds a real zip of N empty files (about 90 bytes per entry on disk), puts it in an upload
folder as Gradescope would (it unpacks the outer zip itself), and measures, each in a fresh
process, the growth of peak RSS over the same process just before, and the wall time:
    zipfile  zipfile.ZipFile(zip).infolist(): what parsing it costs (what staging did before
             the limits were checked from the zip's own records)
    stage    submission.stage(folder): the whole staging of that upload, zip refused
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from zip_craft import many_entries_zip  # noqa: E402

CHILD = """
import resource, sys, time, zipfile
from pathlib import Path
from autograder.intake.submission import stage
path = Path(sys.argv[2])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
if sys.argv[1] == "zipfile":
    with zipfile.ZipFile(path / "homework.zip") as zf:
        note = f"{len(zf.infolist()):,} entries parsed"
else:
    staged = stage(path)
    note = next(n for n in staged.notes if "was not unpacked" in n)
    staged.cleanup()
seconds = time.perf_counter() - start
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(f"{grown:7.1f} MB more peak RSS, {seconds:6.2f} s; {note[:100]}")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=300_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        upload = Path(tmp) / "upload"
        upload.mkdir()
        bomb = many_entries_zip(upload / "homework.zip", args.entries)
        print(f"{bomb.name}: {args.entries:,} entries, {bomb.stat().st_size / (1 << 20):.1f} MB on disk")
        for what in ("zipfile", "stage"):
            out = subprocess.run([sys.executable, "-c", CHILD, what, str(upload)], cwd=ROOT, text=True,
                                 capture_output=True, check=True).stdout.strip()
            print(f"  {what:<8} {out}")


if __name__ == "__main__":
    main()
