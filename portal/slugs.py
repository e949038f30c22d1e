"""ASCII slugs from Chinese titles (PITFALLS 10): ``徐州市工作方案`` → ``xu-zhou-shi-gong-zuo-fang-an``."""

import re

from django.utils.text import slugify
from pypinyin import Style, lazy_pinyin

MAX_SLUG_LENGTH = 80
#: A Han character (the CJK unified ideographs and their first extension).
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def pinyin_slug(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """Transliterate Han characters to toneless pinyin and slugify the rest; cut at a word boundary."""
    syllables = lazy_pinyin(text or "", style=Style.NORMAL, errors=lambda chars: [" " + chars + " "])
    slug = slugify(" ".join(syllables), allow_unicode=False)
    slug = re.sub(r"-{2,}", "-", slug).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug
