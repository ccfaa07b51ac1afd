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
- search_owned() (find_owned(), owned_usage(), remove_owned()): what one uid may have put in the
  shared writable folders (/tmp, /var/tmp, /dev/shm...): its entries in the folders it can write
  (it cannot have created any elsewhere), its folders wherever it could reach them, and everything
  under its own folders, whoever owns it (a world-writable folder it made can hold other users'
  files). Other users' files cost nothing but the listing of the folders around them (see the
  section's comment).
"""
from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field

DEPTH = 32                 # descriptors remove_tree holds at most
MEASURE_DEPTH = 64         # a tree deeper than this counts as over any cap
MEASURE_ENTRIES = 20_000   # and so does one with more entries
MAX_ENTRIES = 1_000_000    # entries whose status a search of the shared folders reads at most
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
    return _usage_fd(root, cap)


def _usage_fd(root: int, cap: int) -> int:
    """usage() of the open folder ROOT (closed here)."""
    try:
        device = os.fstat(root).st_dev
    except OSError:
        os.close(root)
        return cap + 1
    total, seen = 0, 0
    stack: list[tuple[int, list]] = [(root, [])]
    try:
        stack[0] = (root, _scan(root))
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
    try:
        top = _opened(parent_fd, name)
    except OSError as exc:
        return [f"{name}: {exc.strerror}"]
    return _empty_fd(top, name)


def _empty_fd(top: int, name: str) -> list[str]:
    """_empty() of the open folder TOP (called NAME in messages; closed here)."""
    problems: list[str] = []
    try:
        device = os.fstat(top).st_dev
    except OSError as exc:
        os.close(top)
        return [f"{name}: {exc.strerror}"]
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
# The uid (primary group gid, no other groups) can only have created entries in folders it could
# write, and only reached folders it could enter. So a search for them lists only such folders,
# stats every entry only where the uid could write, and elsewhere stats subfolders alone (the
# kernel says which names are folders without a stat); a folder that cannot be written and has no
# subfolders (link count 2, on a file system that keeps that count) is not even listed. Folders of
# the uid go whole, whatever they hold, and are not searched. Its cost grows with the folders the
# uid can enter and with the entries of those it can write, not with other users' files: a Python
# environment unpacked in /tmp costs one stat per folder. Everything goes through descriptors opened
# with O_NOFOLLOW from the top (no path is resolved twice, no link is followed), and an entry is
# removed only after the folder opened under its name is checked to be the uid's.

NLINK_FILE_SYSTEMS = {"tmpfs", "ramfs", "ext2", "ext3", "ext4", "xfs"}   # a folder's links = 2 + subfolders


def can_enter(st: os.stat_result, uid: int, gid: int) -> bool:
    """Could UID (primary group GID, no other groups) enter a directory with status ST?"""
    return _allowed(st, uid, gid, stat.S_IXUSR, stat.S_IXGRP, stat.S_IXOTH)


def can_write(st: os.stat_result, uid: int, gid: int) -> bool:
    """Could UID create entries in a directory with status ST (write and search permission)?"""
    return _allowed(st, uid, gid, stat.S_IWUSR | stat.S_IXUSR, stat.S_IWGRP | stat.S_IXGRP,
                    stat.S_IWOTH | stat.S_IXOTH)


def _allowed(st: os.stat_result, uid: int, gid: int, user: int, group: int, other: int) -> bool:
    bits = user if st.st_uid == uid else group if st.st_gid == gid else other
    return st.st_mode & bits == bits


def _mounted() -> dict[int, str]:
    """st_dev -> file system type, from /proc/self/mountinfo."""
    out = {}
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                fields = line.split()
                if " - " not in line or len(fields) < 3:
                    continue
                major, _, minor = fields[2].partition(":")
                out[os.makedev(int(major), int(minor))] = line.split(" - ", 1)[1].split()[0]
    except (OSError, ValueError, IndexError):
        pass
    return out


_FILE_SYSTEMS: dict[int, str | None] = {}      # st_dev -> type (None: not a mount of this namespace)


def _no_subfolders(st: os.stat_result) -> bool:
    """Does the directory with status ST certainly hold no folder (so that listing it is useless)?"""
    if st.st_nlink != 2:
        return False
    if st.st_dev not in _FILE_SYSTEMS:        # read again for a device not seen yet (mounted since)
        _FILE_SYSTEMS.update(_mounted())
        _FILE_SYSTEMS.setdefault(st.st_dev, None)
    return _FILE_SYSTEMS[st.st_dev] in NLINK_FILE_SYSTEMS


@dataclass
class Search:
    """What one search of the shared folders met."""

    found: int = 0                 # entries of the uid (each given to the visitor)
    visited: int = 0               # entries whose status was read
    complete: bool = True          # False: cut short after MAX_ENTRIES (see stopped_in)
    stopped_in: str = ""           # the folder being searched when it was cut short
    problems: list[str] = field(default_factory=list)

    def summary(self, max_entries: int) -> list[str]:
        """The problems, and where the search stopped (for the instructor)."""
        cut = [] if self.complete else [
            f"the search stopped after {max_entries} entries in {self.stopped_in or 'the shared folders'} "
            "(folders that other users can write, full of files)"]
        return cut + self.problems


class _CutShort(Exception):
    """The search read MAX_ENTRIES statuses (args: the folder it was in)."""


Visitor = Callable[[int, str, os.stat_result, str], None]   # (parent fd, name, lstat, parent path)


def search_owned(tops: tuple[str, ...], uid: int, gid: int, visit: Visitor, skip: tuple[str, ...] = (),
                 max_entries: int | None = None) -> Search:
    """Give VISIT every entry UID may have made under TOPS (outside the folders SKIP): its entries
    in folders it can write, and its folders anywhere it could reach. VISIT gets the open parent
    folder, which stays open until it returns. Cut short past MAX_ENTRIES status reads."""
    max_entries = MAX_ENTRIES if max_entries is None else max_entries
    result = Search()
    skipped = set()
    for path in skip:
        try:
            st = os.lstat(path)
            skipped.add((st.st_dev, st.st_ino))
        except OSError:
            pass
    seen_tops = set()
    for top in tops:
        try:
            fd = _open_dir(top)
        except OSError:
            continue
        st = os.fstat(fd)
        if (st.st_dev, st.st_ino) in seen_tops | skipped or not can_enter(st, uid, gid):
            os.close(fd)
            continue
        seen_tops.add((st.st_dev, st.st_ino))
        if not _search_from(fd, top, st, uid, gid, visit, skipped, max_entries, result):
            break
    return result


def _search_from(top_fd: int, top: str, top_st: os.stat_result, uid: int, gid: int, visit: Visitor,
                 skipped: set, max_entries: int, result: Search) -> bool:
    """search_owned() under one open top folder (closed here); False once cut short."""
    stack: list[tuple[int, str, list[tuple[str, os.stat_result]]]] = []   # (fd, path, entries left)

    def push(fd: int, path: str, st: os.stat_result) -> None:
        stack.append((fd, path, []))              # on the stack first: closed whatever happens
        writable = can_write(st, uid, gid)
        entries = []
        with os.scandir(fd) as it:
            for entry in it:
                try:
                    if not writable and not entry.is_dir(follow_symlinks=False):
                        continue                  # not a folder, where the uid cannot write: not its own
                    entries.append((entry.name, entry.stat(follow_symlinks=False)))
                except OSError:
                    continue
                result.visited += 1
                if result.visited > max_entries:
                    raise _CutShort(path)
        stack[-1] = (fd, path, entries)

    try:
        push(top_fd, top, top_st)
        while stack:
            fd, path, entries = stack[-1]
            if not entries:
                os.close(stack.pop()[0])
                continue
            name, st = entries.pop()
            if (st.st_dev, st.st_ino) in skipped:
                continue
            if st.st_uid == uid:
                result.found += 1
                visit(fd, name, st, path)
                continue
            if (not stat.S_ISDIR(st.st_mode) or not can_enter(st, uid, gid) or len(stack) >= MEASURE_DEPTH
                    or (_no_subfolders(st) and not can_write(st, uid, gid))):
                continue                          # only the uid could nest deeper, in its own folders
            try:
                child = _open_dir(name, fd)
            except OSError:
                continue                          # gone meanwhile
            try:
                now = os.fstat(child)
            except OSError:
                os.close(child)
                continue
            if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
                os.close(child)                   # replaced meanwhile: what is there now is looked at again
                result.visited += 1
                if result.visited > max_entries:
                    raise _CutShort(path)
                entries.append((name, now))
                continue
            push(child, os.path.join(path, name), now)
    except _CutShort as cut:
        result.complete, result.stopped_in = False, cut.args[0]
    except OSError as exc:
        result.problems.append(f"{stack[-1][1] if stack else top}: {exc.strerror}")
        result.complete = False
    finally:
        for fd, _, _ in stack:
            os.close(fd)
    return result.complete


def _remove_at(parent_fd: int, name: str, st: os.stat_result, uid: int, where: str) -> list[str]:
    """Remove NAME of PARENT_FD, an entry of UID with status ST (a folder goes whole, but only when
    what opens under that name is still that folder of UID)."""
    full = os.path.join(where, name)
    try:
        if not stat.S_ISDIR(st.st_mode):
            os.unlink(name, dir_fd=parent_fd)
            return []
        fd = _open_dir(name, parent_fd)
        now = os.fstat(fd)
        if (now.st_dev, now.st_ino, now.st_uid) != (st.st_dev, st.st_ino, uid):
            os.close(fd)
            return [f"{full}: replaced while being removed, left alone"]
        problems = [f"{full}/{p}" for p in _empty_fd(fd, name)]
        os.rmdir(name, dir_fd=parent_fd)
        return problems
    except FileNotFoundError:
        return []
    except OSError as exc:
        return [f"{full}: {exc.strerror}"]


def find_owned(tops: tuple[str, ...], uid: int, gid: int, skip: tuple[str, ...] = (),
               max_entries: int | None = None) -> tuple[list[tuple[str, str, os.stat_result]], bool]:
    """([(parent path, name, lstat)] of every entry UID may have made under TOPS outside SKIP
    (search_owned), complete?). For reports: act on entries with search_owned's visitor."""
    found: list[tuple[str, str, os.stat_result]] = []
    result = search_owned(tops, uid, gid, lambda _fd, name, st, where: found.append((where, name, st)), skip,
                          max_entries)
    return found, result.complete


