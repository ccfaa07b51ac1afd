"""The gated_rnn public self-check (assignments/gated_rnn/test_selfcheck.py) run as a student runs it,
and the shape of what students are handed: stub signatures, imports, handout sections, experiment.

The self-check is copied with the three student files into an empty folder and pytest is run
there in a fresh interpreter: with the reference solution every check passes; with the stubs as
handed out every check runs and fails (exit code 1), with no collection errors.
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
from gated_helpers import SOLUTION_DIR, STUBS_DIR, STUDENT_FILES, load_module_from_path, reference  # noqa: E402

SELFCHECK = STUBS_DIR / "test_selfcheck.py"


def clean_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHON"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_selfcheck(source_dir: Path, workdir: Path, report: str = "-rN") -> subprocess.CompletedProcess:
    for name in STUDENT_FILES:
        shutil.copy(source_dir / name, workdir / name)
    shutil.copy(SELFCHECK, workdir / SELFCHECK.name)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", report],
                          check=False, cwd=workdir, env=clean_env(), capture_output=True, text=True, timeout=300)


def counts(output: str) -> dict:
    return {word: int(n) for n, word in re.findall(r"(\d+) (passed|failed|errors?|skipped)", output)}


@pytest.fixture(scope="module")
def stub_run(tmp_path_factory):
    return run_selfcheck(STUBS_DIR, tmp_path_factory.mktemp("gated_stubs"))


def test_selfcheck_passes_against_the_reference(tmp_path):
    p = run_selfcheck(SOLUTION_DIR, tmp_path)
    assert p.returncode == 0, f"self-check failed on the reference solution:\n{p.stdout[-4000:]}\n{p.stderr[-2000:]}"
    c = counts(p.stdout)
    assert c.get("passed", 0) >= 20 and not c.get("failed") and not c.get("error") and not c.get("errors"), p.stdout


def test_selfcheck_fails_cleanly_against_the_stubs(stub_run):
    p = stub_run
    assert p.returncode == 1, f"expected exit code 1 with the stubs, got {p.returncode}:\n{p.stdout[-4000:]}"
    c = counts(p.stdout)
    assert not c.get("error") and not c.get("errors"), f"collection or setup errors with the stubs:\n{p.stdout}"
    assert c.get("failed", 0) >= 20 and not c.get("passed"), f"every check should fail with the stubs:\n{p.stdout}"


def test_every_stub_failure_points_to_the_handout(stub_run):
    n_failed = counts(stub_run.stdout).get("failed", 0)
    assert stub_run.stdout.count("see handout section") >= n_failed > 0


def test_selfcheck_catches_a_buggy_submission(tmp_path):
    """The buggy sample (reference/gated_rnn/samples/buggy) fails exactly its wrong functions' checks."""
    p = run_selfcheck(SOLUTION_DIR.parent / "samples" / "buggy", tmp_path, report="-rf")
    failed = set(re.findall(r"FAILED test_selfcheck.py::(\w+)", p.stdout))
    assert p.returncode == 1 and failed, p.stdout[-3000:]
    assert all(name.startswith(("test_lstm_backward", "test_rnn_backward_truncated")) for name in failed), failed


def test_the_reset_check_names_the_swapped_update_gate_too(tmp_path):
    """A GRU with z and 1 - z swapped fails the reset-gate check too: its message names both habits
    (issue 21, item 6)."""
    from gated_bug_bank import build_submission, load_bugs

    from autograder.assignments.gated_rnn.diagnosis import codes

    bug = next(b for b in load_bugs(codes()) if b.name == "gru_forward_z_swapped")
    source = build_submission(bug, tmp_path / "submission")
    (tmp_path / "run").mkdir()
    p = run_selfcheck(source, tmp_path / "run", report="-rf")
    assert "FAILED test_selfcheck.py::test_gru_forward_resets_before_W_hn" in p.stdout, p.stdout[-3000:]
    block = p.stdout.split("test_gru_forward_resets_before_W_hn", 1)[1]
    assert "reset gate applied after W_hn" in block and "z and 1 - z swapped" in block, block[:3000]


