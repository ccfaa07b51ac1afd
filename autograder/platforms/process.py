"""A one-shot command's process (`python -m autograder`, Gradescope's run): how it starts and ends.

Its start: the entry point turns the cyclic garbage collector off while the grader imports its
modules, tens of thousands of objects that live as long as the process, which it would go through
again and again for nothing (about 10 ms of a cold grade); imports_done() turns it on again, with
everything imported frozen out of its sight (gc.freeze).

Its end: at once, without tearing the interpreter down. A normal exit frees every module and
object one by one: after a cold `grade` that takes about 25 ms, 8% of the whole grade, for memory
the kernel takes back at once anyway. leave() does what a normal exit does that matters (the
clean-ups registered with atexit, such as weakref.finalize's temporary folders and the fork
server's shutdown; the buffered output), then ends the process with os._exit. A thread still
running (not a daemon) needs the normal exit, which waits for it: then leave() exits normally.
"""
from __future__ import annotations

import atexit
import gc
import os
import sys
from typing import NoReturn


def imports_done() -> None:
    """The grader's modules are imported: the garbage collector on again, if the entry point had
    turned it off (else nothing changes)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def leave(status: int | None) -> NoReturn:
    """End the process with exit STATUS (None: 0), as sys.exit would, but without the teardown."""
    threading = sys.modules.get("threading")
    if threading is not None and any(t is not threading.main_thread() and not t.daemon
                                     for t in threading.enumerate()):
        sys.exit(status)
    code = 0 if status is None else int(status)
    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):       # a closed pipe, a closed stream: nothing more to say
                code = code or 120              # what the normal exit returns when stdout cannot be flushed
    os._exit(code)
