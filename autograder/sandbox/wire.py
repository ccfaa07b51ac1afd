"""Reading what the worker wrote: plain data only, validated before use.

Nothing here unpickles, imports or calls anything the submission made. JSON lines are bounded
in size; arrays are .npy segments appended to one file per step, each of which must be
little-endian float64 (C or Fortran order) with a header that NumPy parses as a literal, and
whose data lies inside the file; the data is read as raw bytes.
"""
from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import numpy as np
from numpy.lib import format as npy_format

MAX_JSONL_BYTES = 4 << 20
MAX_LINE_BYTES = 256 << 10
MAX_NPY_BYTES = 64 << 20
MAX_HEADER_BYTES = 4096


class WireError(ValueError):
    """The worker's output does not follow the protocol (corrupt, forged or oversized)."""


def _read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, opened without following links; b"" when it does not exist."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return b""
    except OSError as exc:   # a symbolic link (ELOOP) or worse
        raise WireError(f"{path.name} cannot be opened safely ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise WireError(f"{path.name} is not a regular file")
        if info.st_size > limit:
            raise WireError(f"{path.name} is {info.st_size} bytes, over the {limit} limit")
        return f.read(limit + 1)[:limit]


def read_records(path: Path) -> list[dict]:
    """The complete JSON-object lines of a step file; a torn last line is dropped."""
    records = []
    for raw in _read_regular_file(path, MAX_JSONL_BYTES).split(b"\n"):
        if not raw or len(raw) > MAX_LINE_BYTES:
            continue
        try:
            rec = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue
        if isinstance(rec, dict):
            records.append(rec)
    return records


def read_blob(path: Path) -> bytes:
    """The whole array file of a step (bounded, regular file only), or b"" when there is none."""
    return _read_regular_file(path, MAX_NPY_BYTES)


def read_npy(blob: bytes, offset: object) -> np.ndarray:
    """The float64 array stored as a .npy segment at OFFSET of BLOB, refusing anything else.

    The segment must be a version 1.0/2.0 .npy with a literal header of at most 4 kB,
    dtype little-endian float64 and a shape whose data fits inside the blob.
    """
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset < len(blob):
        raise WireError(f"bad array offset {str(offset)[:40]!r}")
    f = io.BytesIO(blob)
    f.seek(offset)
    try:
        version = npy_format.read_magic(f)
        if version not in ((1, 0), (2, 0)):
            raise WireError(f"unsupported .npy version {version}")
        header_start = f.tell()
        reader = npy_format.read_array_header_1_0 if version == (1, 0) else npy_format.read_array_header_2_0
        shape, fortran, dtype = reader(f, max_header_size=MAX_HEADER_BYTES)
    except WireError:
        raise
    except Exception as exc:  # noqa: BLE001 - any malformed header is a protocol error
        raise WireError(f"malformed .npy header ({type(exc).__name__})") from None
    if f.tell() - header_start > MAX_HEADER_BYTES:
        raise WireError("header too large")
    if dtype != np.dtype("<f8"):
        raise WireError(f"dtype {dtype}, expected float64")
    if len(shape) > 8 or not all(isinstance(d, int) and d >= 0 for d in shape):
        raise WireError(f"bad shape {shape}")
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    start = f.tell()
    if start + count * 8 > len(blob):
        raise WireError(f"shape {shape} runs past the end of the data")
    arr = np.frombuffer(blob, dtype="<f8", count=count, offset=start).astype(np.float64)
    return arr.reshape(shape, order="F" if fortran else "C")
