"""The language switch (autograder/i18n.py): which language, where it is recorded, and what it changes."""
from __future__ import annotations

import io
import json
import shutil
import threading
from pathlib import Path

import pytest

from autograder import i18n
from autograder.engine.fingerprint import fingerprint
from autograder.outputs.class_report import load_class, results_language
from autograder.outputs.progress import Progress
from autograder.platforms.batch import run_batch
from autograder.platforms.cli import main

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "reference" / "rnn_bptt" / "solution"


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No language from the environment, and a course configuration file of the test's own."""
    monkeypatch.delenv(i18n.ENV, raising=False)
    monkeypatch.setenv(i18n.CONFIG_ENV, str(tmp_path / "course.yaml"))
    return tmp_path / "course.yaml"


def test_precedence_is_flag_then_environment_then_file_then_default(clean_env, monkeypatch):
    assert i18n.choose(None) == "en"
    clean_env.write_text("lang: vi\n", encoding="utf-8")
    assert i18n.choose(None) == "vi"
    monkeypatch.setenv(i18n.ENV, "en")
    assert i18n.choose(None) == "en"
    monkeypatch.setenv(i18n.ENV, "vi")
    assert i18n.choose("en") == "en"
    assert i18n.choose(None) == "vi"


def test_an_unknown_language_is_refused_with_the_choices(clean_env, monkeypatch, capsys):
    with pytest.raises(i18n.LanguageError, match="en, vi"):
        i18n.choose("fr")
    clean_env.write_text("lang: [vi]\n", encoding="utf-8")
    with pytest.raises(i18n.LanguageError, match="course.yaml"):
        i18n.choose(None)
    monkeypatch.setenv(i18n.ENV, "xx")
    assert main(["misconceptions"]) == 2
    assert "unknown language 'xx'" in capsys.readouterr().err


def test_the_active_language_belongs_to_its_context_not_the_process():
    seen = {}

    def worker(lang):
        with i18n.language(lang):
            threading.Event().wait(0.05)
            seen[lang] = (i18n.current(), i18n._("Passed."))

    threads = [threading.Thread(target=worker, args=(lang,)) for lang in ("en", "vi")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen["en"] == ("en", "Passed.")
    assert seen["vi"][0] == "vi" and seen["vi"][1] != "Passed."
    assert i18n.current() == "en"


def test_plural_forms_come_from_the_catalogue():
    with i18n.language("vi"):
        assert i18n.translations("vi").plural(1) == i18n.translations("vi").plural(5) == 0
    with i18n.language("en"):
        one = i18n.ngettext("{n} test failed (run `grade` with -v, or read the results file, for details)",
                            "{n} tests failed (run `grade` with -v, or read the results file, for details)", 1)
        assert one.startswith("{n} test failed")


def test_the_language_is_part_of_the_fingerprint():
    assert fingerprint(b"s", "rnn_bptt", "en") != fingerprint(b"s", "rnn_bptt", "vi")
    with i18n.language("vi"):
        assert fingerprint(b"s", "rnn_bptt") == fingerprint(b"s", "rnn_bptt", "vi")


def test_results_record_language_function_and_check_and_batch_regrades_in_another(tmp_path, clean_env):
    cls = tmp_path / "class" / "alice"
    cls.mkdir(parents=True)
    for f in SOLUTION.glob("*.py"):
        shutil.copy(f, cls / f.name)
    out = tmp_path / "out"
    first = run_batch([tmp_path / "class"], out, jobs=1, progress=Progress(io.StringIO()), lang="en")
    assert (first.graded, first.skipped) == (1, 0)
    data = json.loads((out / "alice" / "results.json").read_text(encoding="utf-8"))
    assert data["extra_data"]["lang"] == "en"
    from autograder.assignment import load
    checks = {c.id: c.function for c in load("rnn_bptt").graded_checks()}
    assert [(t["extra_data"]["check"], t["extra_data"]["function"]) for t in data["tests"]] == list(checks.items())
    again = run_batch([tmp_path / "class"], out, jobs=1, progress=Progress(io.StringIO()), lang="en")
    assert (again.graded, again.skipped) == (0, 1)
    vi = run_batch([tmp_path / "class"], out, jobs=1, progress=Progress(io.StringIO()), lang="vi")
    assert (vi.graded, vi.skipped) == (1, 0)
    data_vi = json.loads((out / "alice" / "results.json").read_text(encoding="utf-8"))
    assert data_vi["extra_data"]["lang"] == "vi"
    assert [t["score"] for t in data_vi["tests"]] == [t["score"] for t in data["tests"]]
    assert [t["name"] for t in data_vi["tests"]] != [t["name"] for t in data["tests"]]
    summary = load_class(out)
    assert results_language(summary) == "vi"
    assert summary.students[0].functions == load_class_from(data).students[0].functions


def load_class_from(data: dict):
    """A class summary of one results file (the English one), to compare what the readers take from it."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "a").mkdir()
        (Path(tmp) / "a" / "results.json").write_text(json.dumps(data), encoding="utf-8")
        return load_class(Path(tmp))


def test_report_uses_the_results_language_unless_told(tmp_path, clean_env):
    folder = tmp_path / "results" / "alice"
    folder.mkdir(parents=True)
    assert main(["grade", str(SOLUTION), "--results", str(folder / "results.json"), "--quiet", "--lang", "vi"]) == 0
    assert main(["report", str(tmp_path / "results"), "--output", str(tmp_path / "r.md")]) == 0
    assert main(["report", str(tmp_path / "results"), "--output", str(tmp_path / "r-en.md"), "--lang", "en"]) == 0
    vi, en = (tmp_path / "r.md").read_text(encoding="utf-8"), (tmp_path / "r-en.md").read_text(encoding="utf-8")
    assert vi != en
    assert "Class report" in en and "Class report" not in vi
