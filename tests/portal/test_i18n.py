"""The English translation is complete and compiled, and matches the strings in the code."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "portal/locale/en/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")


def test_every_english_message_is_translated_and_not_fuzzy():
    catalogue = polib.pofile(str(PO))
    untranslated = [e.msgid for e in catalogue if not e.translated() and not e.obsolete]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_po_file():
    catalogue = polib.pofile(str(PO))
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in catalogue:
        if entry.obsolete or entry.msgid_plural:
            continue
        assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_catalogue_covers_every_string_in_the_code(tmp_path):
    """Re-extract messages from a copy of the tree and compare (needs GNU gettext's xgettext)."""
    require("GETTEXT", shutil.which("xgettext") is not None, "GNU gettext (xgettext) is not installed")
    copy = tmp_path / "tree"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "__pycache__", "node_modules", "bench"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-i", "tests/*"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings.test"},
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "portal/locale/en/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in polib.pofile(str(PO)) if not e.obsolete}
    assert sorted(fresh - committed) == [], "run `make messages` and translate the new strings"


@pytest.mark.django_db
def test_english_pages_use_the_translation(client, demo):
    html = client.get("/en/").content.decode()
    for text in ("Mutually recognised lists", "Member sign-in", "Policy documents", "Coming soon"):
        assert text in html
    assert "即将上线" not in html
