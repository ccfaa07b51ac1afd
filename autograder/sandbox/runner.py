"""The trusted side of the worker: start it confined, watch it, restart it past a bad call.

One worker normally runs the whole plan. A call that exceeds its CPU budget (or the wall-clock
backstop), prints a flood, or a worker that dies, costs that call and the rest of that function
(files over the disk cap: all of the function's run of calls, see below): the runner records the
failure, kills every process of the worker (confine.Box.kill_all), and starts a fresh worker at
the next function (the answer files of the steps it reruns are removed first). Nothing the worker
prints is parsed; its output is only kept (truncated) for the instructor's log. Budgets are CPU
seconds of the worker process, so a slow or loaded machine gives the same verdicts; wall-clock
limits are only generous backstops (for sleeping or blocked calls).

Student code runs in the worker, so it can write on the progress pipe and into out/ as well.
A progress line counts only when it is the next one an honest worker would write and the records
before it are in place (_advance), and each step also has a CPU budget of its calls' budgets
together: however many lines and records it forges, a submission never gets more CPU for a call
than the calls still ahead of it in its step could use. The answers are read by wire.read_step;
a record it refuses is that call's crash, and a call that failed keeps no answer, nor does any
later call of its step.

The worker waits on its stdin at the start of each block of steps (gated_steps: each import, each
function's run of steps, each realistic-size step; _StepGate). Meanwhile the runner measures the
files it has written, so a block that leaves more than the disk cap is the one blamed, however fast
the worker went on (a periodic check alone would blame whichever step runs when it looks), and the
whole block loses its answers, so that the verdict does not depend on timing either. The step's
clock starts when the worker has taken the runner's byte (until then the CPU counts against the
step before), so a call that forges its way into the next block gains no time and takes none from
it. A realistic-size step's inputs (run_plan's `deferred`) are written into the plan only then, and
a second byte sent: no other call, whatever its budget, can reach them or do their work ahead.

Every step's answers are read when the step ends: when the runner accepts the next step's start,
or when its worker stops (_Answers). What a later call writes into them changes nothing, so no
call can improve an earlier step's answer with its own budget; and reading them while the worker
goes on keeps that work off a grade's critical path.
"""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from autograder import i18n
from autograder.sandbox import confine, tree
from autograder.sandbox.early import WORKER_SCRIPT, EarlyWorker, start_early  # noqa: F401 - the runner's surface
from autograder.sandbox.forms import StepForm, form_of
from autograder.sandbox.limits import REALISTIC_CPU_SECONDS, REALISTIC_ENV, Limits, realistic_budget  # noqa: F401
from autograder.sandbox.wire import Budget, RecordTail, StepAnswers, read_step

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
STEP_SLACK_SECONDS = 0.5     # a step's CPU budget: its calls' budgets together, plus this


class Meanwhile(Protocol):
    """The grader's own work, done while its worker runs (e.g. pipeline/ahead.py). The runner tells it
    when a step starts and when a step's answers are read, and lets it work one small piece at a
    time whenever the worker has nothing for the runner. It must not depend on when it is done."""

    def step_started(self, step: int) -> None: ...

    def step_ended(self, step: int, records: list[dict]) -> None: ...

    def pending(self) -> bool: ...

    def work(self) -> None: ...


def call_budget(spec: dict, limits: Limits) -> float:
    """CPU seconds one call of plan step SPEC may use (a module import: import_cpu_seconds)."""
    if spec.get("kind") == "import":
        return limits.import_cpu_seconds
    return limits.realistic_cpu_seconds if spec.get("realistic") else limits.call_cpu_seconds


