"""Progress of a batch: a rich progress bar on a terminal, plain lines otherwise.

The bar shows done/total, the rate, the time left and the failures so far. Plain lines (a log
file, CI) say the same, one line per submission. Only submission ids are shown, never names.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """start(total) -> advance(...) per submission -> finish(). A context manager."""

    def __init__(self, stream: TextIO | None = None, fancy: bool | None = None):
        self.stream = stream or sys.stdout
        self.fancy = self.stream.isatty() if fancy is None else fancy
        self.total = self.done = self.failures = 0
        self.started = time.monotonic()
        self._bar = self._task = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.finish()

    def start(self, total: int, skipped: int = 0) -> None:
        self.total, self.started = total, time.monotonic()
        if skipped:
            self.line(f"{skipped} submissions already graded by this grader: skipped (--force grades them again)")
        if self.fancy and total:
            try:
                import rich.progress as rp
                from rich.console import Console
            except ImportError:
                self.fancy = False
                return
            self._bar = rp.Progress(rp.TextColumn("grading"), rp.BarColumn(), rp.MofNCompleteColumn(),
                                    rp.TextColumn("{task.fields[rate]}"), rp.TimeElapsedColumn(),
                                    rp.TextColumn("left"), rp.TimeRemainingColumn(),
                                    rp.TextColumn("{task.fields[failures]}"), console=Console(file=self.stream))
            self._task = self._bar.add_task("grading", total=total, rate="", failures="")
            self._bar.start()

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def advance(self, sid: str, summary: str, failed: bool) -> None:
        """One submission is done: SUMMARY is what to print for it (plain mode)."""
        self.done += 1
        self.failures += failed
        if self._bar is not None:
            self._bar.update(self._task, advance=1, rate=f"{self.rate():.2f}/s",
                             failures=f"{self.failures} failed" if self.failures else "")
            if failed:
                self.line(f"{sid}: {summary}")
            return
        left = (self.total - self.done) / self.rate() if self.rate() > 0 else 0.0
        self.line(f"[{self.done}/{self.total}] {sid}: {summary}   ({self.rate():.2f}/s, about {left:.0f} s left"
                  + (f", {self.failures} failed" if self.failures else "") + ")")

    def line(self, text: str) -> None:
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=self.stream, flush=True)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
