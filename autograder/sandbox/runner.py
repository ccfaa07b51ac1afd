"""The trusted side of the worker: start it confined, watch it, restart it past a bad call.

One worker normally runs the whole plan. A call that exceeds its CPU budget (or the wall-clock
backstop), prints a flood, fills the disk, or a worker that dies, costs that call and the rest
of that function: the runner records the failure, kills every process of the worker
(confine.Box.kill_all), and starts a fresh worker at the next function. Nothing the worker prints
is parsed; its output is only kept (truncated) for the instructor's log. Budgets are CPU seconds
of the worker process, so a slow or loaded machine gives the same verdicts; wall-clock limits
are only generous backstops (for sleeping or blocked calls).
"""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.sandbox import confine
from autograder.sandbox.wire import WireError, read_blob, read_npy, read_records

WORKER_SCRIPT = Path(__file__).with_name("worker.py")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Limits:
    """Budgets for one submission. CPU budgets make verdicts independent of machine load."""

    call_cpu_seconds: float = 3.0        # per student call (or module import)
    wall_factor: float = 4.0             # wall-clock backstop = factor * CPU budget + 2 s
    startup_seconds: float = 20.0        # worker start (interpreter + NumPy), wall clock
    submission_seconds: float = 120.0    # the whole submission, wall clock (and CPU rlimit per process)
    memory_bytes: int = 1536 << 20       # address space of the worker (lowered to what the container leaves)
    output_bytes: int = 10_000           # student stdout/stderr kept for the log
    flood_bytes: int = 4 << 20           # output of one call past which the call is stopped
    disk_bytes: int = 256 << 20          # files the worker may leave in out/ and tmp/
    file_bytes: int = 64 << 20           # largest file the worker may write (RLIMIT_FSIZE)
    open_files: int = 128                # RLIMIT_NOFILE
    processes: int = 32                  # RLIMIT_NPROC of the worker's own uid (root only; threads count)
    max_restarts: int = 12


@dataclass
class StepFailure:
    call: int | None        # the call that was running, None for an import or start-up
    reason: str             # "timeout", "crashed", "not_run"
    detail: str


@dataclass
class WorkerRun:
    """What came back: JSON records per step, failures per step, the log."""

    out_dir: Path
    records: dict[int, list[dict]] = field(default_factory=dict)
    failures: dict[int, StepFailure] = field(default_factory=dict)
    output: str = ""
    log: list[str] = field(default_factory=list)


@dataclass
class _Progress:
    step: int | None = None
    call: int | None = None
    cpu_at_start: float = 0.0
    wall_at_start: float = 0.0
    printed: int = 0        # bytes of output since the current call started
    done: bool = False


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its reaped children (from /proc)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def write_plan(plan_dir: Path, steps: list[dict], arrays: dict[str, np.ndarray], **extra) -> None:
    plan_dir.mkdir(parents=True, exist_ok=True)
    (plan_dir / "plan.json").write_text(json.dumps({"steps": steps, **extra}))
    np.savez(plan_dir / "inputs.npz", **arrays)


def run_plan(steps: list[dict], arrays: dict[str, np.ndarray], submission_dir: Path,
             limits: Limits = Limits(), substitute: dict[str, list[str]] | None = None) -> WorkerRun:
    """Run every step of the plan on the submission in confined workers; return the raw records.

    steps: [{"kind": "import", "module": m} | {"kind": "probe", "module", "function", "schema",
    "calls", "report_inputs"}]; arrays: the input arrays the calls refer to by name.
    """
    job = Path(tempfile.mkdtemp(prefix="rnn-grade-"))
    box = None
    try:
        box = confine.prepare(job, submission_dir, WORKER_SCRIPT, limits)
        return _supervise(box, steps, arrays, limits, substitute or {})
    finally:
        if box is not None:
            box.close()
        shutil.rmtree(job, ignore_errors=True)


def _supervise(box, steps, arrays, limits, substitute) -> WorkerRun:
    skip_modules: list[str] = []
    write_plan(box.plan_dir, steps, arrays, substitute=substitute, skip_modules=skip_modules)
    run = WorkerRun(out_dir=box.out_dir, log=list(box.log))
    output = bytearray()
    dropped = 0
    start_step, start_call = 0, 0
    deadline = time.monotonic() + limits.submission_seconds
    restarts = 0
    while start_step < len(steps):
        if restarts > limits.max_restarts or time.monotonic() > deadline:
            why = "the submission's time ran out" if time.monotonic() > deadline else "the worker failed too often"
            for s in range(start_step, len(steps)):
                run.failures.setdefault(s, StepFailure(None, "not_run", why))
            break
        write_plan(box.plan_dir, steps, arrays, substitute=substitute, skip_modules=skip_modules)
        proc, progress_r = box.spawn(start_step, start_call)
        state = _Progress(wall_at_start=time.monotonic())
        verdict, dropped = _watch(box, proc, progress_r, state, limits, deadline, output, dropped, len(steps))
        box.kill_all(proc)
        os.close(progress_r)
        planted = box.seal_output()
        if planted:
            run.log.append(f"removed links/special files the worker planted in out/: {planted[:5]}")
        if state.done and verdict is None:
            break
        step = state.step if state.step is not None else start_step
        reason, detail = verdict or ("crashed", _exit_description(box.returncode(proc)))
        run.failures[step] = StepFailure(state.call, reason, detail)
        run.log.append(f"worker {reason} at step {step} call {state.call}: {detail}")
        spec = steps[step]
        if spec["kind"] == "import":
            skip_modules.append(spec["module"])
            start_step, start_call = step + 1, 0
        else:  # the rest of this function is not run again
            nxt = step + 1
            while nxt < len(steps) and steps[nxt].get("function") == spec["function"]:
                run.failures[nxt] = StepFailure(None, "not_run", f"{spec['function']} {reason} earlier")
                nxt += 1
            start_step, start_call = nxt, 0
        restarts += 1
    for s in range(len(steps)):
        try:
            blob = read_blob(box.out_dir / f"step_{s}.npys")
            run.records[s] = [_load_arrays(r, blob) for r in read_records(box.out_dir / f"step_{s}.jsonl")]
        except WireError as exc:
            run.records[s] = []
            run.failures.setdefault(s, StepFailure(None, "crashed", f"unreadable answers: {exc}"))
    text = output.decode("utf-8", "replace")
    run.output = text + (f"\n[... {dropped} more bytes of output dropped]" if dropped else "")
    run.log += box.warnings
    run.log.append(f"worker restarts: {restarts}")
    return run