def wall_backstop(budget: float, limits: Limits) -> float:
    """The wall-clock seconds a call with CPU budget BUDGET may take: the ordinary call's backstop
    (wall_factor * call_cpu_seconds + 2), or four times a larger budget (an import, a realistic-size
    case) plus 2 s, whichever is longer."""
    return max(limits.wall_factor * limits.call_cpu_seconds, 4 * budget) + 2


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
    """Where the worker is, as far as the runner accepts it (see _advance), and since when."""

    forms: list[StepForm]
    out_dir: Path
    budgets: list[float] = field(default_factory=list)    # CPU seconds per call, by step (call_budget)
    skipped: frozenset[str] = frozenset()     # modules whose import step writes no record
    start_step: int = 0
    start_call: int = 0
    step: int | None = None
    call: int | None = None
    cpu_at_start: float = 0.0
    wall_at_start: float = 0.0
    step_cpu_at_start: float = 0.0
    step_wall_at_start: float = 0.0
    step_calls: int = 1          # calls this step may still take (its CPU budget is that many calls')
    block_start: int = 0         # the gated step that began the current block (set to start_step)
    printed: int = 0        # bytes of output since the current call started
    done: bool = False
    gate: _StepGate | None = None          # what a step's start does (answers read, inputs handed over)
    meanwhile: Meanwhile | None = None     # the caller's work, told of each step's start
    tails: dict[int, RecordTail] = field(default_factory=dict)

    def tail(self, step: int) -> RecordTail:
        if step not in self.tails:
            self.tails[step] = RecordTail(self.out_dir / f"step_{step}.jsonl")
        tail = self.tails[step]
        tail.poll()
        return tail

    def has_record(self, step: int, call: int) -> bool:
        """Call CALL of STEP has a record in place (the file is read again only when not yet seen)."""
        tail = self.tails.get(step)
        return (tail is not None and call in tail.calls) or call in self.tail(step).calls

    def finished(self, step: int) -> bool:
        """Step STEP's records are in place: its import record, its last call's, or a "missing" one."""
        form = self.forms[step]
        if form.kind == "import":
            return form.module in self.skipped or self.tail(step).lines > 0
        tail = self.tail(step)
        return tail.missing or form.calls == 0 or form.calls - 1 in tail.calls

    def first_call(self, step: int) -> int:
        return self.start_call if step == self.start_step else 0


@dataclass
class _StepGate:
    """What the runner does when it accepts the start of a step in worker PROC: it reads the answers
    of the steps before it (they have ended). At a step where the worker waits for one "go" byte
    (WAITS, gated_steps) it first measures the files the worker has written (over DISK_CAP: overrun,
    and the byte is never sent: the block before is to blame), then sends the byte. That step starts
    only once the worker has taken it (ready): until then the CPU counts against the step before, so
    a submission that forges its way into the step from a call of the step before gains no time and
    takes none from the step; then a deferred step's inputs are written and a second byte sent
    (_Deferred.hand_over)."""

    answers: _Answers
    handover: _Deferred
    box: confine.Box
    proc: object
    waits: frozenset[int]
    disk_cap: int
    pending: int | None = None
    overrun: bool = False

    def accepted(self, step: int) -> bool:
        """True when STEP starts now; False when it waits for the worker to take its byte, or never
        will (overrun)."""
        waits = step in self.waits
        # out/ and tmp/ measured now; elsewhere (a fallback without Landlock) as often as _watch looks
        if waits and self.box.disk_usage(self.disk_cap, look_elsewhere=False) > self.disk_cap:
            self.overrun = True
            return False
        first = waits and not self.handover.guards(step)    # let the worker go on while they are read
        if first:
            self._let_go(step)
        self.answers.read_before(step)
        self.handover.drop_before(step)
        if waits and not first:
            self._let_go(step)
        return not waits

    def _let_go(self, step: int) -> None:
        self.pending = step
        self.box.resume(self.proc)

    def ready(self) -> int | None:
        """The pending step, once the worker has taken its byte (its inputs are then handed over)."""
        if self.pending is None or self.box.unread(self.proc) > 0:
            return None
        step, self.pending = self.pending, None
        self.handover.hand_over(step, self.proc)
        return step


