"""The public self-check (assignments/rnn_bptt/test_selfcheck.py) run the way a student runs it.

It is copied with four student files into an empty folder and pytest is run there in a fresh
interpreter: with the reference solution every check passes; with the stubs as handed out every
check runs and fails (exit code 1), with no collection errors.
"""
import ast
import inspect
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helpers_reference import (
    SOLUTION_DIR,
    STUBS_DIR,
    STUDENT_FILES,
    load_module_from_path,
    load_reference_module,
)

SELFCHECK = STUBS_DIR / "test_selfcheck.py"


def run_selfcheck(source_dir: Path, workdir: Path) -> subprocess.CompletedProcess:
    for name in STUDENT_FILES:
        shutil.copy(source_dir / name, workdir / name)
    shutil.copy(SELFCHECK, workdir / SELFCHECK.name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHON"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rN"],
                          check=False, cwd=workdir, env=env, capture_output=True, text=True, timeout=300)


def counts(output: str) -> dict:
    return {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|errors?|skipped)", output)}


@pytest.fixture(scope="module")
def stub_run(tmp_path_factory):
    return run_selfcheck(STUBS_DIR, tmp_path_factory.mktemp("stubs"))


def test_selfcheck_passes_against_the_reference(tmp_path):
    p = run_selfcheck(SOLUTION_DIR, tmp_path)
    assert p.returncode == 0, f"self-check failed on the reference solution:\n{p.stdout[-4000:]}\n{p.stderr[-2000:]}"
    c = counts(p.stdout)
    assert c.get("passed", 0) >= 15 and not c.get("failed") and not c.get("error") and not c.get("errors"), p.stdout


def test_selfcheck_fails_cleanly_against_the_stubs(stub_run):
    p = stub_run
    assert p.returncode == 1, (f"expected exit code 1 (tests failed) with the stubs, got {p.returncode}:\n"
                               f"{p.stdout[-4000:]}\n{p.stderr[-2000:]}")
    c = counts(p.stdout)
    assert not c.get("error") and not c.get("errors"), f"collection or setup errors with the stubs:\n{p.stdout}"
    assert c.get("failed", 0) >= 15 and not c.get("passed"), f"every check should fail with the stubs:\n{p.stdout}"


def test_every_stub_failure_points_to_the_handout(stub_run):
    n_failed = counts(stub_run.stdout).get("failed", 0)
    assert stub_run.stdout.count("see handout section") >= n_failed > 0, (
        "each stub's NotImplementedError message should name the handout section to read")


SPEC_SIGNATURES = {
    "activations.py": {"sigmoid": "(x)", "sigmoid_derivative": "(x)", "tanh_derivative": "(x)"},
    "rnn.py": {"rnn_forward": "(x, h0, params)", "rnn_backward": "(dh, dy, x, h0, h, params)"},
    "jacobian.py": {"hidden_jacobian": "(h_t, W_hh, activation='tanh')",
                    "jacobian_through_time": "(hs, W_hh, k, t, activation='tanh')",
                    "gradient_bound": "(W_hh, steps, activation='tanh')",
                    "classify_gradient_regime": "(W_hh, activation='tanh')"},
    "clipping.py": {"clip_grad_norm": "(grads, max_norm)"},
}


@pytest.mark.parametrize("filename", STUDENT_FILES)
def test_stubs_and_reference_have_exactly_the_spec_signatures(filename):
    mod = filename[:-3]
    stub = load_module_from_path(STUBS_DIR / filename, f"handout_stubs.{mod}")
    ref = load_reference_module(mod)
    public = {n: f for n, f in vars(stub).items() if inspect.isfunction(f) and not n.startswith("_")}
    expected = SPEC_SIGNATURES[filename]
    assert {n: str(inspect.signature(f)) for n, f in public.items()} == expected
    for n, sig in expected.items():
        assert str(inspect.signature(getattr(ref, n))) == sig, f"reference {filename}:{n}"
    imports = [node for node in ast.parse((STUBS_DIR / filename).read_text()).body
               if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert [ast.unparse(i) for i in imports] == ["import numpy as np"], f"{filename} should import only numpy"


HANDOUT_SECTIONS = [
    "## 1. Conventions and shapes",
    "## 2. Activations and their derivatives",
    "## 3. The forward pass",
    "## 4. Backpropagation through time",
    "## 5. The hidden-state Jacobian",
    "## 6. Vanishing and exploding gradients: the gamma-lambda bound",
    "## 7. Gradient-norm clipping",
    "## 8. What to submit and how it is graded",
    "## 9. Common mistakes",
]


def test_handout_has_the_stable_section_headings_and_anchors():
    text = (STUBS_DIR / "handout.md").read_text(encoding="utf-8")
    assert re.findall(r"^## .*$", text, flags=re.MULTILINE) == HANDOUT_SECTIONS
    for n in range(1, len(HANDOUT_SECTIONS) + 1):
        assert f'<a id="section-{n}"></a>\n{HANDOUT_SECTIONS[n - 1]}' in text


def test_section_references_in_stubs_and_selfcheck_exist():
    for name in STUDENT_FILES + (SELFCHECK.name,):
        for ref in re.findall(r"handout section (\d+)", (STUBS_DIR / name).read_text()):
            assert 1 <= int(ref) <= len(HANDOUT_SECTIONS), f"{name} points to a handout section {ref}"
