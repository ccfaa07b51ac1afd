"""The bank of buggy student submissions (tests/bugs/) and the correct variants (tests/correct_variants/).

Each tests/bugs/<name>.py holds only the buggy function(s), written as a student would, and three
module-level constants read here without running the file:
- BUG_FILE: the student file it goes into ("activations", "rnn", "jacobian" or "clipping");
- BUG_BREAKS: the student function(s) it breaks (only these may lose points);
- BUG_CODES: the misconception codes a diagnosis should give (empty for bugs beyond the catalogue).

build_submission() copies the reference solution and appends the bug file to BUG_FILE.py, so its
definitions override the reference's (functions are looked up by name at call time, so the
reference's other functions in that file use the buggy one, as a student's own would).
Grading runs through the real pipeline in spawned processes: the test process never imports a
bug's code.
"""
from __future__ import annotations

import ast
import json
import multiprocessing
import shutil
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from autograder.assignments.rnn_bptt.contract import BY_NAME, MODULES

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
BUGS_DIR = TESTS_DIR / "bugs"
VARIANTS_DIR = TESTS_DIR / "correct_variants"
REFERENCE_DIR = REPO_ROOT / "reference" / "rnn_bptt" / "solution"
STUBS_DIR = REPO_ROOT / "assignments" / "rnn_bptt"

# The misconception catalogue (issue 6): every code must have at least one bug in the bank.
CATALOGUE = (
    "sigmoid_derivative_sign", "derivative_formula_applied_to_preactivation", "sigmoid_overflow",
    "derivative_squared", "jacobian_slide_typo", "missing_hidden_bias", "no_recurrence",
    "transposed_recurrent_weight", "stores_preactivation", "activation_on_output_layer",
    "wrong_hidden_activation", "missing_activation_derivative", "activation_derivative_at_wrong_step",
    "no_gradient_through_time", "recurrent_weight_grad_uses_current_state", "ignores_output_gradient",
    "averages_over_batch", "overwrites_instead_of_accumulating", "carry_missing_transpose",
    "missing_initial_state_gradient", "gradient_from_last_step_only", "mutates_input",
    "jacobian_missing_transpose", "jacobian_scales_columns", "jacobian_uses_state_not_derivative",
    "ignores_activation_argument", "jacobian_product_order", "spectral_radius_instead_of_singular_value",
    "frobenius_instead_of_spectral_norm", "wrong_gamma", "elementwise_clipping", "per_tensor_clipping",
    "rescales_small_gradients", "squared_norm", "zero_norm_division", "wrong_norm", "missing_validation",
    "jacobian_product_transposed",   # issue 16
)


@dataclass(frozen=True)
class Bug:
    name: str                   # the file stem in tests/bugs/
    path: Path
    module: str                 # BUG_FILE
    breaks: tuple[str, ...]     # BUG_BREAKS
    codes: tuple[str, ...]      # BUG_CODES
    summary: str                # first paragraph of the file's docstring, on one line


def _constants(tree: ast.Module) -> dict[str, object]:
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name.startswith("BUG_"):
                out[name] = ast.literal_eval(node.value)
    return out


def read_bug(path: Path) -> Bug:
    """Parse one bug file (without running it) and check that its header is consistent."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    consts = _constants(tree)
    missing = {"BUG_FILE", "BUG_BREAKS", "BUG_CODES"} - set(consts)
    if missing:
        raise ValueError(f"{path.name}: missing header constant(s) {sorted(missing)}")
    module, breaks, codes = consts["BUG_FILE"], tuple(consts["BUG_BREAKS"]), tuple(consts["BUG_CODES"])
    if module not in MODULES:
        raise ValueError(f"{path.name}: BUG_FILE {module!r} is not one of {MODULES}")
    if not breaks:
        raise ValueError(f"{path.name}: BUG_BREAKS is empty")
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    for fn in breaks:
        if fn not in BY_NAME or BY_NAME[fn].module != module:
            raise ValueError(f"{path.name}: {fn!r} is not a student function of {module}.py")
        if fn not in defined:
            raise ValueError(f"{path.name}: breaks {fn!r} but does not define it")
    unknown = [c for c in codes if c not in CATALOGUE]
    if unknown:
        raise ValueError(f"{path.name}: codes {unknown} are not in the catalogue")
    if any(isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in tree.body):
        raise ValueError(f"{path.name}: a __future__ import cannot be appended to a module")
    doc = ast.get_docstring(tree) or ""
    summary = " ".join(doc.split("\n\n")[0].split())
    return Bug(path.stem, path, module, breaks, codes, summary)


def load_bugs() -> list[Bug]:
    return [read_bug(p) for p in sorted(BUGS_DIR.glob("*.py"))]


def build_submission(bug: Bug, dest: Path) -> Path:
    """dest/ = the reference solution with bug's definitions appended to its BUG_FILE.py."""
    dest.mkdir(parents=True, exist_ok=True)
    for src in sorted(REFERENCE_DIR.glob("*.py")):
        shutil.copyfile(src, dest / src.name)
    target = dest / f"{bug.module}.py"
    text = target.read_text(encoding="utf-8")
    text += f"\n\n# ---- student bug {bug.name} (tests/bugs/{bug.path.name}) overrides the above ----\n"
    text += bug.path.read_text(encoding="utf-8")
    target.write_text(text, encoding="utf-8")
    return dest


def correct_variants() -> list[Path]:
    return sorted(p for p in VARIANTS_DIR.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


# ---- grading ----------------------------------------------------------------------------------
def grade_dir(path: str) -> dict:
    """The Gradescope results of one submission folder, as a JSON round trip (what the CLI writes).

    If the grader itself raises, {"grader_error": traceback} instead, so that only the tests of
    that submission fail, each showing the traceback.
    """
    from autograder.outputs.results import to_gradescope
    from autograder.pipeline.grade import grade_submission

    try:
        return json.loads(json.dumps(to_gradescope(grade_submission(Path(path))), allow_nan=False))
    except Exception:  # noqa: BLE001 - reported by the tests that use this submission
        return {"grader_error": traceback.format_exc()}


def grade_many(paths: list[Path], workers: int = 2) -> list[dict]:
    """grade_dir for every path, in `workers` fresh (spawned) processes."""
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        return list(pool.map(grade_dir, [str(p) for p in paths]))


def function_scores(results: dict) -> dict[str, tuple[float, float]]:
    """function -> (score, max_score), summed over the tests named "<function>: ..."."""
    out: dict[str, list[float]] = {}
    for test in results["tests"]:
        fn = test["name"].split(": ", 1)[0]
        acc = out.setdefault(fn, [0.0, 0.0])
        acc[0] += test["score"]
        acc[1] += test["max_score"]
    return {fn: (round(s, 4), round(m, 4)) for fn, (s, m) in out.items()}


def diagnoses(results: dict, function: str | None = None, failing_only: bool = True) -> list[str]:
    """Every diagnosis code in the tests (of `function`, failing ones only by default), in order."""
    codes = []
    for test in results["tests"]:
        if function is not None and test["name"].split(": ", 1)[0] != function:
            continue
        if failing_only and test["score"] >= test["max_score"]:
            continue
        codes += test.get("extra_data", {}).get("diagnosis", [])
    return codes