def gated_steps(steps: list[dict], deferred: set[int] | dict) -> frozenset[int]:
    """The steps at whose start the worker waits (_StepGate): the first of each block, a block being
    one import, or one function's consecutive probe steps; and every DEFERRED step and the one after
    it (_Deferred.guards). Files over the disk cap found at a block's end, or while it ran, cost the
    whole block."""
    def block(spec: dict) -> tuple:
        return (spec["kind"], spec.get("function") or spec.get("module"))
    return frozenset(s for s, spec in enumerate(steps)
                     if s == 0 or block(spec) != block(steps[s - 1]) or s in deferred or s - 1 in deferred)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its reaped children (from /proc)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def write_plan(plan_dir: Path, steps: list[dict], arrays: dict[str, np.ndarray] | None, **extra) -> None:
    """plan.json, and the inputs unless ARRAYS is None (a restart: the worker cannot change them)."""
    plan_dir.mkdir(parents=True, exist_ok=True)
    (plan_dir / "plan.json").write_text(json.dumps({"steps": steps, **extra}))
    if arrays is not None:
        write_inputs(plan_dir, "inputs", arrays)


def write_inputs(plan_dir: Path, stem: str, arrays: dict[str, np.ndarray]) -> None:
    """STEM.f64, every array's float64 data back to back (C order, no headers), and STEM.json,
    its index {name: [byte offset, shape]} (the worker's load_inputs)."""
    index, offset = {}, 0
    with open(plan_dir / f"{stem}.f64", "wb") as f:
        for name, arr in arrays.items():
            data = np.asarray(arr, dtype="<f8", order="C")
            f.write(memoryview(data.reshape(-1)).cast("B"))
            index[name] = [offset, list(data.shape)]
            offset += data.nbytes
    (plan_dir / f"{stem}.json").write_text(json.dumps(index))


def deferred_stem(step: int) -> str:
    """The file name (without suffix) of a deferred step's inputs in the plan folder (worker.py: same)."""
    return f"step_{step}_inputs"


@dataclass
class _Deferred:
    """A plan's realistic-size inputs, held here until their step starts."""

    box: confine.Box
    arrays: dict[int, dict[str, np.ndarray] | Callable[[], dict[str, np.ndarray]]]    # or what makes them
    delivered: set[int] = field(default_factory=set)

    def guards(self, step: int) -> bool:
        """At the start of STEP the answers before it are read before the worker may go on: a deferred
        step, or the one after it (no call of it can run before the deferred step's answers are read)."""
        return step in self.arrays or step - 1 in self.arrays

    def hand_over(self, step: int, proc) -> None:
        """Deferred STEP starts in worker PROC: write its inputs (once), send the second byte."""
        if step not in self.arrays:
            return
        if step not in self.delivered:
            arrays = self.arrays[step]
            write_inputs(self.box.plan_dir, deferred_stem(step), arrays() if callable(arrays) else arrays)
            self.delivered.add(step)
            if isinstance(arrays, dict):
                arrays.clear()  # written: no step starts twice, so no one need keep them (the plan's too)
        self.box.resume(proc)

    def mark(self, steps: list[dict], waits: frozenset[int]) -> list[dict]:
        """The plan's steps as the worker reads them: "wait" where it waits for a byte (WAITS),
        "deferred" where its inputs come then (after a second byte)."""
        marked = []
        for s, spec in enumerate(steps):
            flags = {"wait": s in waits, "deferred": s in self.arrays}
            marked.append(dict(spec, **{k: True for k, v in flags.items() if v}))
        return marked

    def drop_before(self, step: int) -> None:
        """Remove the input files of the delivered steps before STEP (they have ended; a worker's
        mapping of them stays valid): no later worker can read them."""
        for s in sorted(self.delivered):
            if s < step:
                for suffix in ("f64", "json"):
                    (self.box.plan_dir / f"{deferred_stem(s)}.{suffix}").unlink(missing_ok=True)


@dataclass
class _Answers:
    """Each step's answers, read once, when the step has ended (wire.read_step), in step order
    against one Budget."""

    out_dir: Path
    forms: list[StepForm]
    budget: Budget
    meanwhile: Meanwhile | None = None       # told of each step's answers as they are read
    read: dict[int, StepAnswers] = field(default_factory=dict)

    def read_before(self, step: int) -> None:
        for s in range(min(step, len(self.forms))):
            self.get(s)

    def get(self, step: int) -> StepAnswers:
        if step not in self.read:
            self.read[step] = read_step(self.out_dir, step, self.forms[step], self.budget)
            if self.meanwhile is not None:
                self.meanwhile.step_ended(step, self.read[step].records)
        return self.read[step]


