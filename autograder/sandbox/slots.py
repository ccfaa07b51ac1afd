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
a dirty slot (or one of unknown state: first use on a machine, after a crash) is scrubbed on
release and on acquiring: everything its uid may have left in the world-writable temporary
directories is removed (tree.scrub: its entries in the folders it can write, at any depth, and
its own folders whole with whatever other users put in them; other users' files cost nearly
nothing, so a busy /tmp does not matter), and only a complete scrub marks it clean again. A slot
whose scrub cannot finish (files that cannot be removed, or folders the uid can write holding more
than tree.MAX_ENTRIES entries) is taken out of use: its state says why, the instructor is warned
(stderr and the grade's log), and the grade takes another slot. No uid is ever used unscrubbed.
When no slot can be had, acquire() raises NoSlot, whose message says what to clean (the grade
then tells the student that the grader was unavailable). (In the other modes the worker cannot
write there, and a clean slot is not searched.)
"""
from __future__ import annotations

import fcntl
import grp
import os
import pwd
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from autograder.sandbox import procs, tree

BASE_UID = 64100
SLOTS = 32
LOCK_DIRS = (os.environ.get("RNN_AUTOGRADER_SLOTS", "/opt/rnn-autograder/slots"), "/run/rnn-autograder-slots",
             "/tmp/rnn-autograder-slots")   # the first one that can be made root-only
SHARED_TMP = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/crash")   # world-writable on Debian/Ubuntu


class NoSlot(RuntimeError):
    """No sandbox slot can be used now: the instructor must clean up (the message says what)."""


@dataclass
class Slot:
    index: int
    uid: int
    gid: int
    name: str
    lock_fd: int
    created: bool = False
    notes: list[str] = field(default_factory=list)    # slots taken out of use while acquiring this one

    def mark_dirty(self) -> None:
        """The worker may write in the shared folders: scrub them before this uid is used again."""
        _set_state(self.lock_fd, DIRTY)

    def release(self) -> list[str]:
        """Kill the uid's processes, scrub its files if dirty, unlock. Returns the problems (for the
        log); a scrub that cannot finish takes the slot out of use (and says so on stderr too)."""
        if self.lock_fd < 0:
            return []
        try:
            procs.kill_uid(self.uid)
            if _state(self.lock_fd) == CLEAN:
                return []
            result = remove_files_of(self.uid, self.gid)
            if not result.problems:
                _set_state(self.lock_fd, CLEAN)
                return []
            return [_take_out_of_use(self.index, self.uid, self.lock_fd, result.problems)]
        except Exception as exc:  # noqa: BLE001 - a cleanup error must not lose the grade
            return [f"slot {self.index}: {type(exc).__name__}: {exc}"]
        finally:
            os.close(self.lock_fd)
            self.lock_fd = -1


CLEAN, DIRTY = b"clean", b"dirty"      # a slot's state, in its lock file (anything else: unknown)
OUT_OF_USE = b"out of use: "           # ... followed by why: not used again until a scrub succeeds
RETRIES = 2                            # slots out of use scrubbed again per acquire (when no other is free)


def _state(lock_fd: int) -> bytes:
    return os.pread(lock_fd, 4096, 0)


def _set_state(lock_fd: int, state: bytes) -> None:
    os.ftruncate(lock_fd, 0)
    os.pwrite(lock_fd, state, 0)


def _take_out_of_use(index: int, uid: int, lock_fd: int, problems: list[str]) -> str:
    """Mark slot INDEX out of use (its uid's files could not all be removed) and warn the instructor
    on stderr; returns the warning, for the log."""
    why = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
    _set_state(lock_fd, OUT_OF_USE + why.encode("utf-8", "replace")[:3000])
    try:
        lock = f" (lock file {lock_dir() / f'{index}.lock'})"
    except RuntimeError:
        lock = ""
    warning = (f"WARNING: sandbox slot {index}{lock}, uid {uid}, is out of use: what the uid may have left in "
               f"the shared temporary folders could not all be removed: {why}. The grade takes another slot if "
               f"one is free. {CLEAN_UP}")
    print(f"rnn-autograder: {warning}", file=sys.stderr, flush=True)
    return warning


CLEAN_UP = ("To clean up: remove what is named (folders that every user can write, holding very many files, "
            f"are best moved out of {', '.join(SHARED_TMP)}). A slot out of use is scrubbed again when no other "
            "slot is free, or on its next use once its lock file is deleted.")


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
    """Lock a free slot that is clean or can be scrubbed clean, waiting for one when all are busy.
    Raises NoSlot (the instructor's message: what to clean) when every slot is out of use."""
    where = lock_dir()
    notes: list[str] = []
    busy, skipped = [], []
    cut_short = False                # a search stopped by the size of the shared folders stops them all
    for index in range(SLOTS):
        fd = _lock(where, index, wait=False)
        if fd is None:
            busy.append(index)
            continue
        state = _state(fd)
        if state.startswith(OUT_OF_USE) or (cut_short and state != CLEAN):
            skipped.append(index)
            os.close(fd)
            continue
        slot, problem = _claim(index, fd)
        if slot is not None:
            slot.notes = notes
            return slot
        notes.append(problem.warning)
        cut_short = cut_short or problem.cut_short
    failed = 0
    for index in ([] if cut_short else skipped):     # out of use: the instructor may have cleaned up since
        fd = _lock(where, index, wait=False)
        if fd is None:
            continue
        slot, problem = _claim(index, fd)
        if slot is not None:
            slot.notes = notes
            return slot
        notes.append(problem.warning)
        failed += 1
        if problem.cut_short or failed >= RETRIES:
            break
    if busy:                         # wait for a slot in use (it is given back clean or out of use)
        index = busy[os.getpid() % len(busy)]
        slot, problem = _claim(index, _lock(where, index, wait=True))
        if slot is not None:
            slot.notes = notes
            return slot
        notes.append(problem.warning)
    raise NoSlot(unavailable_message(where, notes))


def unavailable_message(where: Path, notes: list[str]) -> str:
    """The instructor's message when no slot can be had: what to clean."""
    reasons = []
    for index in range(SLOTS):
        try:
            with open(where / f"{index}.lock", "rb") as f:
                state = f.read(4096)
        except OSError:
            continue
        if state.startswith(OUT_OF_USE):
            reasons.append(f"slot {index}: {state[len(OUT_OF_USE):].decode('utf-8', 'replace')}")
    seen = list(dict.fromkeys(reasons or notes))
    return (f"the grader cannot run student code now: no sandbox slot (lock files in {where}) can be used, "
            "because what their uids may have left in the shared temporary folders could not all be "
            f"removed: {'; '.join(seen[:3])}"
            + (f" (and {len(seen) - 3} more)" if len(seen) > 3 else "") + f". {CLEAN_UP} Then grade again; "
            "nothing was graded for this submission.")


def _lock(where: Path, index: int, wait: bool) -> int | None:
    """The open, locked lock file of slot INDEX; None when another grader holds it (and not WAIT)."""
    fd = os.open(where / f"{index}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    return fd


@dataclass
class ScrubProblem:
    warning: str                     # for the log (already on stderr)
    cut_short: bool                  # the search stopped at tree.MAX_ENTRIES


def _claim(index: int, fd: int) -> tuple[Slot | None, ScrubProblem | None]:
    """The slot INDEX, cleaned; or None (slot unlocked, and out of use) and why, when its uid's files
    cannot all be removed."""
    try:
        uid, gid, name, created = _account(index)
        procs.kill_uid(uid)
        if _state(fd) != CLEAN:
            result = remove_files_of(uid, gid)
            if result.problems:
                problem = ScrubProblem(_take_out_of_use(index, uid, fd, result.problems), not result.complete)
                os.close(fd)
                return None, problem
            _set_state(fd, CLEAN)
    except BaseException:
        os.close(fd)
        raise
    return Slot(index, uid, gid, name, fd, created), None


def remove_files_of(uid: int, gid: int) -> tree.Search:
    """Delete what UID may have left in the shared temporary directories (tree.scrub): problems is
    empty when all is gone."""
    return tree.scrub(SHARED_TMP, uid, gid)
