"""``manage.py source_catalogue``: write the 简体中文 catalogue of the portal's own messages.

The code's messages are written in Chinese, so in zh-hans (the default language) none of them has an entry
in any catalogue, and each ``{% trans %}`` walks every catalogue Django chains behind the first — ten, with
Wagtail's ``zh`` catalogues — before falling back to the message itself: about six times the cost of a
found entry, forty times on an officer's page. This command writes every message of the English catalogue
(which ``makemessages`` keeps equal to the code) into ``portal/locale_source/zh_Hans`` as its own
translation, so the first catalogue answers. ``make messages`` runs it; a test fails when it is stale.
"""

import re
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

ENGLISH = Path(settings.BASE_DIR) / "portal/locale/en/LC_MESSAGES/django.po"
SOURCE = Path(settings.BASE_DIR) / "portal/locale_source/zh_Hans/LC_MESSAGES/django.po"


def is_chinese(text: str) -> bool:
    return re.search(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]", text) is not None


def source_catalogue(english: polib.POFile) -> polib.POFile:
    catalogue = polib.POFile(wrapwidth=0)
    catalogue.header = (
        "简体中文（源语言）目录：本项目代码中的每条消息译为其自身。由 `manage.py source_catalogue` 生成，"
        "请勿手工修改。\n"
        "The source-language catalogue: each message of the portal's code translated to itself. Written "
        "by `manage.py source_catalogue`; do not edit by hand."
    )
    catalogue.metadata = {
        "Project-Id-Version": "ipp-portal source catalogue",
        "Language": "zh_Hans",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    for entry in sorted(english, key=lambda e: (e.msgctxt or "", e.msgid)):
        if entry.obsolete or not is_chinese(entry.msgid):
            continue  # an English msgid would override Wagtail's Chinese for it
        if entry.msgid_plural:
            # One plural form in Chinese: the plural text, which carries the number's placeholder.
            catalogue.append(
                polib.POEntry(
                    msgctxt=entry.msgctxt,
                    msgid=entry.msgid,
                    msgid_plural=entry.msgid_plural,
                    msgstr_plural={0: entry.msgid_plural},
                )
            )
        else:
            catalogue.append(polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid, msgstr=entry.msgid))
    return catalogue


class Command(BaseCommand):
    help = "Write portal/locale_source/zh_Hans: every message of the code as its own 简体中文 translation."

    def handle(self, *args, **options):
        catalogue = source_catalogue(polib.pofile(str(ENGLISH)))
        SOURCE.parent.mkdir(parents=True, exist_ok=True)
        catalogue.save(str(SOURCE))
        catalogue.save_as_mofile(str(SOURCE.with_suffix(".mo")))
        self.stdout.write(f"{len(catalogue)} messages → {SOURCE.relative_to(settings.BASE_DIR)}")
