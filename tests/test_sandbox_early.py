"""The first worker of a grade starts early (runner.start_early), held until "go".

A held worker imports NumPy and waits on its stdin: it reads no job file and costs no CPU until
the grader, having written the plan, writes "go". A grade that stops before then kills it and
removes its job; EOF without "go" makes it exit without reading anything.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from autograder.pipeline import grade
from autograder.sandbox import confine, forkserver, procs, runner
from autograder.sandbox.runner import WORKER_SCRIPT, Limits

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "reference" / "rnn_bptt" / "solution"
MODES = [("namespaces", "on"), ("fallback", "off"), ("fallback", "on")]


def _mode(monkeypatch, mode: str, fork_server: str) -> None:
    if mode == "namespaces" and not confine.host().bwrap:
        pytest.skip("bubblewrap is not installed")
    monkeypatch.setenv(confine.MODE_ENV, mode)
    monkeypatch.setenv(forkserver.ENV, fork_server)


def _gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists() or procs._status(pid).get("State", "Z").startswith("Z")


@pytest.mark.parametrize(("mode", "fork_server"), MODES)
def test_a_grade_that_fails_before_go_kills_the_early_worker_and_removes_its_job(monkeypatch, mode, fork_server):
    _mode(monkeypatch, mode, fork_server)
    seen = {}
    real_start = grade.start_early

    def start(submission_dir, limits):
        early = real_start(submission_dir, limits)
        seen["early"] = early
        if early.worker is not None:
            proc = early.worker[0]
            seen["pid"] = early.box.worker_pid(proc)
        seen["uid"] = early.box.slot.uid if early.box.slot else None
        return early

    def broken(*args, **kwargs):
        early = seen["early"]
        assert early.job.is_dir() and not (early.job / "plan" / "plan.json").exists()
        if "pid" in seen:             # waiting for "go", alive
            assert not _gone(seen["pid"]), "the held worker exited before go"
        raise RuntimeError("an internal error before the plan is written")

    monkeypatch.setattr(grade, "start_early", start)
    monkeypatch.setattr(grade, "build_cases", broken)
    with pytest.raises(RuntimeError, match="internal error"):
        grade.grade_submission(SOLUTION)
    early = seen["early"]
    assert early.taken and early.worker is None and early.box.slot is None
    assert not early.job.exists(), "the job folder was left behind"
    if fork_server == "on" and mode == "fallback":
        assert "pid" not in seen          # forked at "go": nothing started early but the zygote
    else:
        assert "pid" in seen
        deadline = time.monotonic() + 10
        while not _gone(seen["pid"]) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _gone(seen["pid"]), "the early worker is still running"
    if seen["uid"] is not None:
        assert procs.processes_of_uid(seen["uid"]) == []


def _held(monkeypatch, mode, fork_server) -> tuple[confine.Box, Path, Path, object, int]:
    _mode(monkeypatch, mode, fork_server)
    sub = Path(tempfile.mkdtemp(prefix="rnn-test-sub-"))      # places the slot's uid can reach
    job = Path(tempfile.mkdtemp(prefix="rnn-test-job-"))
    box = confine.prepare(job, sub, WORKER_SCRIPT, Limits())
    proc, progress = box.spawn(0, 0, hold=True)
    return box, job, sub, proc, progress


@pytest.mark.parametrize(("mode", "fork_server"), MODES)
def test_a_held_worker_reads_nothing_and_uses_no_cpu_until_go(monkeypatch, mode, fork_server):
    box, job, sub, proc, progress = _held(monkeypatch, mode, fork_server)
    try:
        pid = box.worker_pid(proc)
        time.sleep(1.0)            # NumPy imported by now; with no plan.json it would crash if it read it
        assert proc.poll() is None, proc.stdout.read()
        cpu = runner._cpu_seconds(pid)
        time.sleep(0.5)
        assert runner._cpu_seconds(pid) - cpu < 0.05, "waiting for go costs CPU"
        assert os.listdir(box.out_dir) == []
        box.go(proc)               # now it reads the plan, which does not exist: it fails
        assert proc.wait(timeout=30) != 0
        assert b"plan.json" in proc.stdout.read()
    finally:
        box.kill_all(proc)
        os.close(progress)
        box.close()
        shutil.rmtree(job, ignore_errors=True)
        shutil.rmtree(sub, ignore_errors=True)


@pytest.mark.parametrize(("mode", "fork_server"), MODES)
def test_eof_without_go_makes_the_worker_exit_without_reading(monkeypatch, mode, fork_server):
    box, job, sub, proc, progress = _held(monkeypatch, mode, fork_server)
    try:
        os.close(box.go_fds.pop(proc.pid))      # the grader gave up: no "go"
        proc.wait(timeout=30)
        assert box.returncode(proc) == 3
        assert proc.stdout.read() == b""
    finally:
        box.kill_all(proc)
        os.close(progress)
        box.close()
        shutil.rmtree(job, ignore_errors=True)
        shutil.rmtree(sub, ignore_errors=True)


def test_a_grade_runs_its_first_worker_from_the_early_start(monkeypatch):
    taken = []
    real_take = runner.EarlyWorker.take

    def take(self):
        worker = real_take(self)
        taken.append((worker, self.box.forks_workers()))
        return worker

    monkeypatch.setattr(runner.EarlyWorker, "take", take)
    report = grade.grade_submission(SOLUTION)
    assert report.score == report.max_score > 0
    assert len(taken) == 1, "the first worker run did not take the early start"
    worker, forks = taken[0]
    assert (worker is not None) != forks     # held since staging, unless the zygote forks it at "go"


# ---- prestart: the command line starts the sandbox before it imports NumPy -------------------------
PRESTART_PROBE = """
import json, sys
from autograder.sandbox import early
seen = {}
real_prestart, real_take = early.prestart, early.EarlyWorker.take
def prestart(limits):
    seen["numpy_at_prestart"] = "numpy" in sys.modules
    seen["grader_at_prestart"] = "autograder.pipeline.grade" in sys.modules
    p = real_prestart(limits)
    seen["folder"] = str(p.folder)
    seen["job"] = str(p.early.job)
    seen["prestarted"] = p.early
    return p
