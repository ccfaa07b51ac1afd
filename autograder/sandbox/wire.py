"""Reading what the worker wrote: plain data only, validated before use.

Nothing here unpickles, imports or calls anything the submission made. JSON lines are bounded
in size, and .npy files must be little-endian float64, C or Fortran order, of a bounded size,
with a header that NumPy parses as a literal; the data is read as raw bytes.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
from numpy.lib import format as npy_format

MAX_JSONL_BYTES = 4 << 20
MAX_LINE_BYTES = 256 << 10
MAX_NPY_BYTES = 64 << 20
MAX_HEADER_BYTES = 4096


class WireError(ValueError):
    """The worker's output does not follow the protocol (corrupt, forged or oversized)."""


def read_records(path: Path) -> list[dict]:
    """The complete JSON-object lines of a step file; a torn last line is dropped."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return []
    if size > MAX_JSONL_BYTES:
        raise WireError(f"{path.name} is {size} bytes, over the {MAX_JSONL_BYTES} limit")
    records = []
    with path.open("rb") as f:
        for raw in f.read().split(b"\n"):
            if not raw or len(raw) > MAX_LINE_BYTES:
                continue
            try:
                rec = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                continue
            if isinstance(rec, dict):
                records.append(rec)
    return records


def read_npy(directory: Path, name: object) -> np.ndarray:
    """A float64 array from DIRECTORY/NAME, refusing anything but a plain float64 .npy."""
    if not isinstance(name, str) or os.sep in name or name.startswith(".") or not name.endswith(".npy"):
        raise WireError(f"bad array file name {str(name)[:60]!r}")
    path = directory / name
    try:
        if path.is_symlink() or not path.is_file():
            raise WireError(f"{name} is missing or not a regular file")
        size = path.stat().st_size
    except OSError as exc:
        raise WireError(f"{name}: {exc}") from None
    if size > MAX_NPY_BYTES:
        raise WireError(f"{name} is {size} bytes, over the {MAX_NPY_BYTES} limit")
    with path.open("rb") as f:
        try:
            version = npy_format.read_magic(f)
            if version not in ((1, 0), (2, 0)):
                raise WireError(f"{name}: unsupported .npy version {version}")
            header_start = f.tell()
            reader = (npy_format.read_array_header_1_0 if version == (1, 0)
                      else npy_format.read_array_header_2_0)
            shape, fortran, dtype = reader(f, max_header_size=MAX_HEADER_BYTES)
        except WireError:
            raise
        except Exception as exc:  # noqa: BLE001 - any malformed header is a protocol error
            raise WireError(f"{name}: malformed .npy header ({type(exc).__name__})") from None
        if f.tell() - header_start > MAX_HEADER_BYTES:
            raise WireError(f"{name}: header too large")
        if dtype != np.dtype("<f8"):
            raise WireError(f"{name}: dtype {dtype}, expected float64")
        if not all(isinstance(d, int) and d >= 0 for d in shape) or len(shape) > 8:
            raise WireError(f"{name}: bad shape {shape}")
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        nbytes = count * 8
        if f.tell() + nbytes != size:
            raise WireError(f"{name}: {size} bytes do not match shape {shape}")
        data = f.read(nbytes)
    arr = np.frombuffer(data, dtype="<f8", count=count).astype(np.float64)
    return arr.reshape(shape, order="F" if fortran else "C")
