"""Finding and killing every process a worker started, however it tried to hide.

- kill_uid: as root, every process of a sandbox uid dies: a helper that becomes that uid sends
  kill(-1, SIGKILL), which the kernel delivers atomically with respect to fork (a fork swarm
  cannot outrun it); setsid, double forks and renamed processes do not matter. Repeated until
  /proc shows none.
- kill_marked_descendants: without root, the grader is a child subreaper, so orphans of the
  worker (double-forked daemons) become the grader's children instead of init's; every
  descendant that carries the worker's seccomp filter (visible in /proc/PID/status and
  impossible to remove) is killed, repeatedly until none is left.
- reap: zombies that were reparented to the grader are waited for, by pid only (never
  waitpid(-1), which could steal another subprocess's exit status).
"""
from __future__ import annotations

import ctypes
import os
import signal
import time

PR_SET_CHILD_SUBREAPER = 36
PR_SET_DUMPABLE = 4


def _prctl(option: int, value: int) -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(option, value, 0, 0, 0) == 0


def become_subreaper() -> bool:
    """Orphans of the worker's processes will be re-parented to this process (not init)."""
    return _prctl(PR_SET_CHILD_SUBREAPER, 1)


def make_undumpable() -> bool:
    """This process's /proc files become root's: a same-uid worker cannot read its environment
    or memory, nor ptrace it."""
    return _prctl(PR_SET_DUMPABLE, 0)


def _status(pid: int) -> dict[str, str]:
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            text = f.read().decode("ascii", "replace")
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        out[key] = value.strip()
    return out


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def processes_of_uid(uid: int, include_zombies: bool = False) -> list[int]:
    """Pids whose real or effective uid is UID (zombies excluded unless asked)."""
    found = []
    for pid in _pids():
        st = _status(pid)
        uids = st.get("Uid", "").split()
        if len(uids) >= 2 and str(uid) in uids[:2]:
            if include_zombies or not st.get("State", "").startswith("Z"):
                found.append(pid)
    return found


def kill_uid(uid: int) -> None:
    """SIGKILL every process of UID (root only); reap those that were re-parented to us.

    A helper becomes UID and calls kill(-1, SIGKILL): the kernel signals every process UID may
    signal (all of UID's, in any session or namespace) while holding the task-list lock, and a
    fork racing with it fails, so one call leaves no survivor (a second one is for good measure).
    The dying processes need no more CPU from us; the zombies among our own children are reaped."""
    pid = os.fork()
    if pid == 0:  # the helper
        try:
            os.setresuid(uid, uid, uid)
            for _ in range(2):
                try:
                    os.kill(-1, signal.SIGKILL)
                except ProcessLookupError:
                    break
        except BaseException:  # noqa: BLE001
            os._exit(1)
        os._exit(0)
    os.waitpid(pid, 0)
    reap_children_of_uid(uid)


def our_children() -> list[int]:
    """This process's children (all threads), from /proc."""
    pids: list[int] = []
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return pids
    for tid in tasks:
        try:
            with open(f"/proc/self/task/{tid}/children", "rb") as f:
                pids += [int(p) for p in f.read().split()]
        except (OSError, ValueError):
            continue
    return pids


def reap_children_of_uid(uid: int) -> None:
    """Wait for those of our children that belong to UID and have exited (orphans we adopted)."""
    for _ in range(200):
        zombies = []
        pending = False
        for pid in our_children():
            st = _status(pid)
            if str(uid) in st.get("Uid", "").split()[:2]:
                if st.get("State", "").startswith("Z"):
                    zombies.append(pid)
                else:
                    pending = True      # SIGKILLed, not yet exited
        reap(zombies)
        if not pending:
            return
        time.sleep(0.001)


def parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return int(f.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for pid in _pids():
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(pid)
    return children


def descendants(root: int) -> list[int]:
    children = _children_map()
    out, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def seccomp_filters(pid: int | str = "self") -> int:
    try:
        return int(_status(pid).get("Seccomp_filters", "0"))
    except ValueError:
        return 0


def kill_marked_descendants(worker_pid: int, marked: bool, rounds: int = 100,
                            parents: tuple[int, ...] = ()) -> int:
    """Kill the worker's process tree, and every descendant of this process that carries more
    seccomp filters than this process (the worker's filter), until none is left.

    Only this process's own subtree is searched (a pid outside it may be anyone's by now); the
    worker's own tree too when its parent is one of PARENTS (default: this process; or the fork server)."""
    own = seccomp_filters()
    me = os.getpid()
    parents = parents or (me,)
    killed: set[int] = set()
    for _ in range(rounds):
        ours = descendants(me)
        targets = set(descendants(worker_pid)) | {worker_pid} if parent_of(worker_pid) in parents else set()
        if marked:
            targets |= {p for p in ours if seccomp_filters(p) > own}
        targets = {p for p in targets & set(ours) if not _status(p).get("State", "Z").startswith("Z")}
        if not targets:
            break
        for pid in targets:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        killed |= targets
        reap(killed - {worker_pid})
        time.sleep(0.002)
    reap(killed - {worker_pid})
    return len(killed)


def reap(pids) -> None:
    """Collect the exit status of those of PIDS that are this process's zombie children."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        except OSError:
            pass
