"""Every test grades with one fixed, public course secret (tests/data/course-secret), so that the
hidden cases, and so the scores and feedback the tests expect, are the same on every machine.
Subprocesses inherit it through the environment."""
import os
from pathlib import Path

import pytest

os.environ["RNN_AUTOGRADER_SECRET_FILE"] = str(Path(__file__).resolve().parent / "data" / "course-secret")


@pytest.fixture(scope="session")
def busy_tmp_folder():
    """A busy /tmp for the session: 120,000 entries of root's that every user can see (an unpacked
    Python environment, say) in a folder of /tmp, removed afterwards (tests/busy_tmp.py)."""
    import busy_tmp

    top, _ = busy_tmp.make()
    yield top
    busy_tmp.remove(top)
