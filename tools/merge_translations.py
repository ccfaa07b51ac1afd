"""Fill a catalogue's empty entries from a file of translations (a Python file defining T: msgid ->
msgstr, a plural msgid as a (singular, plural) tuple -> a tuple of forms). A translator's aid:

    python tools/merge_translations.py vi path/to/translations.py [--po path/to/catalogue.po]

Entries already translated in the .po are kept unless --overwrite; unknown msgids are listed.
"""
from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools.catalogues import po_path, write  # noqa: E402


def main(argv: list[str]) -> int:
    lang, source = argv[0], argv[1]
    table = runpy.run_path(source)["T"]
    path = Path(argv[argv.index("--po") + 1]) if "--po" in argv else po_path(lang)
    with open(path, "rb") as f:
        cat = read_po(f, locale=lang)
    unknown, filled = [], 0
    for msgid, msgstr in table.items():
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        msg = cat.get(key)
        if msg is None:
            unknown.append(key)
            continue
        if msg.string and (all(msg.string) if isinstance(msg.string, tuple) else True) and "--overwrite" not in argv:
            continue
        msg.string = msgstr
        msg.flags.discard("fuzzy")
        filled += 1
    write(path, cat)
    print(f"{path}: {filled} filled; {len(unknown)} unknown")
    for u in unknown:
        print("  unknown:", u[:100])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
