"""The Vietnamese feedback: a complete catalogue, the same grades as in English, no English sentence
left for the student, and the Gradescope zip and the nbgrader course in Vietnamese."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from autograder.assignment import load
from autograder.engine.secret import CourseSecret
from autograder.outputs.results import to_gradescope
from autograder.pipeline.grade import grade_submission
from tools.catalogues import every_catalogue, po_path, problems, selfchecks, template

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = {"rnn_bptt": ROOT / "reference" / "rnn_bptt" / "samples" / "buggy",
           "gated_rnn": ROOT / "reference" / "gated_rnn" / "samples" / "buggy"}
SECRET = CourseSecret(b"the Vietnamese feedback test", "test")


# ---- the catalogue --------------------------------------------------------------------------------
def placeholders(text: str) -> Counter:
    """Every {...} of a message (format placeholders, and the braces of formulas such as h_{t-1})."""
    return Counter(re.findall(r"\{\{|\}\}|\{[^{}]*\}", text))


def test_every_message_has_a_vietnamese_translation_neither_empty_nor_fuzzy():
    missing = problems("vi", template())
    assert not missing, "\n".join(missing[:20])
    catalogues = every_catalogue("vi")
    assert len(catalogues) == 1 + 2 * len(selfchecks()) >= 5      # the engine's, each assignment's, each self-check's
    for path, tmpl in catalogues[1:]:
        missing = problems("vi", tmpl, path)
        assert len(tmpl) > 30 and not missing, (path, missing[:5])


@pytest.mark.parametrize("which", ["grader", "self-checks"])
def test_translations_keep_the_placeholders_and_formulas_of_the_english(which):
    paths = [path for path, _t in every_catalogue("vi") if (path.name == "test_selfcheck.vi.po") == (
        which == "self-checks")]
    checked = 0
    for path in paths:
        checked += check_placeholders(path)
    assert checked > (400 if which == "grader" else 40)


def check_placeholders(path: Path) -> int:
    with open(path, "rb") as f:
        catalog = read_po(f, locale="vi")
    checked = 0
    for msg in catalog:
        if not msg.id:
            continue
        ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        assert not msg.fuzzy, msg.id
        want = placeholders(ids[-1])
        assert all(placeholders(i).keys() <= want.keys() | placeholders(ids[0]).keys() for i in ids)
        for s in strings:
            assert s, msg.id
            assert placeholders(s).keys() == want.keys(), (msg.id, s)
            for token in re.findall(r"`[^`]*`|\w+\.py\b|\w+_\w+", ids[-1]):   # code, file names, identifiers
                assert token in s, (token, msg.id, s)
        checked += 1
    return checked


def test_plural_forms_are_the_catalogues():
    with open(po_path("vi"), "rb") as f:
        catalog = read_po(f, locale="vi")
    assert catalog.num_plurals == 1 and catalog.plural_expr == "0"
    assert any(isinstance(m.id, tuple) for m in catalog)


# ---- grading in Vietnamese ----------------------------------------------------------------------
def graded(assignment: str, lang: str) -> dict:
    report = grade_submission(SAMPLES[assignment], secret=SECRET, assignment=assignment, lang=lang)
    assert report.lang == lang
    return to_gradescope(report)


@pytest.fixture(scope="module", params=sorted(SAMPLES))
def both(request) -> tuple[dict, dict]:
    return graded(request.param, "en"), graded(request.param, "vi")


NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")


def numbers(text: str) -> Counter:
    return Counter(NUMBER.findall(text))


def same_numbers(en: str, vi: str) -> bool:
    """Every number of the English is in the Vietnamese, which adds none but 0 ("zeros" is "số 0")."""
    a, b = numbers(en), numbers(vi)
    return not (a - b) and set(b - a) <= {"0"}


def test_the_same_scores_numbers_and_structure_as_in_english(both):
    en, vi = both
    assert vi["extra_data"]["lang"] == "vi" and en["extra_data"]["lang"] == "en"
    assert vi["score"] == en["score"] < 100
    assert len(vi["tests"]) == len(en["tests"])
    for e, v in zip(en["tests"], vi["tests"]):
        assert {k: e[k] for k in ("score", "max_score", "status", "extra_data", "visibility")} == \
               {k: v[k] for k in ("score", "max_score", "status", "extra_data", "visibility")}
        assert v["name"].split(": ", 1)[0] == e["name"].split(": ", 1)[0] == e["extra_data"]["function"]
        assert same_numbers(e["name"], v["name"]), (e["name"], v["name"])
        assert same_numbers(e["output"], v["output"]), (e["output"], v["output"])
        assert v["output"].count("\n\n") == e["output"].count("\n\n"), e["name"]
    assert numbers(vi["output"]) == numbers(en["output"])
    assert not same_numbers("Passed 3 of 16 cases.", "Đạt 3 trên 15 trường hợp.")
    assert sum(t["output"] != e["output"] for t, e in zip(vi["tests"], en["tests"])) == len(vi["tests"])


ENGLISH = set("""the is are of and with your to in not was has be for this that an it its by on as at from or which
when where should must does do got expected every each only than then there these those were been will would could
can into one all but if so because""".split())
QUOTED = re.compile(r"\b\w*(?:Warning|Error|Exception)\b:[^\n]*")   # a message of NumPy, Python or the student's code


def english_lines(text: str) -> list[str]:
    """Lines of TEXT with two or more English function words, once identifiers, formulas, code spans and
    quoted messages are set aside."""
    text = QUOTED.sub(" ", text)
    text = re.sub(r"`[^`]*`|\$[^$]*\$|(?<!\w)\"[^\"\n]*\"|(?<!\w)'[^'\n]*'(?!\w)", " ", text)
    out = []
    for line in text.splitlines():
        words = [w.lower() for w in re.findall(r"[A-Za-z]+", re.sub(r"\b\w*[_\d]\w*\b", " ", line))]
        if sum(w in ENGLISH for w in words) >= 2:
            out.append(line.strip())
    return out


def test_the_detector_sees_english():
    assert english_lines("Passed 3 of the 16 cases.\nĐạt 3 trên 16 trường hợp.") == ["Passed 3 of the 16 cases."]
    assert english_lines("lời gọi phát ra một cảnh báo: RuntimeWarning: overflow encountered in the exp") == []


def test_no_english_sentence_is_left_in_what_the_student_reads(both):
    en, vi = both
    assert english_lines(en["output"]) or any(english_lines(t["output"]) for t in en["tests"])
    left = [line for t in vi["tests"] for line in english_lines(t["name"] + "\n" + t["output"])]
    left += english_lines(vi["output"])
    assert not left, "\n".join(left[:10])


def test_the_stubs_and_files_messages_are_vietnamese_too(tmp_path):
    (tmp_path / "activations.py").write_bytes(b"\x00\x01 not python")
    (tmp_path / "Rnn.py").write_text("def rnn_forward(x, h0, params):\n    return 1\n", encoding="utf-8")
    data = to_gradescope(grade_submission(tmp_path, secret=SECRET, lang="vi"))
    text = data["output"] + "\n".join(t["output"] for t in data["tests"])
    assert "byte NUL" in text and "được chấm như rnn.py" in text
    assert not english_lines(text), english_lines(text)[:5]


# ---- the Gradescope zip and the nbgrader course ---------------------------------------------------
def test_the_gradescope_zip_built_in_vietnamese_writes_vietnamese_feedback(tmp_path):
    from tests.test_gradescope import build_with_cli, gradescope_run, submission_from

    zip_path = build_with_cli(tmp_path / "vi.zip", "--lang", "vi")
    import zipfile
    with zipfile.ZipFile(zip_path) as zf:
        assert json.loads(zf.read("gradescope.json"))["lang"] == "vi"
        assert "autograder/locale/vi/LC_MESSAGES/autograder.po" in zf.namelist()
        assert json.loads(zf.read("fallback_results.json"))["extra_data"]["lang"] == "vi"
    run = gradescope_run(zip_path, tmp_path / "root", submission_from(SAMPLES["rnn_bptt"], tmp_path / "s"))
    r = run.results
    assert r["extra_data"]["lang"] == "vi" and r["output"].startswith("**Điểm: ")
    failed = [t for t in r["tests"] if t["score"] < t["max_score"]]
    assert failed and all(t["output"].startswith(("Đạt ", "Chưa có điểm")) for t in failed)
    assert any("Lỗi có thể mắc:" in t["output"] for t in failed)
    assert not [line for t in r["tests"] for line in english_lines(t["name"] + "\n" + t["output"])]


def test_the_nbgrader_course_in_vietnamese_round_trips(tmp_path):
    """A course written with --lang vi: its grading step (nbgrader_autograde.GradeInSandbox) writes the
    test cells' feedback in Vietnamese, with the same points as the file grader."""
    pytest.importorskip("nbgrader")
    from tests.test_nbgrader_roundtrip import (
        environment,
        file_grader_points,
        files_notebook,
        nbgrader_run,
        visible_text,
    )

    assignment = "rnn_bptt"
    env = environment(tmp_path, ROOT / "tests" / "data" / "course-secret", tmp_path / "kernel-started")
    course = tmp_path / "course"
    run = subprocess.run([sys.executable, "-m", "autograder", "notebook", "--course-dir", str(course), "--lang", "vi"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert run.returncode == 0, run.stderr
    assert "c.GradeInSandbox.lang = 'vi'" in (course / "nbgrader_config.py").read_text(encoding="utf-8")
    nbgrader_run(course, env, "generate_assignment", assignment)
    released = json.loads((course / "release" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))
    folder = course / "submitted" / "buggy_sample" / assignment
    folder.mkdir(parents=True)
    modules = list(load(assignment).modules)
    (folder / f"{assignment}.ipynb").write_text(json.dumps(files_notebook(released, SAMPLES[assignment], modules)),
                                                encoding="utf-8")
    nbgrader_run(course, env, "autograde", assignment)
    nbgrader_run(course, env, "generate_feedback", assignment)
    assert not (tmp_path / "kernel-started").exists()
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        cells = {g.name: g.score for g in gb.find_submission_notebook(assignment, assignment, "buggy_sample").grades}
    points, _ = file_grader_points(SAMPLES[assignment], assignment, env, tmp_path)
    assert cells == {"test-" + fn.replace("_", "-"): p for fn, p in points.items()}
    page = visible_text((course / "feedback" / "buggy_sample" / assignment / f"{assignment}.html")
                        .read_text(encoding="utf-8"))
    assert "Lỗi có thể mắc:" in page and "Likely mistake:" not in page


def test_the_self_check_speaks_vietnamese_when_asked_and_english_otherwise(tmp_path):
    """The self-check runs without the grader installed: its own reader of test_selfcheck.vi.po."""
    import shutil

    for path in [*SAMPLES["rnn_bptt"].glob("*.py"), ROOT / "assignments" / "rnn_bptt" / "test_selfcheck.py",
                 ROOT / "assignments" / "rnn_bptt" / "test_selfcheck.vi.po"]:
        shutil.copy(path, tmp_path / path.name)
    runs = {}
    for lang in ("en", "vi"):
        env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "SELFCHECK_LANG", "PYTHONPATH")}
        env.update({"LANG": "C.UTF-8", **({"SELFCHECK_LANG": "vi"} if lang == "vi" else {})})
        runs[lang] = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                     "test_selfcheck.py"], cwd=tmp_path, env=env, capture_output=True, text=True,
                                    timeout=300).stdout
    summary = {lang: out.strip().splitlines()[-1].split(" in ")[0] for lang, out in runs.items()}
    assert summary["en"] == summary["vi"] and "failed" in summary["en"], summary
    said = "Failed: sigmoid([-1000.0, -800.0, 800.0, 1000.0]) "      # the message itself, not the quoted source
    assert said + "phát ra một cảnh báo" in runs["vi"] and said + "raised a warning" not in runs["vi"]
    assert said + "raised a warning" in runs["en"] and "phát ra" not in runs["en"]
