"""A pool of unprivileged uids for workers, one per concurrent grader (root only).

Each slot N has its own user and group, rnn-sandbox-N (uid = gid = BASE_UID + N), created with
useradd/groupadd on first use when missing (no home, no shell, no supplementary groups); where
they cannot be created the bare numeric ids are used, after checking that no account owns them.
A grader holds its slot with an exclusive lock on /opt/rnn-autograder/slots/N.lock (a root-only
directory; /run or /tmp when /opt is read-only) for the whole submission, so two parallel graders
never share a uid: one student's code can neither signal nor ptrace another's, nor read its job
files (group-only access).

On acquiring and on releasing a slot, every process of the uid is killed (leftovers of a grader
that was itself killed included). Where the worker could write outside its job (the fallback
without Landlock), the slot is marked dirty in its lock file (root's) before the worker starts;
a dirty slot (or one of unknown state) is scrubbed on release and on acquiring: everything its
uid left in the world-writable temporary directories is removed (tree.remove_owned: at any
depth, in every folder the uid can enter, its own folders whole with whatever other users put in
them), and only a complete scrub marks it clean again. A slot whose scrub cannot finish is not
used. (In the other modes the worker cannot write there, and a clean slot is not searched.)
"""
from __future__ import annotations

import fcntl
import grp
import os
import pwd
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox import procs, tree

BASE_UID = 64100
SLOTS = 32
LOCK_DIRS = (os.environ.get("RNN_AUTOGRADER_SLOTS", "/opt/rnn-autograder/slots"), "/run/rnn-autograder-slots",
             "/tmp/rnn-autograder-slots")   # the first one that can be made root-only
SHARED_TMP = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/crash")   # world-writable on Debian/Ubuntu


@dataclass
class Slot:
    index: int
    uid: int
    gid: int
    name: str
    lock_fd: int
    created: bool = False

    def mark_dirty(self) -> None:
        """The worker may write in the shared folders: scrub them before this uid is used again."""
        _set_state(self.lock_fd, DIRTY)

    def release(self) -> list[str]:
        """Kill the uid's processes, scrub its files if dirty, unlock. Returns the problems (for the log)."""
        if self.lock_fd < 0:
            return []
        try:
            procs.kill_uid(self.uid)
            if _state(self.lock_fd) == CLEAN:
                return []
            _, complete, problems = remove_files_of(self.uid, self.gid)
            if complete:
                _set_state(self.lock_fd, CLEAN)
            return problems if complete or problems else ["the scrub of the shared folders was cut short"]
        except Exception as exc:  # noqa: BLE001 - a cleanup error must not lose the grade
            return [f"slot {self.index}: {type(exc).__name__}: {exc}"]
        finally:
            os.close(self.lock_fd)
            self.lock_fd = -1


CLEAN, DIRTY = b"clean", b"dirty"      # a slot's state, in its lock file (anything else: unknown)


def _state(lock_fd: int) -> bytes:
    return os.pread(lock_fd, 16, 0)


def _set_state(lock_fd: int, state: bytes) -> None:
    os.ftruncate(lock_fd, 0)
    os.pwrite(lock_fd, state, 0)


def _account(index: int) -> tuple[int, int, str, bool]:
    """(uid, gid, name, created) for slot INDEX, creating the account if missing."""
    name = f"rnn-sandbox-{index}"
    try:
        entry = pwd.getpwnam(name)
        return entry.pw_uid, entry.pw_gid, name, False
    except KeyError:
        pass
    uid = gid = BASE_UID + index
    for lookup, ident in ((pwd.getpwuid, uid), (grp.getgrgid, gid)):
        try:
            taken = lookup(ident)
        except KeyError:
            continue
        if taken[0] != name:
            raise RuntimeError(f"sandbox id {ident} already belongs to {taken[0]!r}; set another BASE_UID")
    created = False
    if shutil.which("useradd") and shutil.which("groupadd"):
        nologin = next((p for p in ("/usr/sbin/nologin", "/sbin/nologin", "/bin/false") if os.path.exists(p)),
                       "/bin/false")
        try:
            grp.getgrnam(name)
            ok = True
        except KeyError:
            ok = subprocess.run(["groupadd", "-g", str(gid), name], capture_output=True).returncode == 0
        ok = ok and subprocess.run(["useradd", "-u", str(uid), "-g", str(gid), "-M", "-N", "-l",
                                    "-d", "/nonexistent", "-s", nologin, "-c", "RNN autograder sandbox",
                                    name], capture_output=True).returncode == 0
        created = ok
    return uid, gid, name if created else str(uid), created


def lock_dir() -> Path:
    """A directory only root can enter (an unprivileged process must not hold or fake a lock)."""
    problems = []
    for candidate in LOCK_DIRS:
        path = Path(candidate)
        try:
            path.mkdir(parents=True, exist_ok=True, mode=0o700)
            st = path.lstat()
            if not stat.S_ISDIR(st.st_mode) or st.st_uid != 0:
                raise PermissionError(f"{path} is not a directory of root's")
            os.chmod(path, 0o700)
            return path
        except OSError as exc:
            problems.append(str(exc))
    raise RuntimeError(f"no place for the sandbox slot locks: {'; '.join(problems)}")


def acquire() -> Slot:
    """Lock a free slot that can be scrubbed clean (waiting for one when all are busy)."""
    LOCK_DIR = lock_dir()
    for index in range(SLOTS):
        fd = os.open(LOCK_DIR / f"{index}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        slot = _claim(index, fd)
        if slot is not None:
            return slot
    index = os.getpid() % SLOTS     # all busy: wait for one
    fd = os.open(LOCK_DIR / f"{index}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    slot = _claim(index, fd)
    if slot is None:
        raise RuntimeError("no sandbox slot could be scrubbed clean (files of its uid are left in /tmp)")
    return slot


def _claim(index: int, fd: int) -> Slot | None:
    """The slot INDEX, cleaned; None (and unlocked) when its uid's files cannot all be removed."""
    try:
        uid, gid, name, created = _account(index)
        procs.kill_uid(uid)
        complete = True
        if _state(fd) != CLEAN:
            _, complete, _ = remove_files_of(uid, gid)
            if complete:
                _set_state(fd, CLEAN)
    except BaseException:
        os.close(fd)
        raise
    if not complete:
        os.close(fd)
        return None
    return Slot(index, uid, gid, name, fd, created)


def remove_files_of(uid: int, gid: int) -> tuple[int, bool, list[str]]:
    """Delete what UID left in the shared temporary directories: (entries removed, all gone?, problems)."""
    return tree.remove_owned(SHARED_TMP, uid, gid)