def owned_usage(tops: tuple[str, ...], uid: int, gid: int, cap: int, skip: tuple[str, ...] = ()) -> int:
    """Bytes UID has put under TOPS outside SKIP (what its folders hold included); CAP + 1 when
    over CAP, when it has more than MEASURE_ENTRIES entries there (as a quota on inodes would
    count; its folders are measured by usage()), or when the search was cut short."""
    total, count = 0, 0

    def measure(parent_fd: int, name: str, st: os.stat_result, where: str) -> None:
        nonlocal total, count
        total += st.st_blocks * 512
        count += 1
        if stat.S_ISDIR(st.st_mode) and total <= cap:
            try:
                fd = _open_dir(name, parent_fd)
            except OSError:
                return
            total += _usage_fd(fd, cap - total)
        if total > cap or count > MEASURE_ENTRIES:
            raise _CutShort(where)           # over the quota: no need to look further

    result = search_owned(tops, uid, gid, measure, skip)
    return cap + 1 if total > cap or not result.complete else total


def scrub(tops: tuple[str, ...], uid: int, gid: int, skip: tuple[str, ...] = (),
          max_entries: int | None = None) -> Search:
    """Delete what UID may have put under TOPS outside SKIP (search_owned). The Search's problems
    say what could not be removed and where a search cut short stopped (none: all gone)."""
    max_entries = MAX_ENTRIES if max_entries is None else max_entries
    problems: list[str] = []

    def remove(parent_fd: int, name: str, st: os.stat_result, where: str) -> None:
        problems.extend(_remove_at(parent_fd, name, st, uid, where))

    result = search_owned(tops, uid, gid, remove, skip, max_entries)
    result.problems = result.summary(max_entries) + problems
    return result


def remove_owned(tops: tuple[str, ...], uid: int, gid: int, skip: tuple[str, ...] = (),
                 max_entries: int | None = None) -> tuple[int, bool, list[str]]:
    """Delete what UID may have put under TOPS outside SKIP. Returns (entries removed, all gone?,
    problems: what could not be removed, and where a search cut short stopped)."""
    result = scrub(tops, uid, gid, skip, max_entries)
    return result.found, not result.problems, result.problems
