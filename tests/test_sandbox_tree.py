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


def environment(top, packages: int, folders: int, files: int) -> int:
    """An unpacked environment of root's under TOP (folders 755, files 644); returns its entry count."""
    site = top / "lib" / "site-packages"
    site.mkdir(parents=True)
    for p in range(packages):
        for f in range(folders):
            (site / f"pkg{p}" / f"mod{f}").mkdir(parents=True)
            for i in range(files):
                (site / f"pkg{p}" / f"mod{f}" / f"f{i}.py").touch()
    return 2 + packages * (1 + folders * (1 + files))


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to create files of other uids")
def test_the_search_reads_no_status_of_files_the_uid_cannot_have_written(tmp_path):
    """Its cost grows with the folders the uid can enter and the entries of those it can write,
    not with other users' files: 10,000 files of root's cost about one status read per folder."""
    uid, gid, other = 64190, 64190, 64191
    shared = tmp_path / "tmp"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    entries = environment(shared / "venv", packages=20, folders=10, files=50)
    public = shared / "public"                    # writable by everyone: every entry may be the uid's
    public.mkdir()
    os.chmod(public, 0o1777)
    for i in range(30):
        (public / f"theirs{i}").touch()
        os.chown(public / f"theirs{i}", other, other)
    (public / "stash").touch()
    os.chown(public / "stash", uid, gid)
    seen = []
    result = tree.search_owned((str(shared),), uid, gid, lambda fd, name, st, where: seen.append(name),
                               max_entries=1000)
    folders = 2 + 20 * (1 + 10)
    assert entries > 10_000 and result.complete and seen == ["stash"]
    assert result.visited <= folders + 31 + 2, result.visited     # folders, public's entries, shared's two


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to create files of other uids")
def test_what_the_uid_made_where_it_could_write_is_removed_and_its_links_are_not_followed(tmp_path):
    uid, gid, other = 64190, 64190, 64191
    victim = tmp_path / "victim"                  # what a planted link points at: must survive
    victim.mkdir()
    (victim / "precious").write_text("keep")
    shared = tmp_path / "tmp"
    shared.mkdir()
    os.chmod(shared, 0o1777)

    def made(path, *, folder=False, link_to=None, owner=uid):
        if link_to is not None:
            path.symlink_to(link_to)
        elif folder:
            path.mkdir()
        else:
            path.write_text("x")
        os.chown(path, owner, owner, follow_symlinks=False)
        return path

    def folder(path, mode, owner=0, group=0):
        path.mkdir()
        os.chown(path, owner, group)
        os.chmod(path, mode)
        return path

    gone = [made(shared / "file"), made(shared / "link", link_to=victim),
            made(shared / "link2", link_to=victim / "precious")]
    own = made(shared / "own", folder=True)        # its folder goes whole, with a link to a folder inside
    made(own / "inside_link", link_to=victim)
    made(own / "theirs", owner=other)
    gone.append(own)
    group_w = folder(shared / "group", 0o770, group=gid)           # writable through its group
    gone.append(made(group_w / "file"))
    others_group = folder(shared / "others_group", 0o770, group=other)   # neither enter nor write
    kept = [made(others_group / "file")]
    readonly = folder(shared / "readonly", 0o755)                  # enter, not write
    kept.append(made(readonly / "file"))           # it cannot have made this one: not looked at
    gone.append(made(readonly / "own_folder", folder=True))        # but its folders go, wherever it reached
    deep = folder(folder(folder(readonly / "a", 0o755) / "b", 0o755) / "c", 0o1777)
    gone.append(made(deep / "file"))
    open_dir = folder(shared / "open", 0o777, owner=other, group=other)   # not sticky: anyone may swap
    inner = made(open_dir / "inner", folder=True)
    made(inner / "to_victim", link_to=victim)
    gone.append(inner)
    removed, complete, problems = tree.remove_owned((str(shared),), uid, gid)
    assert (complete, problems) == (True, []) and removed == 8
    assert not any(os.path.lexists(p) for p in gone), [p for p in gone if os.path.lexists(p)]
    assert all(os.path.lexists(p) for p in kept)
    assert (victim / "precious").read_text() == "keep" and group_w.is_dir() and deep.is_dir()


def test_a_search_cut_short_says_where_it_stopped(tmp_path):
    shared = tmp_path / "tmp"
    crowded = shared / "crowded"
    crowded.mkdir(parents=True)
    os.chmod(shared, 0o1777)
    os.chmod(crowded, 0o1777)
    for i in range(200):
        (crowded / str(i)).touch()
    removed, complete, problems = tree.remove_owned((str(shared),), 64190, 64190, max_entries=50)
    assert not complete and problems == [
        f"the search stopped after 50 entries in {crowded} (folders that other users can write, full of files)"]
    assert len(os.listdir(crowded)) == 200


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to create files of other uids")
def test_many_empty_files_of_the_uid_in_a_shared_folder_count_as_over_the_cap(tmp_path, monkeypatch):
    """An inode flood costs the quota even at 0 bytes (else it could fill /tmp's inodes)."""
    uid = 64190
    shared = tmp_path / "tmp"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    for i in range(40):
        (shared / str(i)).touch()
        os.chown(shared / str(i), uid, uid)
    assert tree.owned_usage((str(shared),), uid, uid, 1 << 30) == 0
    monkeypatch.setattr(tree, "MEASURE_ENTRIES", 30)
    assert tree.owned_usage((str(shared),), uid, uid, 1 << 30) == (1 << 30) + 1
