"""Build attack submissions and grade them with the real command line, as Gradescope would.

An attack submission is the reference solution with some modules replaced by the files of
tests/attacks/<name>/, plus attack_kit.py and a copy of each reference module as ref_<module>.py
(the oracle the attacks answer from when an exploit works). Placeholders @TOKEN@, @REPO@ and
@RESULTS@ are filled in. Every process an attack starts names itself TOKEN.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.assignments.gated_rnn.contract import FUNCTIONS as GATED_FUNCTIONS
from autograder.assignments.rnn_bptt.contract import FUNCTIONS

REPO = Path(__file__).resolve().parents[2]
ATTACKS = Path(__file__).resolve().parent
SOLUTION = REPO / "reference" / "rnn_bptt" / "solution"
MODULES = ("activations", "rnn", "jacobian", "clipping")
# part 2's attacks (tests/attacks/gated_*): the same layout over part 2's reference
GATED = {"solution": REPO / "reference" / "gated_rnn" / "solution", "modules": ("lstm", "gru", "truncated"),
         "functions": GATED_FUNCTIONS}
TOKEN = "rnnatk" + secrets.token_hex(4)          # 14 characters: fits in /proc/PID/comm
SECRET_ENV = {"RNN_ATTACK_SECRET": "secret-" + TOKEN}
GRADE_TIMEOUT = 180                               # seconds: far above any budget; a hang fails the test


@dataclass
class Graded:
    name: str
    returncode: int
    results_path: Path
    results_bytes: bytes          # the results file right after the grader exited
    stdout: str
    stderr: str
    seconds: float

    @property
    def results(self) -> dict:
        return json.loads(self.results_bytes)

    def by_function(self) -> dict[str, tuple[float, float]]:
        """function -> (score, max_score), from the test names "function: ..."."""
        functions = GATED["functions"] if is_gated(self.name) else FUNCTIONS
        out: dict[str, list[float]] = {f.name: [0.0, 0.0] for f in functions}
        for test in self.results["tests"]:
            fn = test["name"].split(":", 1)[0]
            out[fn][0] += test["score"]
            out[fn][1] += test["max_score"]
        return {k: (round(v[0], 4), round(v[1], 4)) for k, v in out.items()}


SEARCH_ROOTS = "/,/work,/autograder,/tmp,/opt,/root,/home,/srv"   # where read_secrets looks for copies

# Docker's confinement, approximated (see tests/test_sandbox_container.py): a wrapper for grade()
CONTAINER_LIKE = REPO.parent / "shared" / "tools" / "container_like.py"
CONTAINER_ENV = "RNN_ATTACK_CONTAINER"         # "1": the attack suite grades under CONTAINER_LIKE


def container_problem() -> str | None:
    """Why the container-like confinement cannot be used here (None when it can)."""
    import importlib.util

    if os.geteuid() != 0:
        return "it needs root"
    if importlib.util.find_spec("pyseccomp") is None:
        return "pyseccomp is not installed (pip install -e .[sandbox])"
    if shutil.which("setpriv") is None:
        return "util-linux's setpriv is not installed"
    if not CONTAINER_LIKE.is_file():
        return f"{CONTAINER_LIKE} is not there"
    return None


def container_wrapper() -> list[str]:
    return [sys.executable, str(CONTAINER_LIKE)]


def fill(text: str, results: Path, search_roots: str = SEARCH_ROOTS) -> str:
    return (text.replace("@TOKEN@", TOKEN).replace("@REPO@", str(REPO)).replace("@RESULTS@", str(results))
            .replace("@SEARCH_ROOTS@", search_roots))


def is_gated(name: str) -> bool:
    """An attack on part 2 (gated_rnn): its folder's name starts with gated_."""
    return name.startswith("gated_")


