"""Benchmark: the scrub of a slot's uid beside a busy /tmp. Prints figures; asserts nothing.

Usage: sudo python benchmarks/busy_tmp_scrub.py [--n 120000]
Two busy /tmp's (issue 19): N entries of root's laid out as an unpacked Python environment (which the
uid can enter but not write: one status read per folder), and N empty files of another user in a
folder every user can write (each entry may be the uid's: one status read each). For each: the time
of a scrub of an unused uid (tree.scrub over slots.SHARED_TMP), the status reads and the entries
listed. The load average is printed too: other work on the machine slows everything here.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import busy_tmp  # noqa: E402

from autograder.sandbox import slots, tree  # noqa: E402

UID = 64399          # no slot's: nothing of it is anywhere


def scrub_figures(label: str) -> None:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        result = tree.scrub(slots.SHARED_TMP, UID, UID)
        times.append(time.perf_counter() - start)
    print(f"{label}: scrub {min(times):.3f} s (best of 3), {result.visited} status reads, "
          f"complete={result.complete}, problems={result.problems[:2]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=busy_tmp.ENTRIES)
    n = parser.parse_args().n
    print(f"load average {os.getloadavg()[0]:.1f}; {os.cpu_count()} cores")
    scrub_figures("this machine's shared folders as they are")
    top, made = busy_tmp.make(n)
    try:
        scrub_figures(f"+ an environment of {made} entries in {top}")
    finally:
        busy_tmp.remove(top)
    flat = Path(tempfile.mkdtemp(prefix="rnn-busy-flat-", dir="/tmp"))
    os.chmod(flat, 0o1777)
    try:
        for i in range(n):
            os.close(os.open(flat / str(i), os.O_CREAT | os.O_WRONLY, 0o644))
        scrub_figures(f"+ {n} files in a world-writable folder {flat}")
    finally:
        shutil.rmtree(flat, ignore_errors=True)


if __name__ == "__main__":
    if os.geteuid() != 0:
        sys.exit("run as root: slots (and their scrub) exist only for a root grader")
    main()
