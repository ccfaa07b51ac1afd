"""The language of everything a person reads: gettext message catalogues, English as the source.

Catalogues: the engine's, autograder/locale/<lang>/LC_MESSAGES/autograder.po, and each built-in
assignment's, autograder/assignments/<name>/locale/<lang>/LC_MESSAGES/<name>.po (its check titles,
case labels, misconception sentences: the engine names no assignment's function), in the repository
and in the package; extracted with Babel (tools/catalogues.py). They are read at run time: Babel's
read_po parses the .po file, its compiled form is built in memory once per process and wrapped
in a stdlib gettext.GNUTranslations, so no compiled catalogue (.mo) is ever written or committed.
Empty and fuzzy entries are left out (the English text is shown instead).

Which language: `choose(flag)` gives, in order of precedence,
  1. the --lang flag of the command,
  2. the environment variable RNN_AUTOGRADER_LANG,
  3. the course configuration file: $RNN_AUTOGRADER_CONFIG, else ./rnn-autograder.yaml, else
     ~/.config/rnn-autograder/config.yaml, a YAML mapping with the key `lang`,
  4. the default, en.

The one piece of state: the active language of the current context (a contextvars.ContextVar,
so threads, asyncio tasks and Dask workers each see their own). grade_submission and the report
writers set it for the duration of their work with `language(lang)`; `_()` and `ngettext()`
translate into it. Strings evaluated at import time are marked with `N_()` and translated where
they are used.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext
import io
import os
from collections.abc import Iterator
from pathlib import Path

LANGUAGES = ("en", "vi")
DEFAULT = "en"
ENV = "RNN_AUTOGRADER_LANG"
CONFIG_ENV = "RNN_AUTOGRADER_CONFIG"
DOMAIN = "autograder"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_ACTIVE: contextvars.ContextVar[str] = contextvars.ContextVar("autograder_language", default=DEFAULT)


class LanguageError(ValueError):
    """A language this grader has no catalogue for."""


def check(lang: str) -> str:
    """LANG when it is one of LANGUAGES, else LanguageError naming the choices."""
    if lang not in LANGUAGES:
        raise LanguageError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    return lang


def config_paths() -> list[Path]:
    env = os.environ.get(CONFIG_ENV)
    if env:
        return [Path(env)]
    return [Path("rnn-autograder.yaml"), Path.home() / ".config" / "rnn-autograder" / "config.yaml"]


def from_config() -> str | None:
    """The `lang` of the first course configuration file that exists, or None."""
    for path in config_paths():
        if not path.is_file():
            continue
        import yaml  # only here: ~10 ms of a cold grade where no configuration file exists

        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise LanguageError(f"{path}: cannot read the course configuration: {exc}") from exc
        value = data.get("lang") if isinstance(data, dict) else None
        if value is None:
            return None
        if not isinstance(value, str):
            raise LanguageError(f"{path}: `lang` must be one of {', '.join(LANGUAGES)}; got {value!r}")
        return check(value.strip())
    return None


def choose(flag: str | None = None) -> str:
    """The language: the flag, else $RNN_AUTOGRADER_LANG, else the course configuration file, else en."""
    if flag:
        return check(flag)
    env = os.environ.get(ENV, "").strip()
    if env:
        return check(env)
    return from_config() or DEFAULT


def catalogue_paths(lang: str) -> list[Path]:
    """The .po files of LANG: the engine's, then every built-in assignment's that exists."""
    return [LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po",
            *sorted(LOCALE_DIR.parent.glob(f"assignments/*/locale/{lang}/LC_MESSAGES/*.po"))]


def _read(path: Path, lang: str) -> gettext.GNUTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(path, "rb") as f:
        catalog = read_po(f, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogues of LANG, read from their .po files and chained (English: the source text itself)."""
    check(lang)
    if lang == DEFAULT:
        return gettext.NullTranslations()
    first, *rest = [_read(path, lang) for path in catalogue_paths(lang) if path.is_file()]
    for more in rest:
        first.add_fallback(more)
    return first


def current() -> str:
    """The active language of this context."""
    return _ACTIVE.get()


@contextlib.contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Make LANG (None: keep the current one) the active language inside the block."""
    token = _ACTIVE.set(check(lang or current()))
    try:
        yield current()
    finally:
        _ACTIVE.reset(token)


def _(message: str) -> str:
    """MESSAGE in the active language ('' stays '')."""
    return translations(current()).gettext(message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message, by N, in the active language (its own plural rule)."""
    return translations(current()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks MESSAGE for extraction only: translate it with _() where it is used."""
    return message


def in_language(fn):
    """Decorator: FN takes a keyword argument `lang` (None: the current language) and runs with
    it active; what FN builds (a Report, messages) is in that language."""
    @functools.wraps(fn)
    def wrapper(*args, lang: str | None = None, **kwargs):
        with language(lang):
            return fn(*args, **kwargs)
    return wrapper


def in_language_of(fn):
    """Decorator: FN's first argument has a `lang` (a Report): FN runs with that language active."""
    @functools.wraps(fn)
    def wrapper(first, *args, **kwargs):
        with language(getattr(first, "lang", None)):
            return fn(first, *args, **kwargs)
    return wrapper
