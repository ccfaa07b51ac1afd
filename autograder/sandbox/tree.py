"""Measuring and removing folders a worker wrote, whatever their depth, without recursion.

Walks here go through directory file descriptors (openat, fstatat, unlinkat), not through
path strings (a 1500-deep chain has a path far longer than PATH_MAX), and through loops, not
Python recursion (os.walk and shutil.rmtree raise RecursionError on such a chain in Python 3.11).
Links are never followed and other file systems are never entered. Nothing here raises:
problems are returned for the log, so that an error in cleanup never loses a result.

- usage(): bytes of the files under a folder; past a depth or a number of entries it reports
  "over the cap", as a quota would.
- remove_tree(): delete a folder at any depth. A subfolder more than DEPTH levels down is first
  moved up into the top folder, so that no more than DEPTH descriptors are ever open.
- find_owned(), owned_usage(), remove_owned(): what one uid has put in the shared writable
  folders (/tmp, /var/tmp, /dev/shm...): every entry it owns, searched in every folder it can
  enter (it cannot have written anywhere else), and everything under its own folders, whoever
  owns it (a world-writable folder it made can hold other users' files).
"""
from __future__ import annotations

import itertools
import os
import stat

DEPTH = 32                 # descriptors remove_tree holds at most
MEASURE_DEPTH = 64         # a tree deeper than this counts as over any cap
MEASURE_ENTRIES = 20_000   # and so does one with more entries
MAX_ENTRIES = 100_000      # entries a search of the shared folders visits at most
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
_counter = itertools.count()


def _open_dir(name: str, dir_fd: int | None = None) -> int:
    return os.open(name, _DIR_FLAGS, dir_fd=dir_fd)


def _opened(parent_fd: int, name: str) -> int:
    """Open the directory NAME of PARENT_FD, making it searchable first if it is not."""
    try:
        return _open_dir(name, parent_fd)
    except PermissionError:
        os.chmod(name, 0o700, dir_fd=parent_fd)
        return _open_dir(name, parent_fd)


def _scan(fd: int) -> list[tuple[str, os.stat_result]]:
    """(name, lstat) of every entry of the open directory FD."""
    out = []
    with os.scandir(fd) as it:
        for entry in it:
            try:
                out.append((entry.name, entry.stat(follow_symlinks=False)))
            except OSError:
                continue
    return out


# ---- measuring -----------------------------------------------------------------------------------
def usage(top: str, cap: int) -> int:
    """Bytes of the files under TOP (TOP itself not counted); CAP + 1 when over CAP, or deeper
    than MEASURE_DEPTH levels, or holding more than MEASURE_ENTRIES entries."""
    try:
        root = _open_dir(top)
    except OSError:
        return 0
    device = os.fstat(root).st_dev
    total, seen = 0, 0
    stack = [(root, _scan(root))]
    try:
        while stack:
            fd, todo = stack[-1]
            if not todo:
                os.close(stack.pop()[0])
                continue
            name, st = todo.pop()
            seen += 1
            total += st.st_blocks * 512
            if total > cap or seen > MEASURE_ENTRIES:
                return cap + 1
            if stat.S_ISDIR(st.st_mode) and st.st_dev == device:
                if len(stack) >= MEASURE_DEPTH:
                    return cap + 1
                try:
                    child = _opened(fd, name)
                except OSError:
                    continue
                stack.append((child, []))           # on the stack before scanning: closed if that fails
                stack[-1] = (child, _scan(child))
    except OSError:
        return cap + 1
    finally:
        for fd, _ in stack:
            os.close(fd)
    return total


# ---- removing ------------------------------------------------------------------------------------
def remove_tree(path: str) -> list[str]:
    """Delete the folder (or file) PATH and everything in it, at any depth. Returns the problems."""
    parent, name = os.path.split(os.path.abspath(path))
    return remove_entry(parent, name)


def remove_entry(parent: str, name: str) -> list[str]:
    """Delete PARENT/NAME (a file, link or whole folder). Returns the problems met."""
    try:
        pfd = _open_dir(parent)
    except OSError as exc:
        return [f"{parent}: {exc.strerror}"]
    try:
        st = os.stat(name, dir_fd=pfd, follow_symlinks=False)
        if not stat.S_ISDIR(st.st_mode):
            os.unlink(name, dir_fd=pfd)
            return []
        problems = _empty(pfd, name)
        os.rmdir(name, dir_fd=pfd)
        return problems
    except FileNotFoundError:
        return []
    except OSError as exc:
        return [f"{os.path.join(parent, name)}: {exc.strerror}"]
    finally:
        os.close(pfd)


