"""A pool of unprivileged uids for workers, one per concurrent grader (root only).

Each slot N has its own user and group, rnn-sandbox-N (uid = gid = BASE_UID + N), created with
useradd/groupadd on first use when missing (no home, no shell, no supplementary groups); where
they cannot be created the bare numeric ids are used, after checking that no account owns them.
A grader holds its slot with an exclusive lock on /opt/rnn-autograder/slots/N.lock (a root-only
directory; /run or /tmp when /opt is read-only) for the whole submission, so two parallel graders
never share a uid: one student's code can neither signal nor ptrace another's, nor read its job
files (group-only access).

On acquiring and on releasing a slot, every process of the uid is killed (leftovers of a grader
that was itself killed included) and the files it left in the world-writable temporary
directories are removed.
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

from autograder.sandbox import procs

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

    def release(self) -> None:
        if self.lock_fd < 0:
            return
        try:
            procs.kill_uid(self.uid)
            remove_files_of(self.uid)
        finally:
            os.close(self.lock_fd)
            self.lock_fd = -1


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
    """Lock a free slot (waiting for one when all are busy) and clean it."""
    LOCK_DIR = lock_dir()
    for index in range(SLOTS):
        fd = os.open(LOCK_DIR / f"{index}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return _claim(index, fd)
    index = os.getpid() % SLOTS     # all busy: wait for one
    fd = os.open(LOCK_DIR / f"{index}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return _claim(index, fd)


def _claim(index: int, fd: int) -> Slot:
    try:
        uid, gid, name, created = _account(index)
        procs.kill_uid(uid)
        remove_files_of(uid)
    except BaseException:
        os.close(fd)
        raise
    return Slot(index, uid, gid, name, fd, created)


def remove_files_of(uid: int) -> int:
    """Delete what UID left at the top of the shared temporary directories. Returns the count."""
    removed = 0
    for top in SHARED_TMP:
        try:
            entries = list(os.scandir(top))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
                removed += 1
            except OSError:
                continue
    return removed
