"""The worker-to-grader protocol reader refuses anything but plain, bounded float64 data."""
from __future__ import annotations

import io
import os

import numpy as np
import pytest

from autograder.sandbox.wire import WireError, _read_regular_file, read_npy, read_records


def npy_bytes(arr: np.ndarray, allow_pickle: bool = False) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=allow_pickle)
    return buf.getvalue()


def test_reads_float64_segments_at_their_offsets():
    a, b = np.arange(6.0).reshape(2, 3), np.array(2.5)
    blob = npy_bytes(a) + npy_bytes(b)
    assert np.array_equal(read_npy(blob, 0), a)
    got = read_npy(blob, len(npy_bytes(a)))
    assert got.shape == () and got == 2.5


def test_fortran_order_is_kept():
    a = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    assert np.array_equal(read_npy(npy_bytes(a), 0), a)


@pytest.mark.parametrize("arr", [np.array([{"x": 1}], dtype=object), np.arange(3), np.arange(3, dtype=">f8"),
                                 np.zeros(2, dtype=np.float32)])
def test_refuses_other_dtypes_including_pickled_objects(arr):
    with pytest.raises(WireError):
        read_npy(npy_bytes(arr, allow_pickle=True), 0)


def test_refuses_offsets_and_shapes_that_run_past_the_data():
    blob = npy_bytes(np.arange(4.0))
    with pytest.raises(WireError):
        read_npy(blob[:-8], 0)            # data truncated
    for bad in (-1, len(blob), "0", 1.0, True):
        with pytest.raises(WireError):
            read_npy(blob, bad)
    with pytest.raises(WireError):
        read_npy(b"not an npy file at all", 0)


def test_refuses_huge_headers():
    header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (1,), " + b" " * 70000 + b"}\n"
    blob = b"\x93NUMPY\x02\x00" + len(header).to_bytes(4, "little") + header + b"\0" * 8
    with pytest.raises(WireError):
        read_npy(blob, 0)


def test_records_skip_torn_and_non_object_lines(tmp_path):
    p = tmp_path / "step_0.jsonl"
    p.write_bytes(b'{"call": 0}\n[1, 2]\nnot json\n{"call": 1}\n{"call": 2, "tor')
    assert read_records(p) == [{"call": 0}, {"call": 1}]
    assert read_records(tmp_path / "missing.jsonl") == []


def test_symlinks_and_fifos_are_refused(tmp_path):
    target = tmp_path / "secret"
    target.write_text('{"call": 0}\n')
    link = tmp_path / "step_0.jsonl"
    link.symlink_to(target)
    with pytest.raises(WireError):
        read_records(link)
    fifo = tmp_path / "step_1.npys"
    os.mkfifo(fifo)
    with pytest.raises(WireError):
        _read_regular_file(fifo, 100)
