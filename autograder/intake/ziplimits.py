"""Upload limits of a zip file, checked from its own records before zipfile parses it.

zipfile.ZipFile reads the whole central directory (the zip's list of files) on opening and
builds an object per entry: a 14 MB zip listing 300,000 empty files costs 170 MB before any
cap could apply. So the directory is sized up here first, from the raw bytes, exactly where
zipfile will look for it:

1. the end-of-central-directory record (the last 22 bytes, or the last one within the
   trailing 64 KiB comment), and the zip64 end record when its locator precedes it;
2. the number of entries it claims and the directory's size, against MAX_ZIP_ENTRIES and
   MAX_DIRECTORY_BYTES (nothing more is read when they are over);
3. the directory itself (at most MAX_DIRECTORY_BYTES), walked record by record as zipfile
   will walk it, counting the entries really there (a record may claim fewer).

Only a zip that passes is handed to zipfile; per-file and total sizes, link and path checks
are applied to each entry before it is read (submission.unpack_zip).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

MAX_ZIP_ENTRIES = 5000                # files and folders listed in one zip
MAX_DIRECTORY_BYTES = 4 << 20         # size of a zip's list of files (about 800 bytes per entry)

_END = struct.Struct("<4s4H2LH")                  # end of central directory, 22 bytes
_END_SIG = b"PK\x05\x06"
_LOCATOR = struct.Struct("<4sLQL")                # zip64 end-of-directory locator, 20 bytes
_LOCATOR_SIG = b"PK\x06\x07"
_END64 = struct.Struct("<4sQ2H2L4Q")              # zip64 end of central directory, 56 bytes
_END64_SIG = b"PK\x06\x06"
_ENTRY = struct.Struct("<4s4B4HL2L5H2L")          # central directory entry, 46 bytes + variable
_ENTRY_SIG = b"PK\x01\x02"
_MAX_COMMENT = 1 << 16


class ZipRefused(Exception):
    """The zip is over a limit or malformed; str() is the message for the student."""


@dataclass(frozen=True)
class ZipDirectory:
    entries: int            # files and folders listed
    directory_bytes: int    # size of the central directory


def _damaged(name: str) -> ZipRefused:
    return ZipRefused(f"{name} could not be unpacked: it is damaged or not a zip file. Upload the .py files "
                      "themselves, or a plain zip.")


def _too_many(name: str, entries: int) -> ZipRefused:
    return ZipRefused(f"{name} was not unpacked: it lists {'more than ' if entries < 0 else ''}"
                      f"{abs(entries):,} files and folders, and the grader opens zip files of at most "
                      f"{MAX_ZIP_ENTRIES:,}. Zip only your .py files (not a virtual environment, a data set or a "
                      ".git folder), or upload the .py files themselves.")


def _end_record(f, size: int) -> tuple[tuple, int] | None:
    """(the end record's fields, its offset), found where zipfile finds it; None if there is none."""
    if size < _END.size:
        return None
    f.seek(size - _END.size)
    tail = f.read(_END.size)
    if tail[:4] == _END_SIG and tail[-2:] == b"\x00\x00":
        return _END.unpack(tail), size - _END.size
    start = max(size - _MAX_COMMENT - _END.size, 0)
    f.seek(start)
    tail = f.read()
    at = tail.rfind(_END_SIG)
    if at < 0 or len(tail) - at < _END.size:
        return None
    return _END.unpack(tail[at:at + _END.size]), start + at


def _zip64_end(f, end_offset: int) -> tuple | None:
    """The zip64 end record's fields when its locator sits just before the end record (as zipfile reads it)."""
    if end_offset < _LOCATOR.size + _END64.size:
        return None
    f.seek(end_offset - _LOCATOR.size)
    sig, disk, _, disks = _LOCATOR.unpack(f.read(_LOCATOR.size))
    if sig != _LOCATOR_SIG:
        return None
    if disk != 0 or disks > 1:
        raise ValueError("multi-disk zip")
    f.seek(end_offset - _LOCATOR.size - _END64.size)
    fields = _END64.unpack(f.read(_END64.size))
    return fields if fields[0] == _END64_SIG else None


def read_directory(path: Path, name: str | None = None) -> ZipDirectory:
    """Size up the zip at PATH from its own records; raise ZipRefused (message names NAME) when it is
    not a zip, is malformed, or is over MAX_ZIP_ENTRIES or MAX_DIRECTORY_BYTES. Reads at most
    64 KiB + MAX_DIRECTORY_BYTES, whatever the file claims."""
    name = name or Path(path).name
    try:
        with open(path, "rb") as f:
            size = f.seek(0, 2)
            found = _end_record(f, size)
            if found is None:
                raise _damaged(name)
            (_, disk, _, _, entries, dir_size, _, _), end_offset = found
            dir_end = end_offset
            end64 = _zip64_end(f, end_offset)
            if end64 is not None:
                _, _, _, _, disk, _, _, entries, dir_size, _ = end64
                dir_end = end_offset - _LOCATOR.size - _END64.size
            if disk != 0:
                raise _damaged(name)
            if entries > MAX_ZIP_ENTRIES:
                raise _too_many(name, entries)
            if dir_size > MAX_DIRECTORY_BYTES:
                raise ZipRefused(f"{name} was not unpacked: its list of files takes {dir_size / (1 << 20):.1f} MB, "
                                 f"more than the {MAX_DIRECTORY_BYTES >> 20} MB a zip of this assignment's files "
                                 "could need. Zip only your .py files, or upload them themselves.")
            if dir_end - dir_size < 0:
                raise _damaged(name)
            f.seek(dir_end - dir_size)
            directory = f.read(dir_size)
    except OSError as exc:
        raise ZipRefused(f"{name} could not be read ({exc.strerror or exc}). Upload it again.") from None
    except (ValueError, struct.error):
        raise _damaged(name) from None
    if len(directory) != dir_size:
        raise _damaged(name)
    return ZipDirectory(count_entries(directory, name), dir_size)


def count_entries(directory: bytes, name: str) -> int:
    """The entries of a central directory, walked as zipfile walks it; ZipRefused past MAX_ZIP_ENTRIES."""
    pos = count = 0
    while pos < len(directory):
        if len(directory) - pos < _ENTRY.size:
            raise _damaged(name)
        fields = _ENTRY.unpack_from(directory, pos)
        if fields[0] != _ENTRY_SIG:
            raise _damaged(name)
        count += 1
        if count > MAX_ZIP_ENTRIES:
            raise _too_many(name, -MAX_ZIP_ENTRIES)
        name_len, extra_len, comment_len = fields[12], fields[13], fields[14]
        pos += _ENTRY.size + name_len + extra_len + comment_len
    return count


def looks_like_zip(path: Path) -> bool:
    """An end-of-central-directory record is where zipfile would look for it (zipfile.is_zipfile's test)."""
    try:
        with open(path, "rb") as f:
            return _end_record(f, f.seek(0, 2)) is not None
    except OSError:
        return False
