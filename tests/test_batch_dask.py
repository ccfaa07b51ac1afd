"""`batch --dask`: a real Dask LocalCluster (worker processes), not a mock.

Skipped only when the dask extra is not installed; CI installs it and sets
RNN_AUTOGRADER_REQUIRE_DASK=1, so there it runs (a missing extra fails the test)."""
from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from autograder.engine.fingerprint import fingerprint, package_version
from autograder.outputs.progress import Progress
from autograder.platforms.batch import run_batch
from autograder.platforms.batch_dask import refusals
from autograder.platforms.batch_jobs import BatchError
from autograder.platforms.cli import main

if os.environ.get("RNN_AUTOGRADER_REQUIRE_DASK"):
    import distributed
else:
    distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]


def cluster(**kwargs):
    return distributed.LocalCluster(processes=True, threads_per_worker=1, dashboard_address=None, **kwargs)


def make_class(base: Path) -> Path:
    for name, src in (("alice", "reference/rnn_bptt/solution"), ("bob", "reference/rnn_bptt/samples/buggy"),
                      ("carol", "assignments/rnn_bptt")):
        shutil.copytree(ROOT / src, base / name, ignore=shutil.ignore_patterns("test_*", "*.md", "__pycache__"))
    shutil.make_archive(str(base / "dave"), "zip", ROOT / "tests" / "broken" / "exceptions")
    return base


def test_dask_workers_grade_as_the_local_pool_does(tmp_path, capsys):
    cls = make_class(tmp_path / "class")
    local = run_batch([cls], tmp_path / "local", jobs=2, progress=Progress(io.StringIO()))
    with cluster(n_workers=2) as c:
        assert main(["batch", str(cls), "--output", str(tmp_path / "dask"), "--dask", c.scheduler_address]) == 0
    printed = capsys.readouterr().out
    assert "grading on 2 Dask workers" in printed
    for sid in ("alice", "bob", "carol", "dave"):
        remote = json.loads((tmp_path / "dask" / sid / "results.json").read_text())
        mine = local.results[sid]
        assert {k: v for k, v in remote.items() if k != "execution_time"} == \
            {k: v for k, v in mine.items() if k != "execution_time"}, sid
    assert (tmp_path / "dask" / "grades.csv").read_bytes() == (tmp_path / "local" / "grades.csv").read_bytes()


def test_a_worker_that_cannot_confine_student_code_is_refused(tmp_path):
    log = io.StringIO()
    with cluster(n_workers=1, env={"RNN_AUTOGRADER_SANDBOX": "bogus"}) as c:
        with pytest.raises(BatchError, match="no Dask worker"):
            run_batch([ROOT / "reference" / "rnn_bptt" / "solution"], tmp_path / "out", dask=c.scheduler_address,
                      progress=Progress(log))
    assert "refused" in log.getvalue() and "RNN_AUTOGRADER_SANDBOX" in log.getvalue()
    assert not (tmp_path / "out" / "solution").exists()          # no zero score written


def test_a_worker_of_another_version_or_grader_is_refused():
    good = {"version": package_version(), "fingerprint": fingerprint(), "problems": []}
    assert refusals(good, package_version(), fingerprint()) == []
    old = dict(good, version="0.0.1")
    assert "install the same version" in refusals(old, package_version(), fingerprint())[0]
    other = dict(good, fingerprint="f" * 64)
    assert "differs from the client's" in refusals(other, package_version(), fingerprint())[0]