def take(self):
    seen["taken"] = self is seen.get("prestarted")
    return real_take(self)
early.prestart, early.EarlyWorker.take = prestart, take
from autograder.platforms.cli import main
status = main(sys.argv[1:])
seen.pop("prestarted")
print(json.dumps(dict(seen, status=status)))
"""


def _cli(tmp_path, *args: str) -> dict:
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", PRESTART_PROBE, *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_command_line_starts_the_worker_before_it_imports_numpy_and_grades_with_it(tmp_path):
    import json

    seen = _cli(tmp_path, "grade", str(SOLUTION), "--results", str(tmp_path / "r.json"), "--quiet")
    assert seen["status"] == 0
    assert seen["numpy_at_prestart"] is False and seen["grader_at_prestart"] is False
    assert seen["taken"] is True, "the grade did not run its plan in the prestarted worker"
    assert json.loads((tmp_path / "r.json").read_text())["score"] == 100
    assert not Path(seen["folder"]).exists() and not Path(seen["job"]).exists()


def test_a_prestart_is_ended_when_the_command_fails_before_grading(tmp_path):
    seen = _cli(tmp_path, "grade", str(SOLUTION), "--results", str(tmp_path / "r.json"), "--assignment",
                str(tmp_path / "no-such-assignment"))
    assert seen["status"] == 2 and "taken" not in seen
    assert not Path(seen["folder"]).exists() and not Path(seen["job"]).exists()


@pytest.mark.parametrize(("mode", "fork_server"), MODES)
def test_a_prestarted_grade_admits_the_staged_files_before_go(monkeypatch, mode, fork_server):
    """The submission is staged after the box was prepared: before "go" its files get what
    confine.prepare gives a submission staged before it (root: root's, the slot group's, 0640)."""
    from autograder.sandbox.early import prestart

    _mode(monkeypatch, mode, fork_server)
    at_go = []
    real_go = confine.Box.go

    def go(self, proc, keep_open=False):
        if not at_go:
            files = [p for p in self.submission_dir.rglob("*") if p.is_file()]
            at_go.append([(p.name, p.stat().st_uid, p.stat().st_gid, p.stat().st_mode & 0o777) for p in files])
            at_go.append(self.slot.gid if self.slot else None)
        return real_go(self, proc, keep_open)

    monkeypatch.setattr(confine.Box, "go", go)
    started = prestart(Limits())
    try:
        report = grade.grade_submission(SOLUTION, prestart=started)
    finally:
        started.abort()
    assert report.score == report.max_score > 0
    files, gid = at_go
    assert sorted(name for name, *_ in files) == ["activations.py", "clipping.py", "jacobian.py", "rnn.py"]
    if gid is not None:
        assert all((uid, g, mode_) == (0, gid, 0o640) for _, uid, g, mode_ in files), files
    assert not started.folder.exists() and not started.early.job.exists()


def test_a_prestart_for_other_limits_is_not_used(monkeypatch):
    from autograder.sandbox.early import prestart

    started = prestart(Limits(call_cpu_seconds=0.5))
    try:
        report = grade.grade_submission(SOLUTION, limits=Limits(), prestart=started)
        assert report.score == report.max_score > 0
        assert not started.early.taken, "a worker started for other limits ran the plan"
    finally:
        started.abort()
    assert not started.folder.exists() and not started.early.job.exists()