def _empty(parent_fd: int, name: str) -> list[str]:
    """Empty the folder NAME of PARENT_FD, one descriptor per level, at most DEPTH levels."""
    problems: list[str] = []
    try:
        top = _opened(parent_fd, name)
    except OSError as exc:
        return [f"{name}: {exc.strerror}"]
    device = os.fstat(top).st_dev
    stack: list[tuple[int, list[str], str]] = []       # (fd, subfolders left, own name)

    def enter(fd: int, own: str) -> None:
        subfolders = []
        stack.append((fd, subfolders, own))
        for n, st in _scan(fd):
            if stat.S_ISDIR(st.st_mode):
                if st.st_dev == device:
                    subfolders.append(n)
                else:
                    problems.append(f"{n}: on another file system, left alone")
                continue
            try:
                os.unlink(n, dir_fd=fd)
            except FileNotFoundError:
                pass
            except OSError as exc:
                problems.append(f"{n}: {exc.strerror}")

    try:
        enter(top, name)
        while stack:
            fd, subfolders, own = stack[-1]
            if not subfolders:
                stack.pop()
                os.close(fd)
                if stack:
                    try:
                        os.rmdir(own, dir_fd=stack[-1][0])
                    except OSError as exc:
                        problems.append(f"{own}: {exc.strerror}")
                continue
            sub = subfolders.pop()
            if len(stack) >= DEPTH:          # move it up into the top folder and empty it from there
                moved = f".rnn-deep-{os.getpid()}-{next(_counter)}"
                try:
                    os.rename(sub, moved, src_dir_fd=fd, dst_dir_fd=top)
                    stack[0][1].append(moved)
                except OSError as exc:
                    problems.append(f"{sub}: cannot be moved up ({exc.strerror})")
                continue
            try:
                child = _opened(fd, sub)
            except OSError as exc:
                problems.append(f"{sub}: {exc.strerror}")
                continue
            enter(child, sub)
    except OSError as exc:
        problems.append(f"{name}: {exc.strerror}")
    finally:
        for fd, _, _ in stack:
            os.close(fd)
    return problems


# ---- what one uid left in the shared folders -----------------------------------------------------
def can_enter(st: os.stat_result, uid: int, gid: int) -> bool:
    """Could UID (primary group GID, no other groups) enter a directory with status ST?"""
    if st.st_uid == uid:
        return bool(st.st_mode & stat.S_IXUSR)
    if st.st_gid == gid:
        return bool(st.st_mode & stat.S_IXGRP)
    return bool(st.st_mode & stat.S_IXOTH)


def find_owned(tops: tuple[str, ...], uid: int, gid: int, skip: tuple[str, ...] = (),
               max_entries: int = MAX_ENTRIES) -> tuple[list[tuple[str, str, os.stat_result]], bool]:
    """([(parent path, name, lstat)] of every entry UID owns under TOPS, outside the folders SKIP,
    complete?). Folders of UID are not searched (they go whole); incomplete when more than
    MAX_ENTRIES were visited."""
    found = []
    skipped = {os.path.abspath(p) for p in skip}
    todo: list[str] = [top for top in tops if os.path.isdir(top) and not os.path.islink(top)]
    seen = 0
    while todo:
        parent = todo.pop()
        try:
            fd = _open_dir(parent)
        except OSError:
            continue
        try:
            entries = _scan(fd)
        except OSError:
            entries = []
        finally:
            os.close(fd)
        for name, st in entries:
            seen += 1
            if seen > max_entries:
                return found, False
            if os.path.join(parent, name) in skipped:
                continue
            if st.st_uid == uid:
                found.append((parent, name, st))
            elif stat.S_ISDIR(st.st_mode) and can_enter(st, uid, gid) and parent.count("/") < MEASURE_DEPTH:
                todo.append(os.path.join(parent, name))    # only UID could nest deeper, in its own folders
    return found, True


def owned_usage(tops: tuple[str, ...], uid: int, gid: int, cap: int, skip: tuple[str, ...] = ()) -> int:
    """Bytes UID has put under TOPS outside SKIP (what its folders hold included); CAP + 1 when
    over CAP or when the search was cut short."""
    found, complete = find_owned(tops, uid, gid, skip)
    if not complete:
        return cap + 1
    total = 0
    for parent, name, st in found:
        total += st.st_blocks * 512
        if stat.S_ISDIR(st.st_mode):
            total += usage(os.path.join(parent, name), cap)
        if total > cap:
            return cap + 1
    return total


def remove_owned(tops: tuple[str, ...], uid: int, gid: int, passes: int = 10) -> tuple[int, bool, list[str]]:
    """Delete what UID has put under TOPS. Returns (entries removed, all gone?, problems).
    A search cut short is repeated on what is left (each pass removes what it found)."""
    removed, problems = 0, []
    for _ in range(passes):
        found, complete = find_owned(tops, uid, gid)
        for parent, name, _ in found:
            problems += remove_entry(parent, name)
        removed += len(found)
        if complete or not found:
            break
    return removed, complete and not problems, problems
