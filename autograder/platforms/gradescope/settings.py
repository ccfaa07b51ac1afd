"""The choices made when the zip is built, stored in it as gradescope.json and read by every run."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from autograder.outputs import VISIBILITIES  # the choices of gradescope-zip's visibility options

SETTINGS_FILE = "gradescope.json"


@dataclass(frozen=True)
class Settings:
    """test_visibility: when students see each test (name, score, feedback); results_visibility: when
    they see the whole result (summary and total score). Values are Gradescope's: visible,
    after_due_date, after_published, hidden."""

    test_visibility: str = "visible"
    results_visibility: str = "visible"
    assignment: str = "rnn_bptt"     # the built-in assignment (of the zip's autograder/assignments/) it grades
    lang: str = "en"                 # the language of the feedback (autograder.i18n.LANGUAGES)

    def __post_init__(self) -> None:
        for name in ("test_visibility", "results_visibility"):
            value = getattr(self, name)
            if value not in VISIBILITIES:
                raise ValueError(f"{name.replace('_', '-')} must be one of {', '.join(VISIBILITIES)}; got {value!r}")
        from autograder.i18n import check
        check(self.lang)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"


def load(path: Path) -> tuple[Settings, str]:
    """The settings in PATH, or the defaults and the reason they could not be read (for the log)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return Settings(**{k: v for k, v in data.items() if k in Settings.__dataclass_fields__}), ""
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        return Settings(), f"{path}: {exc}; using the default settings {Settings()}"