def run_plan(steps: list[dict], arrays: dict[str, np.ndarray], submission_dir: Path,
             limits: Limits | None = None, substitute: dict[str, list[str]] | None = None,
             early: EarlyWorker | None = None,
             deferred: dict[int, dict[str, np.ndarray]] | None = None,
             meanwhile: Meanwhile | None = None) -> WorkerRun:
    """Run every step of the plan on the submission in confined workers; return the raw records.

    steps: [{"kind": "import", "module": m} | {"kind": "probe", "module", "function", "schema",
    "calls", "report_inputs"}]; arrays: the input arrays the calls refer to by name.
    early: the job, box and held first worker start_early made for this submission (and LIMITS).
    deferred: {step: its own arrays, or a function that makes them} for the steps whose inputs no
    other call may reach (the realistic-size cases, run last): handed over when that step starts
    (_Deferred), and each step's dict emptied then.
    meanwhile: the caller's own work, done while the worker runs (Meanwhile).
    """
    limits = limits or Limits()
    if early is not None and not early.taken:
        early.taken = True
        job, box = early.job, early.box
    else:
        early = None
        job, box = Path(tempfile.mkdtemp(prefix="rnn-grade-")), None
    run = None
    try:
        if box is None:
            box = confine.prepare(job, submission_dir, WORKER_SCRIPT, limits)
        run = _supervise(box, steps, arrays, limits, substitute or {}, early, deferred or {}, meanwhile)
        return run
    finally:       # never raises: a cleanup problem is logged, the result is kept
        if early is not None:
            early.drop_worker()        # not taken (no step to run, or the plan could not be written)
        problems = box.close() if box is not None else []
        problems += tree.remove_tree(str(job))
        if problems and run is not None:
            run.log.append(f"cleanup problems (the results are not affected): {problems[:5]}")


def _supervise(box, steps, arrays, limits, substitute, early: EarlyWorker | None = None,
               deferred: dict[int, dict[str, np.ndarray]] | None = None,
               meanwhile: Meanwhile | None = None) -> WorkerRun:
    skip_modules: list[str] = []
    forms = [form_of(spec) for spec in steps]
    handover = _Deferred(box, dict(deferred or {}))
    answers = _Answers(box.out_dir, forms, Budget(limits.answer_bytes), meanwhile)
    waits = gated_steps(steps, handover.arrays)
    write_plan(box.plan_dir, handover.mark(steps, waits), arrays, substitute=substitute, skip_modules=skip_modules)
    run = WorkerRun(out_dir=box.out_dir, log=list(box.log))
    output = bytearray()
    dropped = 0
    start_step, start_call = 0, 0
    deadlines = step_deadlines(steps, limits, time.monotonic())
    restarts = 0
    while start_step < len(steps):
        if restarts <= limits.max_restarts and time.monotonic() > deadlines[start_step]:
            # the time of these steps ran out; a realistic-size step still has its own
            nxt = next((s for s in range(start_step, len(steps)) if time.monotonic() <= deadlines[s]), len(steps))
            for s in range(start_step, nxt):
                run.failures.setdefault(s, StepFailure(None, "not_run", "the submission's time ran out"))
            start_step, start_call = nxt, 0
            continue
        deadline = deadlines[start_step]
        if restarts > limits.max_restarts or time.monotonic() > deadline:
            why = i18n._("the submission's time ran out") if time.monotonic() > deadline else i18n._(
                "the worker failed too often")
            for s in range(start_step, len(steps)):
                run.failures.setdefault(s, StepFailure(None, "not_run", why))
            break
        if restarts:      # the plan was written above; a restart may skip a module that failed to load
            write_plan(box.plan_dir, handover.mark(steps, waits), None, substitute=substitute,
                       skip_modules=skip_modules)
            run.log += box.reset_scratch()     # the last worker's files count against no later call
        _clear_steps(box.out_dir, start_step, len(steps))
        held = early.take() if early is not None and not restarts and start_step == 0 else None
        if held is not None:        # started early, waiting: the plan is written, let it read it
            proc, progress_r = held
            box.go(proc, keep_open=True)        # it waits for a byte at the gated steps
        else:
            proc, progress_r = box.spawn(start_step, start_call, keep_open=True)
        state = _Progress(forms, box.out_dir, [call_budget(spec, limits) for spec in steps],
                          frozenset(skip_modules), start_step, start_call, wall_at_start=time.monotonic(),
                          block_start=start_step, meanwhile=meanwhile,
                          gate=_StepGate(answers, handover, box, proc, waits, limits.disk_bytes))
        verdict, dropped = _watch(box, proc, progress_r, state, limits, deadlines, output, dropped)
        box.kill_all(proc)
        os.close(progress_r)
        planted = box.seal_output()
        if planted:
            run.log.append(f"removed links/special files the worker planted in out/: {planted[:5]}")
        if state.done and verdict is None:
            break
        step = state.step if state.step is not None else start_step
        reason, detail = verdict or ("crashed", _exit_description(box.returncode(proc)))
        call = state.call
        if reason == DISK:      # found at the block's end or while it ran: the whole block, whenever seen
            step = state.block_start
            reason, call = "crashed", (state.first_call(step) if forms[step].kind != "import" else None)
        run.failures[step] = StepFailure(call, reason, detail)
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
        answers.read_before(start_step)         # they have ended: no later worker changes them
        restarts += 1
    _read_answers(run, forms, answers)
    text = output.decode("utf-8", "replace")
    run.output = text + (f"\n[... {dropped} more bytes of output dropped]" if dropped else "")
    run.log += box.warnings
    run.log.append(f"worker restarts: {restarts}")
    return run


