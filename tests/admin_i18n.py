"""Finds Wagtail admin messages shown in English on a rendered page (used by the admin i18n tests).

Wagtail's English catalogues list every message of the installed Wagtail apps; the effective Chinese
catalogue (Wagtail's zh_Hans merged with ``portal/locale/zh_Hans``) says which are translated. A page
shows a message in English when one of its texts is that English message (placeholders filled in):
either the message is untranslated, or Wagtail bypassed gettext (an unlabelled form field, hard-coded
text). Texts are read from visible text nodes, from the attributes people read (placeholder, aria-label,
title …) and from the JSON the admin's JavaScript renders from (StreamField blocks, Draftail, sidebar).
"""

import contextlib
import functools
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import polib
import wagtail
from django.apps import apps
from django.conf import settings
from django.utils import translation

WAGTAIL_ROOT = Path(wagtail.__file__).resolve().parent
PORTAL_ZH = Path(settings.BASE_DIR) / "portal" / "locale" / "zh_Hans" / "LC_MESSAGES"

#: English that Wagtail hard-codes in templates (no gettext, so no catalogue can reach it), keyed by
#: where it appears (``text`` or ``@attribute``). None of it is shown on screen; screen readers read the
#: first two.
HARD_CODED_IN_WAGTAIL = {
    # <nav aria-label="Actions"> of the slim header (wagtailadmin/shared/headers/_actions.html).
    ("@aria-label", "Actions"),
    # Screen-reader-only submit button of the header search (wagtailadmin/shared/header.html, home.html).
    ("@value", "Search"),
    # Side-panel toggle counter, rendered as "None" inside a hidden element when there is no count
    # (wagtailadmin/shared/side_panel_toggle.html).
    ("text", "None"),
}

# --- Wagtail's messages -----------------------------------------------------------------------------

DOMAINS = ("django", "djangojs")
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdirf]|%[sdirf]|\{[A-Za-z_0-9]*\}")
NUMBER_PLACEHOLDER = re.compile(r"%(\([^)]+\))?d")
IDENTIFIER = re.compile(r"[a-z][a-z0-9_\-]*")
CSS_CONTENT = re.compile(r'content:\s*"([^"]+)"')
TAG = re.compile(r"<[^>]+>")
ENGLISH_WORD = re.compile(r"[a-z]{2,}")


@dataclass(frozen=True)
class Message:
    """One Wagtail message: its English forms and whether the Chinese admin translates it."""

    msgid: str
    msgid_plural: str
    msgctxt: str | None
    domain: str
    translated: bool

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.msgid, self.msgid_plural) if self.msgid_plural else (self.msgid,)


def wagtail_locale_dirs() -> list[Path]:
    """The ``locale`` folders of the installed Wagtail apps (the catalogues the admin can use)."""
    dirs = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path == WAGTAIL_ROOT or WAGTAIL_ROOT in path.parents:
            dirs.append(path / "locale")
    return [d for d in dirs if d.is_dir()]


@functools.cache
def kept_in_english() -> frozenset[tuple[str | None, str]]:
    """Messages a zh_Hans catalogue (Wagtail's or ours) deliberately leaves as they are ("URL")."""
    kept = set()
    files = [d / "zh_Hans" / "LC_MESSAGES" / f"{dom}.po" for d in wagtail_locale_dirs() for dom in DOMAINS]
    files += [PORTAL_ZH / f"{dom}.po" for dom in DOMAINS]
    for path in files:
        if path.exists():
            kept |= {(e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if e.msgstr == e.msgid}
    return frozenset(kept)


@functools.cache
def js_catalogue() -> dict:
    """The catalogue Wagtail's JavaScript gets from ``/admin/jsi18n/`` for the Chinese admin."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory
    from wagtail.admin.views.i18n import js_catalog

    request = RequestFactory().get("/admin/jsi18n/")
    request.user = AnonymousUser()
    with translation.override("zh-hans"):
        response = js_catalog(request)
    return js_catalogue_from_source(response.content.decode())


def js_catalogue_from_source(source: str) -> dict:
    """The ``newcatalog`` object of a Django JavaScriptCatalog response."""
    found = re.search(r"const newcatalog = (\{.*?\});\n", source, re.S)
    assert found, "no catalogue in the JavaScript catalogue response"
    return json.loads(found.group(1))


def is_translated(entry: polib.POEntry, domain: str) -> bool:
    """Whether the Chinese admin shows this English catalogue entry in Chinese (or keeps it on purpose)."""
    if (entry.msgctxt, entry.msgid) in kept_in_english():
        return True
    if domain == "djangojs":
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        value = js_catalogue().get(key)
        forms = value if isinstance(value, list) else [value]
        return bool(value) and all(f and f not in (entry.msgid, entry.msgid_plural) for f in forms)
    with translation.override("zh-hans"):
        if entry.msgid_plural and entry.msgctxt:
            text = translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 2)
        elif entry.msgid_plural:
            text = translation.ngettext(entry.msgid, entry.msgid_plural, 2)
        elif entry.msgctxt:
            text = translation.pgettext(entry.msgctxt, entry.msgid)
        else:
            text = translation.gettext(entry.msgid)
    return text not in (entry.msgid, entry.msgid_plural)


@functools.cache
def wagtail_messages() -> tuple[Message, ...]:
    """Every message of the installed Wagtail apps, from their English catalogues (which list them all)."""
    messages = {}
    for locale_dir in wagtail_locale_dirs():
        for domain in DOMAINS:
            path = locale_dir / "en" / "LC_MESSAGES" / f"{domain}.po"
            if not path.exists():
                continue
            for entry in polib.pofile(str(path)):
                key = (domain, entry.msgctxt, entry.msgid)
                if entry.obsolete or key in messages:
                    continue
                messages[key] = Message(
                    entry.msgid, entry.msgid_plural, entry.msgctxt, domain, is_translated(entry, domain)
                )
    return tuple(messages.values())


def normalise(text: str) -> str:
    return " ".join(text.split())


class EnglishFinder:
    """Recognises Wagtail's English messages in rendered text.

    A message is cut at its HTML tags, since the browser shows the pieces as separate text nodes; each
    piece with an English word is matched against whole text nodes, placeholders standing for any text.
    A piece may also appear with a capital first letter (Django capitalises field labels). Messages a
    zh_Hans catalogue deliberately keeps in English are left out.
    """

    def __init__(self, messages):
        self.exact: dict[str, Message] = {}
        # (longest literal part, regex, message, length of the literal text)
        self.patterns: list[tuple[str, re.Pattern, Message, int]] = []
        for message in messages:
            if (message.msgctxt, message.msgid) in kept_in_english():
                continue
            for form in message.forms:
                for piece in TAG.split(form.replace("%%", "%")):
                    self._add(normalise(piece), message)
        # Most literal text first, so that a text is reported as the most specific message it matches
        # ("Sort by '%(label)s' in ascending order.", not "%(time)s by %(user_display_name)s").
        self.patterns.sort(key=lambda item: -item[3])

    def _add(self, piece: str, message: Message) -> None:
        literal = PLACEHOLDER.split(piece)
        if not ENGLISH_WORD.search("".join(literal)):
            return
        variants = {piece, piece[:1].upper() + piece[1:]}
        for variant in variants:
            if not PLACEHOLDER.search(variant):
                self.exact.setdefault(variant, message)
                continue
            parts = PLACEHOLDER.split(variant)
            fillers = [
                r"[\d,.]+" if NUMBER_PLACEHOLDER.fullmatch(p) else ".+?" for p in PLACEHOLDER.findall(variant)
            ]
            regex = "".join(
                re.escape(part) + filler for part, filler in zip(parts, [*fillers, ""], strict=True)
            )
            self.patterns.append((max(parts, key=len), re.compile(regex), message, len("".join(parts))))

    def find(self, text: str) -> Message | None:
        if not re.search(r"[A-Za-z]{2,}", text):
            return None
        if text in self.exact:
            return self.exact[text]
        for longest, regex, message, _ in self.patterns:
            if longest in text and regex.fullmatch(text):
                return message
        return None


@functools.cache
def english_finder() -> EnglishFinder:
    return EnglishFinder(wagtail_messages())


# --- Reading a rendered admin page ------------------------------------------------------------------

#: Attributes whose values people read or hear.
READ_ATTRIBUTES = {"placeholder", "aria-label", "aria-description", "title", "alt", "data-placeholder"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class AdminText(HTMLParser):
    """Collects the text a person can meet on an admin page, as ``(where, text)`` pairs.

    Text nodes (also in ``<template>``, ``<noscript>`` and hidden elements, which scripts reveal), read
    attributes, submit-button values, tooltip contents, generated CSS ``content`` (Draftail's
    placeholders), and every string in the JSON data that scripts render from (``<script
    type="application/json">`` and ``data-…-value`` attributes), HTML in it included. Scripts' code is
    skipped.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.found: list[tuple[str, str]] = []

    @classmethod
    def read(cls, html: str) -> list[tuple[str, str]]:
        parser = cls()
        parser.feed(html)
        parser.close()
        return parser.found

    def add(self, where: str, text: str) -> None:
        text = normalise(text)
        if text:
            self.found.append((where, text))

    def add_data(self, value, where: str) -> None:
        """Strings of JSON data, except identifiers (a single lower-case word: names, icons, types)."""
        if isinstance(value, dict):
            for item in value.values():
                self.add_data(item, where)
        elif isinstance(value, list):
            for item in value:
                self.add_data(item, where)
        elif isinstance(value, str):
            stripped = value.strip()
            if stripped.startswith("<"):
                self.found.extend((f"{where}>{w}", t) for w, t in AdminText.read(stripped))
            elif stripped[:1] in ("{", "["):
                try:
                    self.add_data(json.loads(stripped), where)
                except ValueError:
                    self.add(where, value)
            elif not IDENTIFIER.fullmatch(stripped):
                self.add(where, value)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, attributes))
        for name, value in attributes.items():
            if name in READ_ATTRIBUTES:
                self.add(f"@{name}", value)
            elif name == "value" and tag == "input" and attributes.get("type") in ("submit", "button"):
                self.add("@value", value)
            elif name.startswith("data-") and name.endswith("-value"):
                if value.strip()[:1] in ("{", "["):
                    with contextlib.suppress(ValueError):
                        self.add_data(json.loads(value), f"@{name}")
                elif "tooltip-content" in name:
                    self.add(f"@{name}", value)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "style":
            # Draftail writes its placeholders into a stylesheet: ``…--empty::before { content: "…"; }``.
            for text in CSS_CONTENT.findall(data):
                self.add("css content", text)
            return
        if self.stack and self.stack[-1][0] == "script":
            if "json" in self.stack[-1][1].get("type", ""):
                with contextlib.suppress(ValueError):
                    self.add_data(json.loads(data), "json")
            return
        self.add("text", data)


