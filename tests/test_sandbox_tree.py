"""Measuring and removing what a worker wrote, at any depth, without recursion (sandbox/tree.py)."""
from __future__ import annotations

import os
import shutil

import pytest

from autograder.sandbox import tree


def chain(top, depth: int, name: str = "d") -> None:
    """A DEPTH-deep chain of folders under TOP, built with relative paths (as a worker would), with a
    file at the bottom: its full path is far longer than PATH_MAX."""
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(depth):
        os.mkdir(name * 20, dir_fd=fd)
        child = os.open(name * 20, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = child
    with open(os.open("bottom", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=fd), "wb") as f:
        f.write(b"x" * 10000)
    os.close(fd)


def test_a_deep_chain_counts_as_over_the_cap_and_is_removed(tmp_path):
    top = tmp_path / "tmp"
    top.mkdir()
    (top / "small").write_bytes(b"y" * 5000)
    assert 0 < tree.usage(str(top), 1 << 20) <= 8192
    chain(top, 1500)
    assert tree.usage(str(top), 1 << 20) == (1 << 20) + 1
    with pytest.raises((RecursionError, OSError)):     # the premise: what the grader used before fails
        shutil.rmtree(top)
    assert tree.remove_tree(str(top)) == [] and not top.exists()


def test_removal_goes_through_unreadable_folders_and_keeps_few_descriptors(tmp_path):
    top = tmp_path / "job"
    (top / "a" / "b").mkdir(parents=True)
    (top / "a" / "b" / "f").write_text("x")
    os.symlink("/etc", top / "a" / "link")
    os.chmod(top / "a" / "b", 0)
    os.chmod(top / "a", 0)
    chain(top, 300, "w")
    before = len(os.listdir("/proc/self/fd"))
    assert tree.remove_tree(str(top)) == []
    assert not top.exists() and os.path.isdir("/etc")
    assert len(os.listdir("/proc/self/fd")) == before


def test_many_entries_count_as_over_the_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(tree, "MEASURE_ENTRIES", 50)
    for i in range(55):
        (tmp_path / str(i)).touch()
    assert tree.usage(str(tmp_path), 1 << 30) == (1 << 30) + 1


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to create files of other uids")
def test_the_uids_files_are_found_in_every_folder_it_can_enter(tmp_path):
    uid, gid, other = 64190, 64190, 64191
    shared = tmp_path / "tmp"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    mine = shared / "mine"                       # the worker's world-writable folder, with another uid's file
    mine.mkdir()
    (mine / "theirs").write_text("x" * 9000)
    os.chown(mine / "theirs", other, other)
    os.chown(mine, uid, gid)
    os.chmod(mine, 0o777)
    public = shared / "public" / "inner"         # someone else's world-writable folder, two levels down
    public.mkdir(parents=True)
    os.chmod(public, 0o1777)
    (public / "stash").write_text("y" * 9000)
    os.chown(public / "stash", uid, gid)
    private = shared / "private"                 # a folder the uid cannot enter: not searched
    private.mkdir(mode=0o700)
    (private / "f").touch()
    os.chown(private / "f", uid, gid)
    os.chmod(private, 0o700)
    chain(mine, 200)
    found, complete = tree.find_owned((str(shared),), uid, gid)
    assert complete and {name for _, name, _ in found} == {"mine", "stash"}
    assert tree.owned_usage((str(shared),), uid, gid, 1 << 30) >= 18000
    assert tree.owned_usage((str(shared),), uid, gid, 1 << 30, skip=(str(mine),)) < 18000
    removed, complete, problems = tree.remove_owned((str(shared),), uid, gid)
    assert (removed, complete, problems) == (2, True, [])
    assert not mine.exists() and not (public / "stash").exists() and public.exists() and (private / "f").exists()
