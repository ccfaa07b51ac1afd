"""A submission's fingerprints on disk, beside its results: OUT/<id>/similarity.json (archives:
OUT/similarity/archive/<content hash>.json), keyed by the submission's content hash
(fingerprint.submission_hash), the assignment and this check's version (a digest of the code
that stages and fingerprints), so that a resumed batch, a Dask batch and a later `similarity` run
fingerprint each submission once, and a new version of that code fingerprints it again.

The file holds the staged code too (the pair pages show it) and is written atomically. A file
that does not match the key or is malformed is ignored and written again.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from autograder.outputs.similarity.winnow import Fingerprint, K, W


def _code_version() -> str:
    """A digest of the code that decides a submission's fingerprints: staging and normalising."""
    package = Path(__file__).resolve().parents[2]     # autograder/
    digest = hashlib.sha256(f"k={K} w={W}".encode())
    for rel in ("outputs/similarity/intake.py", "outputs/similarity/tokens.py", "outputs/similarity/winnow.py",
                "intake/submission.py", "intake/notebook_submission.py", "intake/canonical.py"):
        digest.update(rel.encode() + b"\0" + (package / rel).read_bytes())
    return digest.hexdigest()[:16]


VERSION = f"similarity v1 {_code_version()}"
FILE = "similarity.json"


def dump(path: Path, key: dict, files: dict[str, str], fps: list[Fingerprint]) -> str | None:
    """Write the record; a problem (for the instructor) or None."""
    data = {"key": key, "files": files,
            "fingerprints": [[fp.hash, fp.unit, [list(s) for s in fp.spans]] for fp in fps]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        return f"{path} could not be written ({exc.strerror or exc}); it is computed again next run"
    return None


def load(path: Path, key: dict) -> tuple[dict[str, str], list[Fingerprint]] | None:
    """(files, fingerprints) stored at PATH under KEY, or None."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        files = data["files"]
        if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
            return None
        fps = []
        for h, unit, spans in data["fingerprints"]:
            spans = tuple((int(f), int(a), int(b)) for f, a, b in spans)
            if not isinstance(h, int) or not isinstance(unit, str) or any(not 0 <= s[0] < len(files) for s in spans):
                return None
            fps.append(Fingerprint(h, unit, spans))
        return files, fps
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError):
        return None


def key_for(content_hash: str, assignment: str) -> dict:
    return {"version": VERSION, "content": content_hash, "assignment": assignment}