SPEC_SIGNATURES = {
    "lstm.py": {"lstm_forward": "(x, h0, c0, params)", "lstm_backward": "(dh, dc, x, h0, c0, h, c, params)",
                "lstm_state_jacobian": "(x_t, h_prev, c_prev, params)"},
    "gru.py": {"gru_forward": "(x, h0, params)", "gru_backward": "(dh, x, h0, h, params)"},
    "truncated.py": {"rnn_backward_truncated": "(dh, dy, x, h0, h, params, k)"},
}


@pytest.mark.parametrize("filename", STUDENT_FILES)
def test_stubs_and_reference_have_exactly_the_spec_signatures(filename):
    mod = filename[:-3]
    stub = load_module_from_path(STUBS_DIR / filename, f"gated_stubs.{mod}")
    public = {n: f for n, f in vars(stub).items() if inspect.isfunction(f) and not n.startswith("_")}
    expected = SPEC_SIGNATURES[filename]
    assert {n: str(inspect.signature(f)) for n, f in public.items()} == expected
    ref = reference(mod)
    for n, sig in expected.items():
        assert str(inspect.signature(getattr(ref, n))) == sig, f"reference {filename}:{n}"
    for folder in (STUBS_DIR, SOLUTION_DIR):
        imports = [node for node in ast.parse((folder / filename).read_text()).body
                   if isinstance(node, (ast.Import, ast.ImportFrom))]
        assert [ast.unparse(i) for i in imports] == ["import numpy as np"], f"{folder.name}/{filename}: numpy only"


HANDOUT_SECTIONS = [
    "## 1. Conventions and shapes",
    "## 2. The LSTM forward pass",
    "## 3. LSTM backpropagation through time",
    "## 4. The LSTM state Jacobian, and why the cell state keeps gradients alive",
    "## 5. The GRU",
    "## 6. Truncated BPTT",
    "## 7. Optional experiment: how far back does the gradient reach?",
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


def test_points_table_in_the_handout_sums_to_100_over_the_six_functions():
    text = (STUBS_DIR / "handout.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| (\d+) \|", text, flags=re.MULTILINE))
    assert set(rows) == {n for sigs in SPEC_SIGNATURES.values() for n in sigs}
    assert sum(int(v) for v in rows.values()) == 100


def test_experiment_figure_is_small_and_the_script_runs_on_the_reference(tmp_path):
    png = STUBS_DIR / "gradient_norms.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size < 100_000
    assert "(gradient_norms.png)" in (STUBS_DIR / "handout.md").read_text(encoding="utf-8")
    # Run where a student runs it, beside the handed-out figure (issue 21, item 13): it stays as it is.
    shutil.copy(png, tmp_path / png.name)
    p = subprocess.run([sys.executable, str(STUBS_DIR / "gradient_norms.py"), str(SOLUTION_DIR)], cwd=tmp_path,
                       env=clean_env(), capture_output=True, text=True, timeout=300, check=False)
    assert p.returncode == 0, p.stderr[-3000:]
    assert (tmp_path / png.name).read_bytes() == png.read_bytes(), "the script overwrote the handed-out figure"
    rnn_line = next(line for line in p.stdout.splitlines() if line.startswith("vanilla RNN"))
    first = float(re.search(r"s=0: (\S+)", rnn_line).group(1))
    lstm_line = next(line for line in p.stdout.splitlines() if line.startswith("LSTM (forget bias 3), |dL/dc_s|"))
    assert first < 1e-6 < float(re.search(r"s=0: (\S+)", lstm_line).group(1)), p.stdout


def test_experiment_comment_states_the_spectral_radius_of_its_own_seed():
    """The script's W_hh is its rng's fourth draw (x, v, W_xh, then W_hh); its comment gives the radius."""
    import numpy as np

    text = (STUBS_DIR / "gradient_norms.py").read_text(encoding="utf-8")
    stated = float(re.search(r"spectral radius about (\d+(?:\.\d+)?)", text).group(1))
    T, D, H = 60, 4, 16
    assert "T, D, H = 60, 4, 16" in text and "rng = np.random.default_rng(0)" in text
    rng = np.random.default_rng(0)
    rng.normal(size=(1, T, D)), rng.normal(size=(1, H)), rng.normal(scale=0.5, size=(D, H))
    radius = max(abs(np.linalg.eigvals(rng.normal(scale=1 / np.sqrt(H), size=(H, H)))))
    assert abs(radius - stated) < 0.01, radius