@functools.lru_cache(maxsize=1)
def demo_english_content() -> tuple[str, ...]:
    """What the demo's editors wrote in English — page content in the edit forms, not Wagtail's messages
    (a sentence saying "by" or "for" would otherwise pass for "%(time)s by %(user_display_name)s")."""
    from portal.demo.content import NEWS
    from portal.demo.policies import SPECS

    texts = [text for item in NEWS for text in (item.get("title_en", ""), *item.get("paragraphs_en", ()))]
    texts += [text for spec in SPECS for text in (spec.title_en, spec.summary_en)]
    return tuple(text for text in texts if text)


def english_on_page(html: str) -> list[str]:
    """Wagtail messages shown in English on a rendered page, as readable lines (empty when none)."""
    finder = english_finder()
    problems = []
    for where, text in AdminText.read(html):
        if (where.split(">")[-1], text) in HARD_CODED_IN_WAGTAIL:
            continue
        if any(content in text for content in demo_english_content()):
            continue
        message = finder.find(text)
        if message is not None:
            state = "untranslated" if not message.translated else "translated, but shown in English"
            line = f"{where}: {text!r} — Wagtail msgid {message.msgid!r} ({message.domain}, {state})"
            if line not in problems:
                problems.append(line)
    return problems


def page_html(response) -> str:
    """The HTML of an admin response: the page itself, or the ``html`` of a modal's JSON answer."""
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    if response["Content-Type"].startswith("application/json"):
        return response.json().get("html", "")
    return response.content.decode()
