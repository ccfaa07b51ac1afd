"""Upload limits are checked from a zip's own records before zipfile parses it (zip bombs by count).

The crafted zips are small on disk: an end record that claims 300,000 entries, a directory that
holds more entries than its end record claims, and so on. Refusal is shown to happen before
zipfile is used at all (zipfile is replaced by a tripwire). The memory figure is in
benchmarks/zip_bomb_memory.py.
"""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from zip_craft import END, claim_only_zip, empty_entries, end_records, many_entries_zip

from autograder.intake import submission, ziplimits
from autograder.intake.submission import MAX_FILE_BYTES, stage
from autograder.intake.ziplimits import MAX_ZIP_ENTRIES, ZipRefused, read_directory

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "reference" / "rnn_bptt" / "solution"
MODULES = ("activations", "rnn", "jacobian", "clipping")


@pytest.fixture
def no_zipfile(monkeypatch):
    """zipfile.ZipFile in submission.py becomes a tripwire: a refused zip must never reach it."""
    def tripwire(*args, **kwargs):
        raise AssertionError("zipfile was asked to parse a zip that should have been refused first")
    monkeypatch.setattr(submission.zipfile, "ZipFile", tripwire)


def solution_zip(path: Path, prefix: str = "hw/", extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for m in MODULES:
            zf.write(SOLUTION / f"{m}.py", f"{prefix}{m}.py")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


# ---- the end record's claim alone refuses a zip ---------------------------------------------------

@pytest.mark.parametrize("zip64", [True, False], ids=["zip64", "zip32"])
def test_a_zip_claiming_300000_entries_is_refused_from_its_end_record(tmp_path, no_zipfile, zip64):
    entries = 300_000 if zip64 else 65_000
    bomb = claim_only_zip(tmp_path / "hw.zip", entries, 14 << 20, zip64=zip64)
    assert bomb.stat().st_size < 200
    staged = stage(bomb)
    assert not staged.found
    note = staged.notes[0]
    assert note.startswith("hw.zip was not unpacked") and f"{entries:,} files and folders" in note
    assert "at most 5,000" in note and "Zip only your .py files" in note


def test_a_directory_too_large_for_its_claimed_entries_is_refused(tmp_path, no_zipfile):
    bomb = claim_only_zip(tmp_path / "few.zip", 10, 14 << 20)
    with pytest.raises(ZipRefused, match=r"few.zip was not unpacked: its list of files takes 14.0 MB"):
        read_directory(bomb)


def test_entries_beyond_the_claim_are_counted_and_refused(tmp_path, no_zipfile):
    """The end record claims 3 entries, the directory holds 5,001: zipfile would build all of them."""
    liar = many_entries_zip(tmp_path / "liar.zip", MAX_ZIP_ENTRIES + 1, claimed=3)
    staged = stage(liar)
    assert "more than 5,000 files and folders" in staged.notes[0]


def test_exactly_the_cap_is_accepted_and_unpacked(tmp_path):
    ok = many_entries_zip(tmp_path / "ok.zip", MAX_ZIP_ENTRIES)
    assert read_directory(ok) == ziplimits.ZipDirectory(MAX_ZIP_ENTRIES, len(empty_entries(MAX_ZIP_ENTRIES)[1]))
    assert len(zipfile.ZipFile(ok).infolist()) == MAX_ZIP_ENTRIES       # what zipfile sees: the same count


def test_the_reader_agrees_with_zipfile_on_real_zips(tmp_path):
    plain = solution_zip(tmp_path / "plain.zip")
    assert read_directory(plain).entries == 4
    with zipfile.ZipFile(tmp_path / "commented.zip", "w") as zf:
        zf.writestr("rnn.py", "x = 1\n")
        zf.comment = b"a comment"
    assert read_directory(tmp_path / "commented.zip").entries == 1
    with zipfile.ZipFile(tmp_path / "fooled.zip", "w") as zf:       # a comment holding the signature
        zf.writestr("rnn.py", "x = 1\n")
        zf.comment = b"PK\x05\x06 and 22 bytes or more after it, which zipfile takes for the end record"
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(tmp_path / "fooled.zip")
    with pytest.raises(ZipRefused, match="damaged"):
        read_directory(tmp_path / "fooled.zip")
    # a zip64 end record and locator in front of the end record (as zipfile writes past 65,535 entries)
    local, directory = empty_entries(7)
    (tmp_path / "z64.zip").write_bytes(local + directory + end_records(7, len(directory), len(local), zip64=True))
    assert read_directory(tmp_path / "z64.zip").entries == 7 == len(zipfile.ZipFile(tmp_path / "z64.zip").infolist())


def test_a_fake_end_record_at_the_end_of_the_comment_is_read_as_zipfile_reads_it(tmp_path):
    """zipfile takes the last 22 bytes as the end record when they look like one: so do we."""
    real = solution_zip(tmp_path / "inner.zip").read_bytes()
    fake = END.pack(b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 14 << 20, 0, 0)
    comment = b"x" * 10 + fake
    patched = real[:-2] + len(comment).to_bytes(2, "little") + comment
    (tmp_path / "fake.zip").write_bytes(patched)
    with pytest.raises(ZipRefused, match="65,535 files and folders"):
        read_directory(tmp_path / "fake.zip")


@pytest.mark.parametrize("data", [b"", b"PK\x05\x06", b"not a zip at all" * 10,
                                  b"\x00" * 30 + end_records(2, 100, 0)],
                         ids=["empty", "truncated-end", "text", "directory-before-start"])
def test_damaged_zips_are_refused_with_a_message(tmp_path, data):
    path = tmp_path / "bad.zip"
    path.write_bytes(data)
    with pytest.raises(ZipRefused, match="bad.zip could not be unpacked: it is damaged or not a zip file"):
        read_directory(path)


def test_a_directory_with_a_broken_record_is_damaged(tmp_path):
    local, directory = empty_entries(3)
    broken = directory[:50] + b"XX" + directory[52:]                 # the second record's signature
    (tmp_path / "b.zip").write_bytes(local + broken + end_records(3, len(broken), len(local)))
    with pytest.raises(ZipRefused, match="damaged"):
        read_directory(tmp_path / "b.zip")


# ---- the rest of the submission is still graded ---------------------------------------------------

def test_a_bomb_beside_a_good_zip_is_refused_and_the_good_one_graded(tmp_path):
    upload = tmp_path / "upload"
    upload.mkdir()
    claim_only_zip(upload / "a_bomb.zip", 300_000, 14 << 20, zip64=True)
    solution_zip(upload / "b_homework.zip")
    staged = stage(upload)
    try:
        assert sorted(staged.found) == sorted(MODULES) and not staged.problems
        assert any(n.startswith("a_bomb.zip was not unpacked: it lists 300,000") for n in staged.notes)
        assert any("found inside" in n and "b_homework.zip" in n for n in staged.notes)
    finally:
        staged.cleanup()


def test_a_refused_zip_upload_still_gets_a_valid_results_file(tmp_path):
    from autograder.platforms.cli import main

    bomb = claim_only_zip(tmp_path / "hw.zip", 300_000, 14 << 20, zip64=True)
    out = tmp_path / "results.json"
    assert main(["grade", str(bomb), "--results", str(out), "--quiet"]) == 0
    results = json.loads(out.read_text())
    assert results["score"] == 0 and len(results["tests"]) > 10
    assert "hw.zip was not unpacked" in results["output"]


# ---- per entry: sizes, depth, junk, nesting -------------------------------------------------------

def test_entries_over_the_file_size_or_the_total_are_not_unpacked(tmp_path, monkeypatch):
    big = b"0" * (MAX_FILE_BYTES + 1)             # compresses to about 1 KB: a small zip bomb
    path = solution_zip(tmp_path / "hw.zip", extra={"hw/data.bin": big, "hw/zz_note.txt": b"x" * 100})
    assert path.stat().st_size < 50_000
    staged = stage(path)
    try:
        assert sorted(staged.found) == sorted(MODULES)
    finally:
        staged.cleanup()
    monkeypatch.setattr(submission, "MAX_UNPACKED_BYTES", 10)     # budget spent at the first file
    staged = stage(path)
    try:
        assert not staged.found
    finally:
        staged.cleanup()


def test_deep_junk_and_long_entries_are_not_unpacked(tmp_path):
    deep = "/".join(f"d{i}" for i in range(submission.MAX_DEPTH + 2))
    extra = {f"{deep}/x.py": b"x = 1\n", "hw/.venv/lib/big.py": b"#" * 1000, "__MACOSX/hw/._rnn.py": b"\x00\x05",
             "hw/" + "n" * 1100 + ".py": b"y = 2\n"}
    path = solution_zip(tmp_path / "hw.zip", extra=extra)
    into = tmp_path / "into"
    budget = [submission.MAX_UNPACKED_BYTES]
    assert submission.unpack_zip(path, into, budget) is None
    written = sorted(str(p.relative_to(into)) for p in into.rglob("*") if p.is_file())
    assert written == sorted(f"hw/{m}.py" for m in MODULES)
    assert budget[0] == submission.MAX_UNPACKED_BYTES - sum((SOLUTION / f"{m}.py").stat().st_size for m in MODULES)


def test_a_zip_inside_a_zip_stays_packed(tmp_path, monkeypatch):
    inner = solution_zip(tmp_path / "inner.zip")
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        zf.write(inner, "inner.zip")
    opened = []
    real = submission.unpack_zip
    monkeypatch.setattr(submission, "unpack_zip", lambda a, i, b: opened.append(Path(a).name) or real(a, i, b))
    staged = stage(outer)
    try:
        assert opened == ["outer.zip"] and not staged.found
        assert "The submission holds: inner.zip" in staged.notes[0]
    finally:
        staged.cleanup()


def test_a_folder_of_zips_opens_at_most_three(tmp_path, monkeypatch):
    upload = tmp_path / "u"
    upload.mkdir()
    for i in range(5):
        shutil.copy(many_entries_zip(tmp_path / "m.zip", 2), upload / f"{i}.zip")
    opened = []
    real = submission.unpack_zip
    monkeypatch.setattr(submission, "unpack_zip", lambda a, i, b: opened.append(Path(a).name) or real(a, i, b))
    stage(upload).cleanup()
    assert opened == ["0.zip", "1.zip", "2.zip"]


class CountingFile:
    """A binary file that adds up the bytes read from it."""

    def __init__(self, path, mode="rb"):
        self.file, self.read_bytes = open(path, mode), 0    # noqa: SIM115 - closed by __exit__

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.file.close()

    def seek(self, *args):
        return self.file.seek(*args)

    def read(self, n=-1):
        data = self.file.read(n)
        self.read_bytes += len(data)
        return data


def test_reading_the_directory_reads_little_of_a_large_zip(tmp_path, monkeypatch):
    """Only the tail and the directory are read, however large the rest of the file."""
    local, directory = empty_entries(3)
    path = tmp_path / "padded.zip"
    hole = 64 << 20                                  # 64 MB of zeros (sparse on disk)
    with path.open("wb") as f:
        f.write(local)
        f.seek(len(local) + hole)
        f.write(directory + end_records(3, len(directory), len(local) + hole))
    opened: list[CountingFile] = []
    monkeypatch.setattr(ziplimits, "open", lambda *a: opened.append(CountingFile(*a)) or opened[-1], raising=False)
    assert read_directory(path).entries == 3 == len(zipfile.ZipFile(path).infolist())
    assert sum(f.read_bytes for f in opened) <= (1 << 16) + 200


# ---- what is not staged is said -----------------------------------------------------------------

def test_a_helper_over_the_file_size_and_an_upload_over_the_entries_are_named(tmp_path, monkeypatch):
    sub = tmp_path / "sub"
    shutil.copytree(SOLUTION, sub, ignore=shutil.ignore_patterns("test_*"))
    (sub / "big_helper.py").write_bytes(b"x = 1\n" + b"#" * MAX_FILE_BYTES)
    staged = stage(sub)
    try:
        assert sorted(staged.found) == sorted(MODULES) and not (staged.dir / "big_helper.py").exists()
        assert any(n.startswith("big_helper.py is larger than 1 MB") and "cannot import it" in n for n in staged.notes)
    finally:
        staged.cleanup()
    for i in range(30):
        (sub / f"zz{i:02d}.txt").write_text("x")
    monkeypatch.setattr(submission, "MAX_ENTRIES", 20)
    staged = stage(sub)
    try:
        assert any(n.startswith("Your submission holds more than 20 files and folders") for n in staged.notes)
    finally:
        staged.cleanup()
