"""Chinese first: every marked string has a Simplified Chinese translation, the compiled catalogues
match their sources, and no marked string is missing from the catalogues (English is the source
language of the msgids, so the English translation is complete by construction)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from conftest import require_os

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def test_every_app_has_a_catalogue():
    assert {p.parts[-5] for p in CATALOGUES} >= {"boss", "customers", "orders", "billing", "complaints"}


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_complete_and_not_fuzzy(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {po_path}: {untranslated}"
    assert not fuzzy, f"fuzzy in {po_path}: {fuzzy}"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_placeholders_survive_translation(po_path):
    for entry in polib.pofile(str(po_path)).translated_entries():
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(entry.msgstr)), entry.msgid


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_compiled_catalogue_matches_its_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"run `make messages`: {mo_path} is missing"
    source = {e.msgid: e.msgstr for e in polib.pofile(str(po_path)).translated_entries() if not e.msgid_plural}
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(mo_path)) if e.msgid and not e.msgid_plural}
    assert compiled == source, "run `make messages`: the .mo is older than the .po"


@pytest.mark.needs_os
@require_os(binaries=["xgettext", "msgmerge"])
def test_no_marked_string_is_missing_from_the_catalogues(tmp_path):
    """Regenerate the catalogues in a copy of the tree and compare the msgids with the committed ones."""
    copy = tmp_path / "tree"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", "var", ".git", "__pycache__", "*.mo",
                                                               "staticfiles", "test-artifacts", ".hypothesis"))
    subprocess.run(["make", "-s", "messages", f"BIN={Path(sys.executable).parent}"],
                   cwd=copy, check=True, capture_output=True)
    for po_path in CATALOGUES:
        rel = po_path.relative_to(ROOT)
        committed = {e.msgid for e in polib.pofile(str(po_path)) if not e.obsolete}
        fresh = {e.msgid for e in polib.pofile(str(copy / rel)) if not e.obsolete}
        assert fresh - committed == set(), f"{rel}: new strings, run `make messages` and translate them"
