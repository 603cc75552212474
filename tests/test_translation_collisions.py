"""One English word, one Chinese word: a msgid translated differently by two apps' catalogues would show
whichever app comes first in INSTALLED_APPS (a refund "Paid" read 已缴费 on the refund page). Every
msgid shared by catalogues must have the same translation, or use a specific msgid or a context."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def test_shared_msgids_are_translated_alike():
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for po_path in sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")):
        app = po_path.parts[-5]
        for entry in polib.pofile(str(po_path)).translated_entries():
            seen.setdefault((entry.msgctxt or "", entry.msgid), {})[app] = entry.msgstr
    clashes = {key: apps for key, apps in seen.items() if len(set(apps.values())) > 1}
    assert not clashes, "\n".join(f"{key[1]!r}: {apps}" for key, apps in sorted(clashes.items()))
