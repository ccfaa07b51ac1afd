"""The worker's Python view is built once, even by graders that start together."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

BUILD_AND_USE = textwrap.dedent("""
    import subprocess, sys, time
    from autograder.sandbox import runtime
    view = runtime.ensure()
    end, failures = time.monotonic() + 3.0, []
    while time.monotonic() < end:     # keep using the view while the other graders build theirs
        out = subprocess.run([str(view.python), "-I", "-c", "import numpy"],
                             env={"PATH": "/usr/bin:/bin", **view.env}, capture_output=True, text=True)
        if out.returncode != 0:
            failures.append(out.stderr[-200:])
    print(failures[0] if failures else "ok")
""")


def test_parallel_graders_share_one_view_and_none_deletes_it_under_another(tmp_path):
    env = {**os.environ, "RNN_AUTOGRADER_RUNTIME": str(tmp_path / "runtime")}
    procs = [subprocess.Popen([sys.executable, "-c", BUILD_AND_USE], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for _ in range(3)]
    outputs = [p.communicate(timeout=300)[0].strip() for p in procs]
    assert outputs == ["ok"] * 3, outputs
    views = [p for p in (tmp_path / "runtime").iterdir() if not p.name.startswith(".")]
    assert len(views) == 1 and (views[0] / ".complete").exists(), views
