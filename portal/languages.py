"""The language of the page being built, for texts given in both Chinese and English — an editor's
English fields, place names, dates."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, override, pgettext


def on_english_pages() -> bool:
    """Whether the page is in English (under ``/en/``); Chinese — the site's language — otherwise, and
    when no language is active."""
    return not (get_language() or "zh-hans").startswith("zh")


def address_in_language(url: str) -> str:
    """A site address in the active language: the search index and stored links keep the site's
    (Chinese) addresses, and an English results page or API answer should lead to English pages
    (/en/news/…). An address on another site (``https://…``, ``//…``) is left as it is."""
    language = get_language()
    if not url or not language or language == settings.LANGUAGE_CODE:
        return url
    if not url.startswith("/") or url.startswith("//"):
        return url
    path, hash_mark, fragment = url.partition("#")
    with override(settings.LANGUAGE_CODE):  # the stored address is read as the site's language's
        return translate_url(path, language) + hash_mark + fragment


def in_interface_language(chinese, english):
    """``english`` on English pages when an editor wrote it, else ``chinese``."""
    return english if english and on_english_pages() else chinese


def name_list(names) -> str:
    """Names joined as a sentence lists them: 徐州市…、宿迁市… in Chinese, commas in English."""
    return pgettext("separator between names in a list", "、").join(str(name) for name in names)