def build(name: str, workdir: Path, search_roots: str = SEARCH_ROOTS) -> tuple[Path, Path]:
    """Lay out the submission NAME in WORKDIR; return (submission dir, results path).

    NAME is one attack (a folder of tests/attacks/), or several joined by "+" whose modules do not
    overlap (one grade for several attacks); any other name gives the plain reference.
    SEARCH_ROOTS: the folders read_secrets searches for any copy of the reference ("" for none)."""
    sub = workdir / name / "submission"
    results = workdir / name / "results" / "results.json"
    sub.mkdir(parents=True)
    results.parent.mkdir(parents=True)
    solution, modules = (GATED["solution"], GATED["modules"]) if is_gated(name) else (SOLUTION, MODULES)
    for module in modules:
        source = (solution / f"{module}.py").read_text()
        (sub / f"{module}.py").write_text(source)
        (sub / f"ref_{module}.py").write_text(source)
    (sub / "attack_kit.py").write_text(fill((ATTACKS / "attack_kit.py").read_text(), results, search_roots))
    seen: set[str] = set()
    for part in name.split("+"):
        overlay = ATTACKS / part
        for path in sorted(overlay.glob("*.py")) if overlay.is_dir() else []:
            assert path.name not in seen, f"{name}: two attacks replace {path.name}"
            seen.add(path.name)
            (sub / path.name).write_text(fill(path.read_text(), results, search_roots))
    return sub, results


def grade(name: str, sub: Path, results: Path, wrapper: list[str] | None = None,
          extra_env: dict[str, str] | None = None) -> Graded:
    """Run `python -m autograder grade SUB --results RESULTS` (optionally under WRAPPER)."""
    # PYTHONPATH: this checkout's grader, not whichever one an editable install points at
    env = dict(os.environ, **SECRET_ENV, PYTHONPATH=str(REPO), **(extra_env or {}))
    argv = [*(wrapper or []), sys.executable, "-m", "autograder", "grade", str(sub), "--results", str(results),
            "--quiet", *(["--assignment", "gated_rnn"] if is_gated(name) else [])]
    start = time.monotonic()
    # its own session, as under Gradescope's harness: an attack on the grader's process group must not
    # reach pytest; a grader that hangs is killed with its group and fails only this attack's tests
    proc = subprocess.Popen(argv, cwd=results.parent, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=GRADE_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        stderr += f"\n[the grader did not finish in {GRADE_TIMEOUT} s and was killed]".encode()
    seconds = time.monotonic() - start
    data = results.read_bytes() if results.is_file() else b""
    return Graded(name, proc.returncode, results, data, stdout.decode(errors="replace")[-4000:],
                  stderr.decode(errors="replace")[-4000:], seconds)


def survivors() -> list[tuple[int, str]]:
    """(pid, comm) of every process named TOKEN, i.e. started by an attack and still alive."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm") as f:
                comm = f.read().strip()
            with open(f"/proc/{entry}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if comm == TOKEN and state != b"Z":
            found.append((int(entry), comm))
    return found


SHARED_PLACES = ("/tmp", "/var/tmp", "/dev/shm")


def leftovers() -> list[str]:
    """Files an attack made (named with TOKEN) still in the shared folders or in a job's tmp/."""
    found = []
    for top in SHARED_PLACES:
        try:
            names = os.listdir(top)
        except OSError:
            continue
        found += [os.path.join(top, n) for n in names if TOKEN in n]
        for n in names:                       # one level down: world-writable folders, job folders
            sub = os.path.join(top, n)
            try:
                if os.path.isdir(sub) and not os.path.islink(sub):
                    found += [os.path.join(sub, m) for m in os.listdir(sub) if TOKEN in m]
                    if n.startswith("rnn-grade-") and os.path.isdir(os.path.join(sub, "tmp")):
                        found += [os.path.join(sub, "tmp", m) for m in os.listdir(os.path.join(sub, "tmp"))
                                  if TOKEN in m]
            except OSError:
                continue
    return found


def check_results_file(g: Graded) -> dict:
    """The results file is a valid Gradescope file whose score is the sum of its tests (100 max)."""
    assert g.returncode == 0, f"{g.name}: grader exited {g.returncode}\n{g.stderr}"
    assert g.results_bytes, f"{g.name}: no results file was written\n{g.stderr}"
    data = g.results
    tests = data["tests"]
    assert tests and all({"name", "score", "max_score"} <= set(t) for t in tests)
    assert abs(data["score"] - sum(t["score"] for t in tests)) < 1e-6
    assert abs(sum(t["max_score"] for t in tests) - 100) < 1e-6
    assert 0 <= data["score"] <= 100
    return data


def cleanup(workdir: Path) -> None:
    from autograder.sandbox import tree

    shutil.rmtree(workdir, ignore_errors=True)
    for path in leftovers():        # only after a failed test: deep chains need tree.remove_tree
        tree.remove_tree(path)
