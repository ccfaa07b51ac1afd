"""How the worker process is confined: the trust boundary's one auditable module.

prepare() lays out the job directory and returns a Box whose spawn() starts the worker
and whose kill_all() ends every process it started. This first version applies rlimits,
a new session and a minimal environment; stronger isolation plugs in here.
"""
from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

SAFE_ENV = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
}


@dataclass
class Box:
    job: Path
    plan_dir: Path
    out_dir: Path
    tmp_dir: Path
    submission_dir: Path
    worker_script: Path
    limits: object
    log: list[str] = field(default_factory=list)

    def spawn(self, start_step: int, start_call: int) -> tuple[subprocess.Popen, int]:
        progress_r, progress_w = os.pipe()
        argv = [sys.executable, "-I", str(self.worker_script), str(self.plan_dir), str(self.out_dir),
                str(self.submission_dir), str(progress_w), str(start_step), str(start_call)]
        env = dict(SAFE_ENV, HOME=str(self.tmp_dir), TMPDIR=str(self.tmp_dir))
        for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
            if key in os.environ:
                env[key] = os.environ[key]
        proc = subprocess.Popen(argv, cwd=self.tmp_dir, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                pass_fds=(progress_w,), start_new_session=True,
                                preexec_fn=self._limit)
        os.close(progress_w)
        return proc, progress_r

    def _limit(self) -> None:
        limits = self.limits
        cpu = int(limits.submission_seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 20, 64 << 20))
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    def kill_all(self, proc: subprocess.Popen) -> None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        if proc.stdout:
            proc.stdout.close()


def prepare(job: Path, submission_dir: Path, worker_script: Path, limits) -> Box:
    """Lay out JOB: plan/ (inputs), out/ (answers), tmp/ (cwd), a copy of the worker script."""
    plan_dir, out_dir, tmp_dir = job / "plan", job / "out", job / "tmp"
    for d in (plan_dir, out_dir, tmp_dir):
        d.mkdir(parents=True)
    script = job / "worker.py"
    shutil.copyfile(worker_script, script)
    box = Box(job, plan_dir, out_dir, tmp_dir, Path(submission_dir).resolve(), script, limits)
    box.log.append("isolation: separate process, new session, rlimits (CPU, address space, file size, files)")
    return box
