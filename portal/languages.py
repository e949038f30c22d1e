"""The language of the page being built, for texts given in both Chinese and English — an editor's
English fields, place names, dates."""

from django.utils.translation import get_language, pgettext


def on_english_pages() -> bool:
    """Whether the page is in English (under ``/en/``); Chinese — the site's language — otherwise, and
    when no language is active."""
    return not (get_language() or "zh-hans").startswith("zh")


def in_interface_language(chinese, english):
    """``english`` on English pages when an editor wrote it, else ``chinese``."""
    return english if english and on_english_pages() else chinese


def name_list(names) -> str:
    """Names joined as a sentence lists them: 徐州市…、宿迁市… in Chinese, commas in English."""
    return pgettext("separator between names in a list", "、").join(str(name) for name in names)
