"""A slot's uid leaves nothing behind: a slot is scrubbed when it may be dirty, and marked clean only
after a complete scrub (sandbox/slots.py, with tree.remove_owned)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from autograder.sandbox import slots

SOLUTION = Path(__file__).resolve().parents[1] / "reference" / "rnn_bptt" / "solution"

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


# ---- slots whose scrub cannot finish ------------------------------------------------------------
POOL_UID = 64300          # a pool of its own (lock files, uids, shared folder): other graders are not touched


@pytest.fixture
def pool(tmp_path, monkeypatch):
    """Three slots of uids POOL_UID..+2 with their lock files in TMP_PATH, scrubbing TMP_PATH/shared
    (sticky and world-writable, as /tmp) instead of the machine's shared folders."""
    locks, shared = tmp_path / "locks", tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    monkeypatch.setattr(slots, "LOCK_DIRS", (str(locks),))
    monkeypatch.setattr(slots, "SLOTS", 3)
    monkeypatch.setattr(slots, "SHARED_TMP", (str(shared),))
    monkeypatch.setattr(slots, "_account", lambda i: (POOL_UID + i, POOL_UID + i, f"pool-{i}", False))
    immutable: list[str] = []
    yield shared, locks, immutable
    for path in immutable:
        subprocess.run(["chattr", "-i", path], check=False)


def state(locks, index: int) -> bytes:
    path = locks / f"{index}.lock"
    return path.read_bytes() if path.exists() else b""


def set_state(locks, index: int, value: bytes) -> None:
    locks.mkdir(mode=0o700, exist_ok=True)
    (locks / f"{index}.lock").write_bytes(value)


def unremovable(shared, uid: int, immutable: list[str]):
    """A file of UID in the shared folder that nobody can remove (immutable)."""
    path = shared / f"stuck-{uid}"
    path.write_text("x")
    os.chown(path, uid, uid)
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)]).returncode != 0:
        pytest.skip("this file system cannot make a file immutable (chattr +i)")
    immutable.append(str(path))
    return path


def test_an_unremovable_file_takes_the_slot_out_of_use_and_the_grade_takes_another(pool, capfd):
    shared, locks, immutable = pool
    stuck = unremovable(shared, POOL_UID, immutable)
    (shared / "gone").write_text("y")
    os.chown(shared / "gone", POOL_UID + 1, POOL_UID + 1)       # slot 1's leftovers: removed before its use
    first = slots.acquire()                                      # every slot of unknown state
    try:
        assert first.index == 1 and not (shared / "gone").exists()
        assert state(locks, 0).startswith(slots.OUT_OF_USE) and str(stuck).encode() in state(locks, 0)
        assert first.notes and "slot 0" in first.notes[0] and str(stuck) in first.notes[0]
        assert "WARNING: sandbox slot 0" in capfd.readouterr().err
        second = slots.acquire()               # slot 0 is out of use: not tried again while others are free
        try:
            assert second.index == 2 and second.notes == []
            subprocess.run(["chattr", "-i", str(stuck)], check=True)     # the instructor cleans up
            third = slots.acquire()            # no other slot free: the one out of use is scrubbed again
            assert third.index == 0 and not stuck.exists() and state(locks, 0) == slots.CLEAN
            third.release()
        finally:
            second.release()
    finally:
        first.release()


def test_a_search_over_the_limit_takes_the_slot_out_of_use(pool, monkeypatch):
    shared, locks, _ = pool
    crowded = shared / "crowded"              # only slot 0's group can write here: only its search is long
    crowded.mkdir()
    os.chown(crowded, 0, POOL_UID)
    os.chmod(crowded, 0o770)
    for i in range(100):
        (crowded / str(i)).touch()
    monkeypatch.setattr(slots.tree, "MAX_ENTRIES", 60)
    set_state(locks, 1, slots.CLEAN)
    slot = slots.acquire()
    try:
        assert slot.index == 1
        stopped = f"the search stopped after 60 entries in {crowded}"
        assert state(locks, 0).startswith(slots.OUT_OF_USE + stopped.encode())
    finally:
        slot.release()


def test_when_no_slot_can_be_had_the_instructor_is_told_what_to_clean(pool):
    shared, locks, immutable = pool
    stuck = [unremovable(shared, POOL_UID + i, immutable) for i in range(3)]
    with pytest.raises(slots.NoSlot) as raised:
        slots.acquire()
    message = str(raised.value)
    assert "no sandbox slot" in message and str(locks) in message and "To clean up" in message
    assert all(str(path) in message for path in stuck), message


def test_a_grade_without_a_slot_is_the_instructors_error_not_the_students_zero(pool, tmp_path, capsys):
    """The student's results file says the grader was unavailable and that it is not their fault
    (nothing about the machine); the instructor gets exit status 3 and what to clean."""
    from autograder.platforms import cli
    from autograder.platforms.safe_grade import UNAVAILABLE_NOTE, UNAVAILABLE_TEST

    shared, _, immutable = pool
    stuck = [unremovable(shared, POOL_UID + i, immutable) for i in range(3)]
    results = tmp_path / "results.json"
    status = cli.main(["grade", str(SOLUTION), "--results", str(results)])
    err = capsys.readouterr().err
    assert status == 3
    assert "error: grader unavailable:" in err and str(stuck[0]) in err and "To clean up" in err
    data = json.loads(results.read_text())
    assert data["score"] == 0 and data["extra_data"]["internal_error"] is True     # `batch` grades it again
    assert UNAVAILABLE_NOTE in data["output"] and "not a problem with your submission" in UNAVAILABLE_NOTE
    assert data["tests"] and all(t["output"] == UNAVAILABLE_TEST for t in data["tests"])
    student_text = json.dumps({k: v for k, v in data.items() if k != "extra_data"})
    assert str(POOL_UID) not in student_text and str(shared) not in student_text
    assert "Internal grader error" not in student_text
