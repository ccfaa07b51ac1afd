"""`batch --dask ADDRESS`: grade on the workers of a Dask distributed cluster (the `dask` extra).

Trust model: a Dask worker is a trusted machine that does the judging, exactly as `grade` does
on this one; the client and the workers exchange pickled messages, so anyone who can reach the
scheduler can run code on every worker: use TLS and never expose the scheduler (README: "Batch
grading"). Student code runs only inside the sandbox each worker starts per submission; the
client sends each submission's files and gets its results.json content back, and writes every
output itself.

Before grading, every worker is checked (check_worker, run on it): the same package version and
grader fingerprint as the client, a sandbox mode it can set up, the system-call filter available,
and the reference solution graded full marks in its sandbox. A worker that fails any of these is
refused, with the reason printed, and never given a submission; with no usable worker, nothing
is graded (no zero score is ever written because a worker could not grade).
"""
from __future__ import annotations

from autograder.outputs.progress import Progress
from autograder.platforms.batch_jobs import BatchError, Job, grade_job, remote_job


def check_worker(assignment: str = "rnn_bptt") -> dict:
    """Run on a worker: what it is and whether it can grade. {'problems': [] } when it can."""
    from autograder.assignment import load
    from autograder.engine.fingerprint import fingerprint, package_version
    from autograder.platforms.safe_grade import grade_safely
    from autograder.sandbox import confine

    facts: dict = {"version": package_version(), "fingerprint": fingerprint(None, assignment), "problems": []}
    try:
        facts["mode"] = confine.requested_mode()
    except confine.SandboxError as exc:
        facts["problems"].append(str(exc))
        return facts
    host = confine.host()
    if host.seccomp_problem:
        facts["problems"].append(f"the sandbox's system-call filter is unavailable ({host.seccomp_problem})")
        return facts
    graded = grade_safely(load(assignment).reference.dir, assignment=assignment)
    if graded.internal_error or graded.report.score != graded.report.max_score:
        why = (graded.internal_error or "").strip().splitlines()[-1:] or [
            f"{graded.report.score:g}/{graded.report.max_score:g}"]
        facts["problems"].append(f"its self-test (the reference solution in its sandbox) failed: {why[0]}")
    else:
        facts["sandbox"] = next((line for line in graded.report.log if line.startswith("sandbox:")), "")
    return facts


def refusals(facts: dict, version: str, grader: str) -> list[str]:
    """Why a worker with FACTS must not grade for a client of VERSION and fingerprint GRADER."""
    why = list(facts.get("problems", []))
    if facts.get("version") != version:
        why.append(f"it runs rnn-autograder {facts.get('version')}, the client {version}: install the same version")
    if facts.get("fingerprint") != grader:
        why.append("its grader (code, reference solution, points or Hypothesis version) differs from the client's: "
                   "install the same checkout on every worker")
    return why


class DaskPool:
    """Submissions go to the checked workers of the cluster at ADDRESS."""

    remote = True

    def __init__(self, address: str, assignment: str = "rnn_bptt", progress: Progress | None = None):
        try:
            from distributed import Client
        except ImportError as exc:
            raise BatchError("--dask needs the dask extra: pip install -e \".[dask]\"") from exc
        from autograder.engine.fingerprint import fingerprint, package_version

        progress = progress or Progress()
        try:
            self.client = Client(address, timeout="30s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise BatchError(f"could not connect to the Dask scheduler at {address}: {exc}") from exc
        facts = self.client.run(check_worker, assignment)
        version, grader = package_version(), fingerprint(None, assignment)
        self.workers = []
        for worker, info in sorted(facts.items()):
            why = refusals(info, version, grader)
            if why:
                progress.line(f"Dask worker {worker} refused: {'; '.join(why)}")
            else:
                self.workers.append(worker)
        if not self.workers:
            self.client.close()
            raise BatchError(f"no Dask worker at {address} can grade (see above): nothing was graded")
        threads = self.client.nthreads()
        self.window = max(4, 2 * sum(threads.get(w, 1) for w in self.workers))
        progress.line(f"grading on {len(self.workers)} Dask workers of {address}")
        self._futures: list = []

    def submit(self, job: Job):
        future = self.client.submit(grade_job, remote_job(job), pure=False, workers=self.workers,
                                    allow_other_workers=False)
        return future

    def wait_any(self, pending: set) -> tuple[set, set]:
        from distributed import wait

        done, not_done = wait(list(pending), return_when="FIRST_COMPLETED")
        return set(done), set(not_done)

    def broken(self, exc: BaseException) -> bool:
        return False

    def restart(self) -> None:  # pragma: no cover - broken() is never true
        pass

    def close(self, cancel: bool = False) -> None:
        self.client.close()
