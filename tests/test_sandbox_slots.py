"""A slot's uid leaves nothing behind: a slot is scrubbed when it may be dirty, and marked clean only
after a complete scrub (sandbox/slots.py, with tree.remove_owned)."""
from __future__ import annotations

import os

import pytest

from autograder.sandbox import slots

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="slots are uids of their own: root only")


def plant(uid: int, gid: int) -> list[str]:
    """What a worker of UID could leave in the shared folders: a file, and its own 0777 folder with
    another user's file in it, with a chain below."""
    paths = []
    top = "/dev/shm" if os.path.isdir("/dev/shm") else "/tmp"
    f = os.path.join(top, f"rnn-slot-test-{os.getpid()}-file")
    with open(f, "w") as out:
        out.write("x")
    os.chown(f, uid, gid)
    d = os.path.join(top, f"rnn-slot-test-{os.getpid()}-dir")
    os.makedirs(os.path.join(d, *["c"] * 100))
    with open(os.path.join(d, "theirs"), "w") as out:
        out.write("y")
    os.chown(d, uid, gid)
    os.chmod(d, 0o777)
    paths += [f, d]
    return paths


def test_a_dirty_slot_is_scrubbed_on_release_and_then_clean():
    slot = slots.acquire()
    try:
        assert slots._state(slot.lock_fd) == slots.CLEAN      # acquire scrubs what may be dirty
        slot.mark_dirty()
        planted = plant(slot.uid, slot.gid)
    finally:
        problems = slot.release()
    assert problems == []
    assert not any(os.path.lexists(p) for p in planted), planted
    fd = os.open(slots.lock_dir() / f"{slot.index}.lock", os.O_RDONLY)
    try:
        assert slots._state(fd) == slots.CLEAN
    finally:
        os.close(fd)


def test_a_slot_of_unknown_state_is_scrubbed_before_use():
    slot = slots.acquire()
    try:
        slots._set_state(slot.lock_fd, b"")      # as after a grader that was killed, or a fresh lock file
        planted = plant(slot.uid, slot.gid)
        again, problem = slots._claim(slot.index, slot.lock_fd)     # the lock is still ours: claim it anew
        assert again is not None and problem is None and slots._state(slot.lock_fd) == slots.CLEAN
        assert not any(os.path.lexists(p) for p in planted), planted
    finally:
        slot.release()
