"""The Python the worker runs: a read-only view of this interpreter holding the stdlib and NumPy only.

Why: the grader's interpreter may live where the worker's unprivileged uid cannot go (pyenv under
/root, mode 700), and its site-packages hold the grader itself and its test tools. The view is a
directory tree of hard links (copies across filesystems) to the interpreter binary, libpython,
the standard library and NumPy, built once per interpreter and NumPy version and reused:

    VIEW/bin/python3, VIEW/lib/libpython3.X.so.1.0 (when shared),
    VIEW/lib/python3.X/ (stdlib, lib-dynload, and numpy/ + numpy.libs/ inside it)

NumPy sits inside the stdlib directory, so it is importable with no site-packages at all: the
worker sees the same modules (stdlib + NumPy) in every sandbox mode and on every machine.
Location: /opt/rnn-autograder/runtime/ as root (root-owned, 0755: readable, never writable, by the
worker), else the user's cache directory; a private directory in /tmp when that cannot be written;
RNN_AUTOGRADER_RUNTIME overrides.
"""
from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VIEW_FORMAT = "2"
SKIP_STDLIB = {"site-packages", "dist-packages", "test", "idlelib", "tkinter", "turtledemo", "ensurepip",
               "lib2to3", "__phello__"}


@dataclass(frozen=True)
class Runtime:
    root: Path              # the view; mount or allow it read-only
    python: Path            # VIEW/bin/python3
    env: dict               # extra environment for the worker (LD_LIBRARY_PATH when libpython is shared)


def base_dirs() -> list[Path]:
    """Where the view may live, best first: the first that can be created and is private wins."""
    env = os.environ.get("RNN_AUTOGRADER_RUNTIME")
    if env:
        return [Path(env)]
    if os.geteuid() == 0:
        first = Path("/opt/rnn-autograder/runtime")
    else:
        cache_home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        first = Path(cache_home) / "rnn-autograder" / "runtime"
    return [first, Path(tempfile.gettempdir()) / f"rnn-autograder-runtime-{os.geteuid()}"]


def _numpy_dir() -> Path:
    """NumPy's folder, found without importing it (the grader may not have yet: sandbox/early.py)."""
    spec = importlib.util.find_spec("numpy")
    if spec is None or spec.origin is None:
        raise ImportError("NumPy is not installed for this Python")
    return Path(spec.origin).resolve().parent


def _key() -> str:
    exe = os.path.realpath(sys.executable)
    stdlib = sysconfig.get_path("stdlib")
    npdir = _numpy_dir()
    version = npdir / "version.py"      # rewritten by every install of NumPy, whatever its version
    parts = [VIEW_FORMAT, exe, sys.version, stdlib, str(npdir), str(os.stat(exe).st_mtime_ns),
             str(os.stat(npdir / "__init__.py").st_mtime_ns),
             str(os.stat(version).st_mtime_ns) if version.exists() else "",
             version.read_text(encoding="utf-8", errors="replace") if version.exists() else ""]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _check_private(path: Path) -> None:
    """Refuse a cache directory that someone else could write into (runtime poisoning)."""
    st = path.lstat()
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise PermissionError(f"{path} must be a directory of uid {os.geteuid()}, not group/world-writable")


def _build(view: Path) -> None:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    (view / "bin").mkdir(parents=True)
    (view / "lib").mkdir()
    _link_or_copy(os.path.realpath(sys.executable), str(view / "bin" / "python3"))
    if sysconfig.get_config_var("Py_ENABLE_SHARED"):
        soname = sysconfig.get_config_var("INSTSONAME") or sysconfig.get_config_var("LDLIBRARY")
        libdir = sysconfig.get_config_var("LIBDIR")
        if soname and libdir and os.path.exists(os.path.join(libdir, soname)):
            _link_or_copy(os.path.realpath(os.path.join(libdir, soname)), str(view / "lib" / soname))
    stdlib = sysconfig.get_path("stdlib")

    def skip(directory: str, names: list[str]) -> list[str]:
        if not os.path.samefile(directory, stdlib):
            return []
        return [n for n in names if n in SKIP_STDLIB or n.startswith("config-")]   # config-*: libpython.a

    target = view / "lib" / version
    shutil.copytree(stdlib, target, ignore=skip, copy_function=_link_or_copy, symlinks=False)
    dynload = sysconfig.get_path("platstdlib")
    if not (target / "lib-dynload").exists() and os.path.isdir(os.path.join(dynload, "lib-dynload")):
        shutil.copytree(os.path.join(dynload, "lib-dynload"), target / "lib-dynload", copy_function=_link_or_copy)
    npdir = _numpy_dir()
    if not (target / "numpy").exists():       # (it is there already when this Python is itself a view)
        shutil.copytree(npdir, target / "numpy", copy_function=_link_or_copy, symlinks=False,
                        ignore=shutil.ignore_patterns("tests"))
    libs = npdir.parent / "numpy.libs"
    if libs.is_dir() and not (target / "numpy.libs").exists():
        shutil.copytree(libs, target / "numpy.libs", copy_function=_link_or_copy)
    for d, _dirs, _files in os.walk(view):
        os.chmod(d, 0o755)


@cache
def ensure() -> Runtime:
    """The view for this interpreter and NumPy, built on first use (atomically) and cached."""
    problems = []
    for base in base_dirs():
        try:
            base.mkdir(parents=True, exist_ok=True, mode=0o755)
            _check_private(base)
            return _ensure_in(base)
        except OSError as exc:           # read-only /opt, a /tmp entry someone else made...
            problems.append(f"{base}: {exc}")
    raise RuntimeError("no place to build the worker's Python view: " + "; ".join(problems))


def _ensure_in(base: Path) -> Runtime:
    view = base / _key()
    if not (view / ".complete").exists():
        # One builder at a time (parallel graders start together): without the lock, a second
        # builder could take a view that the first had just finished, and was running a worker
        # from, for a half-built one and delete it.
        with open(base / ".build.lock", "a") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            if not (view / ".complete").exists():
                _build_view(base, view)
    env = {"LD_LIBRARY_PATH": str(view / "lib")}
    return Runtime(view, view / "bin" / "python3", env)


def _build_view(base: Path, view: Path) -> None:
    """Build in a temporary folder, check it, then rename it into place (under the build lock)."""
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=base))
    try:
        _build(tmp)
        os.chmod(tmp, 0o755)
        _verify(Runtime(tmp, tmp / "bin" / "python3", {"LD_LIBRARY_PATH": str(tmp / "lib")}))
        (tmp / ".complete").write_text(f"{sys.executable}\n")
        if view.exists():           # a half-built view from a crash: replace it
            shutil.rmtree(view, ignore_errors=True)
        os.rename(tmp, view)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _verify(runtime: Runtime) -> None:
    """The view must start and import NumPy from itself (a broken view would zero every grade)."""
    out = subprocess.run([str(runtime.python), "-I", "-c", "import numpy, sys; print(sys.prefix)"],
                         env={"PATH": "/usr/bin:/bin", **runtime.env}, capture_output=True, text=True,
                         timeout=60)
    if out.returncode != 0 or out.stdout.strip() != str(runtime.root):
        raise RuntimeError(f"the worker's Python view {runtime.root} does not work: "
                           f"{out.stdout.strip()} {out.stderr.strip()[-500:]}")
