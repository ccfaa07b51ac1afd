"""Every test grades with one fixed, public course secret (tests/data/course-secret), so that the
hidden cases, and so the scores and feedback the tests expect, are the same on every machine.
Subprocesses inherit it through the environment."""
import os
from pathlib import Path

os.environ["RNN_AUTOGRADER_SECRET_FILE"] = str(Path(__file__).resolve().parent / "data" / "course-secret")
