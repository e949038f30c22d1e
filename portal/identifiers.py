"""Chinese identifiers: validation and normalisation shared by forms, correlation and search.

- 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from
  ``0123456789ABCDEFGHJKLMNPQRTUWXY``; the last is a check character over the first 17 with weights
  1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 (check = 31 − Σ mod 31; 31 → 0).
- Patent application / patent numbers since 2003: ``YYYY T NNNNNNN . C`` — year, type (1 invention,
  2 utility model, 3 design, 8/9 PCT entering China), serial, check digit =
  Σ digit × (2,3,4,5,6,7,8,9,2,3,4,5) mod 11 with 10 written X. Input may carry ``ZL``/``CN``, spaces
  and dots, and may omit the check digit.
- Trademark registration numbers: digits only; Nice classes 1–45.
"""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
PATENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
PATENT_TYPES = {
    "1": _("发明"),
    "2": _("实用新型"),
    "3": _("外观设计"),
    "8": _("PCT 发明"),
    "9": _("PCT 实用新型"),
}

_FULL_WIDTH = {
    ord(c): ord(c) - 0xFEE0
    for c in "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ．"
}


def to_half_width(text: str) -> str:
    return (text or "").translate(_FULL_WIDTH).replace("\u3000", " ")


def credit_code_check_character(first17: str) -> str:
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(value: str) -> str:
    return re.sub(r"[\s-]", "", to_half_width(value)).upper()


def is_valid_credit_code(value: str) -> bool:
    code = normalise_credit_code(value)
    if len(code) != 18 or any(c not in CREDIT_CODE_ALPHABET for c in code):
        return False
    return credit_code_check_character(code[:17]) == code[17]


def validate_credit_code(value: str) -> None:
    """Form and model validator: a clear Chinese message naming what is wrong."""
    code = normalise_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为 18 位，当前为 %(n)d 位。"),
            code="credit_code_length",
            params={"n": len(code)},
        )
    bad = [c for c in code if c not in CREDIT_CODE_ALPHABET]
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符“%(chars)s”（不使用 I、O、Z、S、V）。"),
            code="credit_code_chars",
            params={"chars": "".join(dict.fromkeys(bad))},
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位错误：应为 %(expected)s，请核对。"),
            code="credit_code_check",
            params={"expected": expected},
        )


def patent_check_digit(twelve_digits: str) -> str:
    total = sum(int(d) * w for d, w in zip(twelve_digits, PATENT_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


_PATENT = re.compile(r"^(?:ZL|CN)?(\d{12})\.?([\dX])?$")


def normalise_patent_number(value: str) -> str | None:
    """``ZL 2017 1 0601862.3`` → ``201710601862.3``; ``None`` when it is not a well-formed number.

    A missing check digit is computed; a wrong one makes the number invalid.
    """
    compact = re.sub(r"[\s]", "", to_half_width(value)).upper()
    match = _PATENT.match(compact)
    if not match:
        return None
    digits, check = match.groups()
    if digits[4] not in PATENT_TYPES:
        return None
    expected = patent_check_digit(digits)
    if check is not None and check != expected:
        return None
    return f"{digits}.{expected}"


def validate_patent_number(value: str) -> None:
    if normalise_patent_number(value) is None:
        raise ValidationError(
            _("专利号格式或校验位不正确，应为 12 位数字加校验位，例如 ZL201710601862.3。"),
            code="patent_number",
        )


def normalise_trademark_number(value: str) -> str | None:
    digits = re.sub(r"[\s第号]", "", to_half_width(value))
    return digits if digits.isdigit() and 1 <= len(digits) <= 10 else None


def validate_trademark_number(value: str) -> None:
    if normalise_trademark_number(value) is None:
        raise ValidationError(_("商标注册号应为数字，例如 12345678。"), code="trademark_number")


def validate_nice_class(value: int) -> None:
    if not (isinstance(value, int) and 1 <= value <= 45):
        raise ValidationError(_("尼斯分类应为 1–45 之间的整数。"), code="nice_class")


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{9,11}$")


def normalise_phone(value: str) -> str | None:
    """Digits only, without the +86 country code; ``None`` when it is not a Chinese phone number."""
    digits = re.sub(r"\D", "", to_half_width(value))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if _MOBILE.match(digits) or _LANDLINE.match(digits) or (digits.startswith("400") and len(digits) == 10):
        return digits
    return None


def format_phone(number: str) -> str:
    """A stored (digits-only) phone number as people write it: 139 1234 5678, 0527-84361234, 010-12345678,
    400-123-4567; anything else as it is."""
    if _MOBILE.match(number) and len(number) == 11:
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    if number.startswith("400") and len(number) == 10:
        return f"{number[:3]}-{number[3:6]}-{number[6:]}"
    if _LANDLINE.match(number):
        area = 3 if number[:2] in ("01", "02") else 4  # 010 and 02x are three digits, the rest four
        return f"{number[:area]}-{number[area:]}"
    return number


def validate_phone(value: str) -> None:
    if normalise_phone(value) is None:
        raise ValidationError(_("请输入有效的电话号码，例如 13800000000 或 0516-83738888。"), code="phone")


def is_shop_address(value: str) -> bool:
    """Whether ``value`` reads as the web address of a shop or page (no spaces, a host with a dot) rather
    than a shop's name (淘宝店): only an address links leads in 串并案."""
    text = value.strip()
    return bool(text) and not any(c.isspace() for c in text) and normalise_shop_url(text) is not None


def normalise_shop_url(value: str) -> str | None:
    """A shop address reduced to what identifies the shop: host without ``www.`` plus path, lower case,
    no scheme, query string kept only for its shop/item id parameters."""
    text = to_half_width(value).strip()
    if not text:
        return None
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    if "." not in host:
        return None
    keep = [
        p
        for p in parts.query.split("&")
        if p.split("=", 1)[0].lower() in {"id", "shopid", "shop_id", "itemid", "user_id"}
    ]
    path = parts.path.rstrip("/")
    return host + path + ("?" + "&".join(sorted(keep)) if keep else "")
