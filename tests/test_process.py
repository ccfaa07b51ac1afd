"""How the command line's process starts and ends. process.leave: it ends without the
interpreter's teardown, but loses nothing a normal exit would have done: exit status, buffered
output, atexit clean-ups, running threads. cli.run: the garbage collector is off while the grader
imports its modules, and on again for the grade."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_status_output_and_clean_ups_survive(tmp_path):
    code = f"""
import atexit, sys, tempfile
from autograder.platforms.process import leave
folder = tempfile.TemporaryDirectory(dir={str(tmp_path)!r})      # removed by weakref.finalize at exit
atexit.register(lambda: print("clean-up ran"))
sys.stdout.write("buffered, no newline")
leave(3)
"""
    done = run(code)
    assert done.returncode == 3, done.stderr
    assert done.stdout == "buffered, no newline" + "clean-up ran\n"
    assert list(tmp_path.iterdir()) == []


def test_none_is_success_and_a_running_thread_is_waited_for():
    code = """
import threading, time
from autograder.platforms.process import leave
def late():
    time.sleep(0.3)
    print("thread finished", flush=True)
threading.Thread(target=late).start()
leave(None)
"""
    done = run(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "thread finished\n"


def test_the_command_line_ends_through_it(tmp_path):
    """`python -m autograder` returns main()'s status: 2 when the results cannot be written."""
    (tmp_path / "a-file").write_text("")
    solution = ROOT / "reference" / "rnn_bptt" / "solution"
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(solution),
                           "--results", str(tmp_path / "a-file" / "r.json"), "--quiet"], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "a-file" in done.stderr


def test_the_garbage_collector_is_on_again_once_the_grader_is_imported(tmp_path):
    solution = ROOT / "reference" / "rnn_bptt" / "solution"
    code = f"""
import gc
gc.disable()                        # as cli.run does
from autograder.platforms.cli import main
status = main(["grade", {str(solution)!r}, "--results", {str(tmp_path / "r.json")!r}, "--quiet"])
print(status, gc.isenabled(), gc.get_freeze_count() > 1000)
"""
    done = run(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "True", "True"]