def _clear_steps(out_dir: Path, start: int, n_steps: int) -> None:
    """Remove the answer files of steps START... before a worker (re)starts there: what a previous
    worker wrote for them, beyond the point the runner had accepted, must not be appended to."""
    for s in range(start, n_steps):
        for suffix in ("jsonl", "f64"):
            if os.path.lexists(out_dir / f"step_{s}.{suffix}"):
                tree.remove_entry(str(out_dir), f"step_{s}.{suffix}")


def _read_answers(run: WorkerRun, forms: list[StepForm], answers: _Answers) -> None:
    """Every step's records (read when it ended, the rest now). A refused record is that call's
    crash; a call that failed (timeout, crash) keeps no answer, nor does any later call of its step."""
    for s, form in enumerate(forms):
        step_answers = answers.get(s)
        failure = run.failures.get(s)
        if step_answers.problem is not None:      # the root cause, whatever the runner saw meanwhile
            run.records[s] = []
            run.failures[s] = StepFailure(0 if form.calls else None, "crashed", _unreadable(step_answers.problem))
            run.log.append(f"step {s}: answers refused: {step_answers.problem}")
            continue
        if step_answers.refused:
            first = min(step_answers.refused)
            run.log.append(f"step {s}: records refused: {dict(sorted(step_answers.refused.items())[:5])}")
            if failure is None or (failure.call is not None and first < failure.call):
                failure = run.failures[s] = StepFailure(first, "crashed", _unreadable(step_answers.refused[first]))
        if failure is None:
            run.records[s] = step_answers.records
        else:   # only the calls that finished before the failure (others were forged, or cut short)
            run.records[s] = [r for r in step_answers.records
                              if "call" in r and failure.call is not None and r["call"] < failure.call]


def _unreadable(why: str) -> str:
    return i18n._("its answer could not be read back ({why}): the files the grader reads were written to or "
                  "changed by the submission").format(why=why)


def step_deadlines(steps: list[dict], limits: Limits, start: float) -> list[float]:
    """The wall-clock time by which each step must be done. The realistic-size steps (run last) have
    the submission's whole time; every other step must leave them their CPU budgets (at most half of
    the total), so that no other function's calls can use up a realistic-size case's time."""
    reserve = min(limits.submission_seconds / 2,
                  sum(limits.realistic_cpu_seconds + STEP_SLACK_SECONDS for spec in steps if spec.get("realistic")))
    end = start + limits.submission_seconds
    return [end if spec.get("realistic") else end - reserve for spec in steps]


