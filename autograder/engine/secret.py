"""The course secret: the key that, with the submitted code, seeds each submission's hidden cases.

Created once (32 random bytes, hex, mode 0600) where the instructor keeps the course, and read
only by the trusted grader: never passed to, or readable by, the worker (confine.py keeps the
grader's files out of its reach; the secret file is also private to its owner). The Gradescope
zip carries a copy, so the same secret gives the same grade locally and on Gradescope, and
rebuilding the zip keeps it.

Where: RNN_AUTOGRADER_SECRET_FILE, else ~/.config/rnn-autograder/course-secret (created on
first use). Without a usable secret the grader still grades, with a public key and a log line
saying that the hidden cases are then predictable from this repository's code.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

SECRET_ENV = "RNN_AUTOGRADER_SECRET_FILE"
PUBLIC_KEY = b"rnn-autograder: no course secret"


@dataclass(frozen=True)
class CourseSecret:
    key: bytes
    source: str          # for the instructor's log: where it came from (never the key itself)

    @property
    def fingerprint(self) -> str:
        """A short public name for the key (its hash), to tell grades made with different secrets apart."""
        return hashlib.sha256(b"course secret\0" + self.key).hexdigest()[:12]


def secret_path() -> Path:
    env = os.environ.get(SECRET_ENV)
    return Path(env) if env else Path.home() / ".config" / "rnn-autograder" / "course-secret"


def create_secret(path: Path) -> None:
    """Write a new random secret to PATH (mode 0600); never overwrites an existing one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32) + "\n")


def load_secret(path: Path | None = None, create: bool = True) -> CourseSecret:
    """The course secret at PATH (default: secret_path()), created there on first use."""
    path = Path(path) if path is not None else secret_path()
    try:
        if create and not path.exists():
            try:
                create_secret(path)
            except FileExistsError:
                pass
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        return CourseSecret(PUBLIC_KEY, f"none ({path}: {exc.strerror if isinstance(exc, OSError) else 'not text'}); "
                                        "hidden cases are predictable from the grader's code")
    if len(text) < 32:
        return CourseSecret(PUBLIC_KEY, f"none ({path} holds fewer than 32 characters); hidden cases are "
                                        "predictable from the grader's code")
    return CourseSecret(text.encode("ascii"), str(path))
