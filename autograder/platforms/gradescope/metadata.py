"""What Gradescope says about a submission (submission_metadata.json), read defensively.

Only two things are used: the submitters' names (to greet them) and how many submissions came
before this one. The file may be absent (a local run) or not what we expect: then the greeting
is simply left out, and the reason goes to the instructor's log.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from autograder.outputs.escape import markdown_inline

MAX_NAME = 80


@dataclass(frozen=True)
class SubmissionInfo:
    names: tuple[str, ...] = ()
    previous: int | None = None      # earlier submissions of this assignment; None when unknown
    problem: str = ""                # why (some of) the metadata could not be used


def read_metadata(path: Path) -> SubmissionInfo:
    """Names and earlier submissions from Gradescope's submission_metadata.json; never raises."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return SubmissionInfo(problem=f"{path} not found (not on Gradescope?): no greeting")
    except (OSError, ValueError) as exc:
        return SubmissionInfo(problem=f"{path} could not be read: {exc}")
    if not isinstance(data, dict):
        return SubmissionInfo(problem=f"{path} holds a {type(data).__name__}, not an object")
    users = data.get("users")
    names = tuple(clean_name(u.get("name")) for u in users if isinstance(u, dict)) if isinstance(users, list) else ()
    names = tuple(n for n in names if n)
    earlier = data.get("previous_submissions")
    previous = len(earlier) if isinstance(earlier, list) else None
    missing = [what for what, ok in (("users[].name", names), ("previous_submissions", previous is not None)) if not ok]
    return SubmissionInfo(names, previous, f"{path}: no usable {' or '.join(missing)}" if missing else "")


def clean_name(name) -> str:
    """A name as one short line of plain text, or "" when it is not a string."""
    if not isinstance(name, str):
        return ""
    name = " ".join(name.split())
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"


def greeting(info: SubmissionInfo) -> str:
    """E.g. "Hello, Ada Lovelace! This is submission number 3 (2 earlier submissions)." in Markdown;
    "" when nothing is known."""
    parts = []
    if info.names:
        names = [markdown_inline(n) for n in info.names]
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        parts.append(f"Hello, {who}!")
    if info.previous == 0:
        parts.append("This is your first submission.")
    elif info.previous is not None:
        earlier = "1 earlier submission" if info.previous == 1 else f"{info.previous} earlier submissions"
        parts.append(f"This is submission number {info.previous + 1} ({earlier}).")
    return " ".join(parts)