def _load_arrays(record, blob: bytes):
    """Replace every {"npy": offset} in a record by {"array": float64 ndarray} (validated)."""
    if isinstance(record, list):
        return [_load_arrays(r, blob) for r in record]
    if not isinstance(record, dict):
        return record
    loaded = {k: _load_arrays(v, blob) for k, v in record.items() if k != "npy"}
    if "npy" in record:
        try:
            loaded["array"] = read_npy(blob, record["npy"])
        except WireError as exc:
            loaded["problem"] = f"the answer could not be read back ({exc})"
    return loaded


def _watch(box, proc, progress_r, state, limits, deadline, output, dropped, n_steps):
    """Follow one worker until it exits or overruns; return (verdict or None, dropped bytes)."""
    pending = [b""]
    streams = [progress_r, proc.stdout.fileno()]
    pid = box.worker_pid(proc)
    next_disk_check = time.monotonic() + 0.25

    def pump(timeout: float) -> bool:
        nonlocal dropped
        ready, _, _ = select.select(streams, [], [], timeout)
        for fd in ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                streams.remove(fd)
            elif fd == progress_r:
                *lines, rest = (pending[0] + chunk).split(b"\n")
                pending[0] = rest[-256:]
                for line in lines:
                    _advance(state, line, pid, n_steps)
            else:
                keep = max(0, min(len(chunk), limits.output_bytes - len(output)))
                output.extend(chunk[:keep])
                dropped += len(chunk) - keep
                state.printed += len(chunk)
        return bool(ready)

    while True:
        now = time.monotonic()
        if state.printed > limits.flood_bytes:
            return ("crashed", f"it printed more than {limits.flood_bytes >> 20} MB in one call (an output flood: "
                               "remove print calls from loops)"), dropped
        if now > next_disk_check:
            next_disk_check = now + 0.25
            if box.disk_usage(limits.disk_bytes) > limits.disk_bytes:
                return ("crashed", f"it wrote more than {limits.disk_bytes >> 20} MB of files"), dropped
        if state.step is None:
            if now - state.wall_at_start > limits.startup_seconds:
                return ("timeout", "the worker did not start"), dropped
        else:
            cpu = _cpu_seconds(pid) - state.cpu_at_start
            wall = now - state.wall_at_start
            # One wording for both limits, so that machine load cannot change the feedback.
            if cpu > limits.call_cpu_seconds or wall > limits.wall_factor * limits.call_cpu_seconds + 2:
                return ("timeout", f"went past its time limit ({limits.call_cpu_seconds:g} s of CPU time "
                                   "for one call)"), dropped
        if now > deadline:
            return ("timeout", "the submission's total time ran out"), dropped
        pump(0.05)
        if proc.poll() is not None:
            for _ in range(100):   # drain what the worker wrote before it exited
                if not streams or not pump(0):
                    break
            return (None if state.done else ("crashed", _exit_description(box.returncode(proc)))), dropped


def _advance(state: _Progress, line: bytes, pid: int, n_steps: int) -> None:
    """Follow a progress line. The student's code can write on this pipe too, so a line counts only
    if it names an existing step and moves forward: a forged line can neither make the runner blame
    a step that does not exist nor restart the CPU budget of the call that is running."""
    parts = line.decode("ascii", "replace").split()
    try:
        if parts[0] == "done":     # only after the last step: a forged "done" and an exit is a crash
            state.done = state.step == n_steps - 1
            return
        if parts[0] == "step":
            step, call = int(parts[1]), None
        elif parts[0] == "call":
            step, call = int(parts[1]), int(parts[2])
        else:
            return
    except (IndexError, ValueError):
        return
    here = (-1, -1) if state.step is None else (state.step, -1 if state.call is None else state.call)
    there = (step, -1 if call is None else call)
    if not 0 <= step < n_steps or (call is not None and call < 0) or there <= here:
        return
    state.step, state.call = step, call
    state.cpu_at_start = _cpu_seconds(pid)
    state.wall_at_start = time.monotonic()
    state.printed = 0


def _exit_description(returncode: int | None) -> str:
    if returncode is None:
        return "the worker stopped responding"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        hint = " (memory limit?)" if name in ("SIGKILL", "SIGSEGV", "SIGABRT") else ""
        return f"the process was killed by {name}{hint}"
    return f"the process exited with status {returncode} in the middle of a call"