def _watch(box, proc, progress_r, state, limits, deadlines, output, dropped):
    """Follow one worker until it exits or overruns; return (verdict or None, dropped bytes)."""
    pending = [b""]
    streams = [progress_r, proc.stdout.fileno()]
    pid = box.worker_pid(proc)
    next_disk_check = time.monotonic() + 0.25

    def pump(timeout: float) -> bool:
        nonlocal dropped
        if not streams:         # both pipes closed: the worker is gone or going, wait for that instead
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
            return False
        ready, _, _ = select.select(streams, [], [], timeout)
        for fd in ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                streams.remove(fd)
            elif fd == progress_r:
                *lines, rest = (pending[0] + chunk).split(b"\n")
                pending[0] = rest[-256:]
                cpu = _cpu_seconds(pid) if lines else 0.0      # once for all: each line was written before
                for line in lines:
                    _advance(state, line, pid, cpu)
            else:
                keep = max(0, min(len(chunk), limits.output_bytes - len(output)))
                output.extend(chunk[:keep])
                dropped += len(chunk) - keep
                state.printed += len(chunk)
        return bool(ready)

    while True:
        now = time.monotonic()
        if state.printed > limits.flood_bytes:
            return ("crashed", i18n._("it printed more than {mb} MB in one call (an output flood: "
                                      "remove print calls from loops)").format(mb=limits.flood_bytes >> 20)), dropped
        if state.gate is not None and state.gate.overrun:
            return _disk_verdict(limits), dropped
        # also while a block runs (a long one must not fill the disk); not while the worker waits at a
        # gate, which has just measured: the block before is to blame up to it, this one only from it
        if now > next_disk_check and (state.gate is None or state.gate.pending is None):
            next_disk_check = now + 0.25
            if box.disk_usage(limits.disk_bytes) > limits.disk_bytes:
                return _disk_verdict(limits), dropped
        if state.step is None:
            if now - state.wall_at_start > limits.startup_seconds:
                return ("timeout", i18n._("the worker did not start")), dropped
        else:
            cpu_now = _cpu_seconds(pid)
            cpu, step_cpu = cpu_now - state.cpu_at_start, cpu_now - state.step_cpu_at_start
            wall, step_wall = now - state.wall_at_start, now - state.step_wall_at_start
            budget = state.budgets[state.step]
            call_wall = wall_backstop(budget, limits)
            # One wording for every limit, so that machine load cannot change the feedback.
            if (cpu > budget or wall > call_wall
                    or step_cpu > state.step_calls * budget + STEP_SLACK_SECONDS
                    or step_wall > state.step_calls * call_wall):
                return ("timeout", i18n._("went past its time limit ({seconds} s of CPU time for one call)").format(
                    seconds=f"{budget:g}")), dropped
        # (modules imported again before the start step count as the start step's)
        if now > deadlines[max(state.step if state.step is not None else 0, state.start_step)]:
            return ("timeout", i18n._("the submission's total time ran out")), dropped
        _gate_opened(state, pid)
        if state.gate is not None and state.gate.pending is not None:
            pump(0.001)             # the worker waits for its byte: nothing else first
        elif state.meanwhile is not None and state.meanwhile.pending():
            if not pump(0):         # nothing from the worker now: a piece of the caller's work
                state.meanwhile.work()
        else:
            pump(0.05)
        if proc.poll() is not None:
            for _ in range(100):   # drain what the worker wrote before it exited
                if not streams or not pump(0):
                    break
            if state.done and box.disk_usage(limits.disk_bytes, look_elsewhere=False) > limits.disk_bytes:
                return _disk_verdict(limits), dropped        # the last step's end, as at every other step's
            return (None if state.done else ("crashed", _exit_description(box.returncode(proc)))), dropped


DISK = "disk"       # _watch's verdict on files over the cap, blamed on the whole block (_supervise)


def _disk_verdict(limits: Limits) -> tuple[str, str]:
    quota = i18n._("at most {mb} MB and {files} files, in folders at most {depth} deep").format(
        mb=limits.disk_bytes >> 20, files=tree.MEASURE_ENTRIES, depth=tree.MEASURE_DEPTH)
    return DISK, i18n._("it wrote more files than allowed ({quota})").format(quota=quota)


