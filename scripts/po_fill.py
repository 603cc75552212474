"""Fill msgstr values of a .po catalogue from a JSON file {msgid: msgstr} (only empty or fuzzy ones).

Usage: python scripts/po_fill.py path/to/django.po translations.json
Then `make messages` (or compilemessages) builds the .mo files.
"""

import json
import sys

import polib


def main(po_path: str, json_path: str) -> int:
    po = polib.pofile(po_path)
    with open(json_path, encoding="utf-8") as fh:
        table = json.load(fh)
    filled = 0
    for entry in po:
        if entry.msgid in table and (not entry.msgstr or entry.fuzzy):
            entry.msgstr = table[entry.msgid]
            if entry.fuzzy:
                entry.flags.remove("fuzzy")
            filled += 1
    po.save()
    missing = [e.msgid for e in po if not e.msgstr and not e.obsolete]
    print(f"{po_path}: filled {filled}, still untranslated {len(missing)}")
    for msgid in missing:
        print("  ", json.dumps(msgid, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
