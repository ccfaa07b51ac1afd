"""Zip files written byte by byte: honest ones with many empty entries, and ones whose records lie.

Used by tests/test_upload_limits.py and benchmarks/zip_bomb_memory.py.
"""
from __future__ import annotations

import struct
from pathlib import Path

LOCAL = struct.Struct("<4s5H3L2H")
ENTRY = struct.Struct("<4s4B4HL2L5H2L")
END = struct.Struct("<4s4H2LH")
END64 = struct.Struct("<4sQ2H2L4Q")
LOCATOR = struct.Struct("<4sLQL")


def end_records(entries: int, dir_size: int, dir_offset: int, zip64: bool = False, comment: bytes = b"") -> bytes:
    """The end of a zip: (zip64 end record and locator,) end record, comment."""
    if not zip64:
        return END.pack(b"PK\x05\x06", 0, 0, entries, entries, dir_size, dir_offset, len(comment)) + comment
    end64_at = dir_offset + dir_size
    return (END64.pack(b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, dir_size, dir_offset)
            + LOCATOR.pack(b"PK\x06\x07", 0, end64_at, 1)
            + END.pack(b"PK\x05\x06", 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, len(comment))
            + comment)


def empty_entries(n: int) -> tuple[bytes, bytes]:
    """(local records, central directory) of N empty stored files named 0, 1, 2..."""
    local, directory = bytearray(), bytearray()
    for i in range(n):
        name = str(i).encode()
        offset = len(local)
        local += LOCAL.pack(b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0) + name
        directory += ENTRY.pack(b"PK\x01\x02", 20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, len(name), 0, 0, 0, 0, 0,
                                offset) + name
    return bytes(local), bytes(directory)


def many_entries_zip(path: Path, n: int, claimed: int | None = None, zip64: bool | None = None) -> Path:
    """A real zip of N empty files; its end record claims CLAIMED entries (default N)."""
    local, directory = empty_entries(n)
    claimed = n if claimed is None else claimed
    zip64 = claimed > 0xFFFF if zip64 is None else zip64
    path.write_bytes(local + directory + end_records(claimed, len(directory), len(local), zip64))
    return path


def claim_only_zip(path: Path, entries: int, dir_size: int, zip64: bool = False) -> Path:
    """A few hundred bytes whose end record claims ENTRIES entries in a DIR_SIZE-byte directory."""
    path.write_bytes(b"\x00" * 64 + end_records(entries, dir_size, 0, zip64))
    return path
