"""Shared by the attack submissions (copied into each one as attack_kit.py).

Every attack is an oracle: the attacked function returns the correct answer (from the copy of the
reference solution that travels with the submission, ref_<module>.py) only when its exploit
worked, and a wrong answer otherwise. So "the attacked function scores 0" means "the exploit
failed", and a sandbox hole shows up as points. The test substitutes the @...@ placeholders.
Every process an attack starts renames itself to TOKEN (/proc/PID/comm), so the test can check
that nothing is left running.
"""
import ctypes
import os

TOKEN = "@TOKEN@"                 # at most 15 characters: a process name
REPO = "@REPO@"                   # the grader's checkout (reference, checks)
RESULTS = "@RESULTS@"             # where the grader writes this submission's results
SECRET_NAME = "RNN_ATTACK_SECRET"  # set in the grader's environment by the test
SEARCH_ROOTS = [p for p in "@SEARCH_ROOTS@".split(",") if p]   # where to look for copies of the reference


def mark():
    """Name this process TOKEN, so that a survivor can be found in /proc."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(15, ctypes.c_char_p(TOKEN.encode()), 0, 0, 0)   # PR_SET_NAME
    except Exception:  # noqa: BLE001
        pass


def wrong(answer):
    """A plausible but wrong answer of the same structure."""
    import numpy as np
    if isinstance(answer, tuple):
        return tuple(wrong(a) for a in answer)
    if isinstance(answer, dict):
        return {k: wrong(v) for k, v in answer.items()}
    if isinstance(answer, str):
        return "may_explode" if answer == "vanishing" else "vanishing"
    return np.asarray(answer, dtype=float) * 1.5 + 1.0     # wrong however large the right answer is


def oracle(won, function, *args, **kwargs):
    """FUNCTION(*ARGS) if the exploit worked; else a wrong answer, and no exception where the
    reference raises one (clip_grad_norm's ValueError is graded too)."""
    if won:
        return function(*args, **kwargs)
    try:
        return wrong(function(*args, **kwargs))
    except Exception:  # noqa: BLE001
        return None


def readable(path):
    try:
        with open(path, "rb") as f:
            return len(f.read(64)) > 0
    except OSError:
        return False


def writable_file(path):
    """True when PATH can be opened for writing (nothing is written, contents and mtime unchanged)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    except OSError:
        return False
    os.close(fd)
    return True


def creatable_in(directory):
    """True when a new file can be created in DIRECTORY (it is removed again)."""
    path = os.path.join(directory, f".attack-{TOKEN}-{os.getpid()}")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError:
        return False
    os.close(fd)
    try:
        os.unlink(path)
    except OSError:
        pass
    return True


def pids():
    try:
        return [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return []


def cmdlines():
    """(pid, argv) of every process whose command line this process can read."""
    out = []
    for pid in pids():
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                out.append((pid, f.read().split(b"\0")))
        except OSError:
            pass
    return out


def ancestors():
    """The pids above this process, nearest first (the worker, the grader, ...), up to and including
    the grader (the process whose command line has --results). Attacks aim at these only, so that
    on a machine with no sandbox at all they cannot hurt anyone else's processes."""
    chain, pid = [], os.getpid()
    for _ in range(8):
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                pid = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
        if pid <= 1:
            break
        chain.append(pid)
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"--results" in f.read():
                    break
        except OSError:
            break
    return chain


def results_paths():
    """RESULTS, plus the --results path on the command line of an ancestor (the grader)."""
    found = {RESULTS}
    for pid in ancestors():
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        for i, arg in enumerate(argv[:-1]):
            if arg == b"--results":
                found.add(argv[i + 1].decode(errors="replace"))
    return found


_ONCE = {}


def once(key, attempt):
    """Run ATTEMPT on the first call only (an attack per call would just slow the suite down); later
    calls reuse its result."""
    if key not in _ONCE:
        _ONCE[key] = attempt()
    return _ONCE[key]


def foreign_function(*names):
    """A function of one of NAMES that is not defined in this submission, found through gc or
    sys.modules (e.g. a correct helper the grader left in the worker), or None."""
    import gc
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [getattr(m, n, None) for m in list(sys.modules.values()) for n in names]
    candidates += [o for o in gc.get_objects() if callable(o) and getattr(o, "__name__", None) in names]
    for f in candidates:
        code = getattr(f, "__code__", None)
        if code is not None and not os.path.abspath(code.co_filename).startswith(here):
            return f
    return None


def arrays_in_reach():
    """Every array the worker process can reach: its plan's input files and its memory."""
    import gc
    import glob
    import json
    import sys

    import numpy
    found = []
    for arg in sys.argv[1:4]:
        for path in glob.glob(os.path.join(arg, "*.npz")):
            try:
                with numpy.load(path, allow_pickle=False) as npz:
                    found += [npz[k] for k in npz.files]
            except Exception:  # noqa: BLE001
                pass
        for path in glob.glob(os.path.join(arg, "*.f64")):       # raw float64, with a JSON index beside it
            try:
                flat = numpy.fromfile(path, dtype="<f8")
                with open(path[:-4] + ".json", encoding="utf-8") as f:
                    index = json.load(f)
                for at, shape in index.values():
                    found.append(flat[at // 8: at // 8 + int(numpy.prod(shape))].reshape(shape))
            except Exception:  # noqa: BLE001
                pass
    for o in gc.get_objects():       # arrays are not tracked by gc, the dicts and lists holding them are
        values = o.values() if isinstance(o, dict) else o if isinstance(o, (list, tuple)) else ()
        try:
            found += [v for v in values if isinstance(v, numpy.ndarray)]
        except Exception:  # noqa: BLE001
            pass
    return found
