"""Extract the grader's messages and update the catalogues (English is the source).

    python tools/catalogues.py            # update every autograder/locale/<lang>/LC_MESSAGES/autograder.po
    python tools/catalogues.py --check    # exit 1 when a catalogue lacks, or has empty/fuzzy, entries

Two sources, both with Babel:
- the code: every _("..."), N_("...") and ngettext("...", "...", n) under autograder/ (Babel's
  Python extractor);
- the registry (checks are data): every built-in assignment's check titles and misconception
  sentences, as students read them (their msgid is the text the registry holds).
The students' self-checks (assignments/<name>/test_selfcheck.py, which run without the package)
have catalogues of their own beside them, assignments/<name>/test_selfcheck.<lang>.po, extracted
from their _("...") calls and read by the self-check itself with the standard library.
A catalogue is updated with Babel's Catalog.update (no fuzzy matching: a changed English message
gets an empty translation, and --check fails until someone translates it). See docs/translating.md.
"""
from __future__ import annotations

import datetime
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.i18n import DEFAULT, DOMAIN, LANGUAGES, LOCALE_DIR  # noqa: E402

FIXED_DATE = datetime.datetime(2026, 12, 7, tzinfo=datetime.timezone.utc)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def registry_messages(name: str):
    """(message, where) for every check title and misconception sentence of the built-in assignment NAME."""
    from autograder.assignment import load

    a = load(name)
    for check in [*a.graded_checks(), *a.example_checks()]:
        yield check.title, f"registry:{name}:check:{check.id}"
    for entry in a.misconceptions:
        yield entry.sentence, f"registry:{name}:misconception:{entry.function}:{entry.code}"


def template(assignment: str | None = None) -> Catalog:
    """The engine's messages (its code outside autograder/assignments/<name>/), or (ASSIGNMENT) those
    of one built-in assignment: its folder's code and its registry (check titles, misconceptions)."""
    cat = Catalog(domain=assignment or DOMAIN, project="rnn-autograder", version="0.1.0", charset="utf-8",
                  fuzzy=False, creation_date=FIXED_DATE)
    folder = ROOT / "autograder" / "assignments" / assignment if assignment else ROOT / "autograder"
    for filename, lineno, message, comments, _context in extract_from_dir(
            str(folder), method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
        if assignment is None and Path(filename).parts[:1] == ("assignments",) and len(Path(filename).parts) > 2:
            continue                           # an assignment's own code: its catalogue
        cat.add(message, locations=[((folder / filename).relative_to(ROOT).as_posix(), lineno)],
                auto_comments=comments)
    for message, where in (registry_messages(assignment) if assignment else []):
        existing = cat.get(message)
        if existing is not None:
            existing.locations.append((where, 0))
        else:
            cat.add(message, locations=[(where, 0)])
    return cat


HEADER = ("# Vietnamese messages of the rnn-autograder (students' feedback, reports, commands).\n"
          "# Terms: docs/glossary.md (from the course's lecture decks). Update: python tools/catalogues.py")
TRANSLATOR = "rnn-autograder maintainers (review by a native-speaking instructor welcome)"


def po_path(lang: str, assignment: str | None = None) -> Path:
    """The engine's catalogue, or (ASSIGNMENT) a built-in assignment's (i18n.catalogue_paths)."""
    if assignment:
        return ROOT / "autograder" / "assignments" / assignment / "locale" / lang / "LC_MESSAGES" / f"{assignment}.po"
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def assignments() -> list[str]:
    from autograder.assignment import builtin_names

    return list(builtin_names())


def selfchecks() -> list[Path]:
    """The self-checks that mark their messages (a _("...") call), by path."""
    return [p for p in sorted((ROOT / "assignments").glob("*/test_selfcheck.py"))
            if '_("' in p.read_text(encoding="utf-8")]


def selfcheck_po(selfcheck: Path, lang: str) -> Path:
    return selfcheck.with_name(f"test_selfcheck.{lang}.po")


def selfcheck_template(selfcheck: Path) -> Catalog:
    from babel.messages.extract import extract_from_file

    cat = Catalog(domain="selfcheck", project="rnn-autograder", version="0.1.0", charset="utf-8", fuzzy=False,
                  creation_date=FIXED_DATE)
    for lineno, message, comments, _context in extract_from_file("python", str(selfcheck), keywords={"_": None}):
        cat.add(message, locations=[(selfcheck.relative_to(ROOT).as_posix(), lineno)], auto_comments=comments)
    return cat


def every_catalogue(lang: str) -> list[tuple[Path, Catalog]]:
    """(the .po file of LANG, the template it translates): the grader's, then each self-check's."""
    return ([(po_path(lang), template())] + [(po_path(lang, a), template(a)) for a in assignments()]
            + [(selfcheck_po(p, lang), selfcheck_template(p)) for p in selfchecks()])


def write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        write_po(f, catalog, width=100, sort_output=False, omit_header=False, include_lineno=False)


def problems(lang: str, tmpl: Catalog, path: Path | None = None) -> list[str]:
    """What a catalogue (default: the grader's) lacks: messages of the template with no translation, or fuzzy."""
    with open(path or po_path(lang), "rb") as f:
        cat = read_po(f, locale=lang)
    out = []
    for msg in tmpl:
        if not msg.id:
            continue
        own = cat.get(msg.id)
        strings = (own.string if isinstance(own.string, tuple | list) else (own.string,)) if own else ("",)
        if own is None or not all(strings):
            out.append(f"{lang}: untranslated: {msg.id!r}")
        elif own.fuzzy:
            out.append(f"{lang}: fuzzy: {msg.id!r}")
    return out


def main(argv: list[str]) -> int:
    if "--check" in argv:
        found = [f"{path.relative_to(ROOT)}: {p}" for lang in LANGUAGES if lang != DEFAULT
                 for path, tmpl in every_catalogue(lang) for p in problems(lang, tmpl, path)]
        print("\n".join(found) or "every catalogue is complete")
        return 1 if found else 0
    for lang, (path, tmpl) in [(code, c) for code in LANGUAGES if code != DEFAULT for c in every_catalogue(code)]:
        if path.exists():
            with open(path, "rb") as f:
                cat = read_po(f, locale=lang)
        else:
            cat = Catalog(locale=lang, domain=DOMAIN, project="rnn-autograder", version="0.1.0",
                          header_comment=HEADER, last_translator=TRANSLATOR, language_team=TRANSLATOR)
        cat.update(tmpl, no_fuzzy_matching=True, update_header_comment=False)
        cat.obsolete.clear()
        cat.fuzzy = False           # the header: its Plural-Forms must be read
        cat.revision_date = cat.creation_date = FIXED_DATE   # no churn in the diff
        write(path, cat)
        print(f"{path}: {len(cat)} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