def _advance(state: _Progress, line: bytes, pid: int, cpu: float | None = None) -> None:
    """Follow a progress line. The student's code can write on this pipe too, so a line counts only
    if it is the next thing an honest worker would report and what comes before it is in place:
    "call S J" when S is the current step and J is its next call, J - 1's record being written;
    "step S" when S is the next step and the previous one's records are all written (or S is a
    re-import before, or the step the worker was started at); "done" when the last step's are.
    CPU: the worker's CPU seconds read before the line was (default: read now).
    So a forged line cannot make the runner blame a step that did not run, and however many
    records a submission forges, a step never gets more CPU than its calls' budgets together."""
    _gate_opened(state, pid, cpu)       # a line after the worker took its byte comes after the step's start
    parts = line.decode("ascii", "replace").split()
    n_steps = len(state.forms)
    try:
        if parts[0] == "done":     # a forged "done" and an exit is a crash
            state.done = state.step == n_steps - 1 and state.finished(state.step)
            return
        if parts[0] == "step":
            step, call = int(parts[1]), None
        elif parts[0] == "call":
            step, call = int(parts[1]), int(parts[2])
        else:
            return
    except (IndexError, ValueError):
        return
    if not 0 <= step < n_steps:
        return
    if call is None:
        if (state.step is not None and step <= state.step) or (state.gate is not None and state.gate.pending == step):
            return
        if step < state.start_step:
            ok = state.forms[step].kind == "import"          # modules imported again before the start
        elif step == state.start_step:
            ok = True
        else:
            ok = state.step is not None and step == state.step + 1 and state.finished(state.step)
        if not ok:
            return
    else:
        if step != state.step:
            return
        expected = state.first_call(step) if state.call is None else state.call + 1
        if call != expected or call >= state.forms[step].calls:
            return
        if call > state.first_call(step) and not state.has_record(step, call - 1):
            return
    if call is None and state.gate is not None and step >= state.start_step and not state.gate.accepted(step):
        return          # it starts when the worker takes its byte (_gate_opened)
    _start(state, step, call, _cpu_seconds(pid) if cpu is None else cpu)


def _start(state: _Progress, step: int, call: int | None, now_cpu: float) -> None:
    """Step STEP (call None) or its call CALL starts now: its clocks start."""
    now = time.monotonic()
    if call is None:
        state.step_cpu_at_start, state.step_wall_at_start = now_cpu, now
        if step > state.block_start and state.gate is not None and step in state.gate.waits:
            state.block_start = step
        state.step_calls = max(1, state.forms[step].calls - state.first_call(step))
        if state.meanwhile is not None:
            state.meanwhile.step_started(step)
    state.step, state.call = step, call
    state.cpu_at_start, state.wall_at_start = now_cpu, now
    state.printed = 0


def _gate_opened(state: _Progress, pid: int, cpu: float | None = None) -> None:
    """The step waiting at the gate starts if the worker has taken its byte (_StepGate.ready)."""
    if state.gate is not None and state.gate.pending is not None:
        step = state.gate.ready()
        if step is not None:
            _start(state, step, None, _cpu_seconds(pid) if cpu is None else cpu)


SIGNALS_NAMED = frozenset({"SIGKILL", "SIGSEGV", "SIGABRT", "SIGBUS", "SIGFPE", "SIGILL", "SIGXCPU", "SIGXFSZ",
                           "SIGTERM", "SIGSYS", "SIGPIPE"})
STATUS_SHOWN = 9    # exit statuses up to this are shown; the submission chooses its status, so no higher one is


def _exit_description(returncode: int | None) -> str:
    """Why the worker stopped, in a fixed vocabulary: a status or signal the submission chose (its own
    sys.exit or kill) could otherwise carry a hidden input out."""
    if returncode is None:
        return i18n._("the worker stopped responding")
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = ""
        if name not in SIGNALS_NAMED:
            return i18n._("the process was killed by a signal")
        hint = i18n._(" (memory limit?)") if name in ("SIGKILL", "SIGSEGV", "SIGABRT") else ""
        return i18n._("the process was killed by {signal}{hint}").format(signal=name, hint=hint)
    if returncode > STATUS_SHOWN:
        return i18n._("the process exited with a status above {n} in the middle of a call").format(n=STATUS_SHOWN)
    return i18n._("the process exited with status {status} in the middle of a call").format(status=returncode)
