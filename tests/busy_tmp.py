"""A busy /tmp for the tests: many entries of another user that the sandbox uid can see but not write,
laid out as an unpacked Python environment is (site-packages/<package>/<module folder>/<files>),
and slot lock files set to "unknown state" so that every slot is scrubbed before its next use.

    python tests/busy_tmp.py make [N]      # prints the folder it made under /tmp (N entries, default 120,000)
    python tests/busy_tmp.py remove PATH
"""
from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENTRIES = 120_000
FILES_PER_FOLDER = 9              # as in a real environment: about one entry in ten is a folder
FOLDERS_PER_PACKAGE = 10


def make(n: int = ENTRIES, where: str = "/tmp") -> tuple[Path, int]:
    """A folder under WHERE (mode 755, as an unpacked environment) holding N entries or a few more,
    none of them writable by other users; returns (folder, entries). Files are hard links to one
    empty file per package, and the folder is a tmpfs of its own where it can be mounted (root),
    so that making and removing them is quick; a search sees as many entries either way."""
    top = Path(tempfile.mkdtemp(prefix="rnn-busy-tmp-", dir=where))
    if os.geteuid() == 0 and shutil.which("mount"):
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256m,nr_inodes=400k,mode=755", "rnn-busy-tmp", str(top)],
                       capture_output=True)
    os.chmod(top, 0o755)
    site = top / "lib" / "python3" / "site-packages"
    site.mkdir(parents=True)
    made, package = 3, 0
    while made < n:
        pkg = site / f"package_{package}"
        pkg.mkdir()
        original = pkg / "__init__.py"
        original.touch()
        made += 2
        for folder in range(FOLDERS_PER_PACKAGE):
            sub = pkg / f"module_{folder}"
            sub.mkdir()
            for i in range(FILES_PER_FOLDER):
                os.link(original, sub / f"file_{i}.py")
            made += 1 + FILES_PER_FOLDER
        package += 1
    return top, made


def remove(top: Path) -> None:
    if os.path.ismount(top):
        if subprocess.run(["umount", str(top)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(top)], capture_output=True)   # busy: detached now, freed later
        os.rmdir(top)
    else:
        shutil.rmtree(top, ignore_errors=True)


def mark_slots_unknown(lock_dir: Path) -> list[int]:
    """Set every free slot's state to unknown (as on first use or after a crash); returns their indices.
    Slots other graders hold are left alone."""
    marked = []
    for lock in sorted(lock_dir.glob("*.lock")):
        fd = os.open(lock, os.O_RDWR | os.O_CLOEXEC)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue
        else:
            os.ftruncate(fd, 0)
            marked.append(int(lock.stem))
        finally:
            os.close(fd)
    return marked


if __name__ == "__main__":
    if sys.argv[1] == "make":
        start = time.monotonic()
        folder, count = make(int(sys.argv[2]) if len(sys.argv) > 2 else ENTRIES)
        print(folder, count, f"{time.monotonic() - start:.1f} s")
    else:
        remove(Path(sys.argv[2]))
