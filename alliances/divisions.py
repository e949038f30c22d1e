"""GB/T 2260 administrative division codes: the facts the portal validates agency locations against.

A division code has six digits: two for the province-level division, two for the prefecture, two for
the county. Only the province prefixes are listed here; they let the admin reject a mistyped code and
fill in the province name.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.languages import on_english_pages

PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省",
    "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}  # fmt: skip

#: The provinces' names on English pages: Hanyu Pinyin, with the forms used in official English where
#: they differ (陕西 Shaanxi beside 山西 Shanxi, 内蒙古 Inner Mongolia, 香港 Hong Kong, 澳门 Macao).
PROVINCES_EN = {
    "11": "Beijing", "12": "Tianjin", "13": "Hebei", "14": "Shanxi", "15": "Inner Mongolia",
    "21": "Liaoning", "22": "Jilin", "23": "Heilongjiang",
    "31": "Shanghai", "32": "Jiangsu", "33": "Zhejiang", "34": "Anhui", "35": "Fujian", "36": "Jiangxi",
    "37": "Shandong",
    "41": "Henan", "42": "Hubei", "43": "Hunan", "44": "Guangdong", "45": "Guangxi", "46": "Hainan",
    "50": "Chongqing", "51": "Sichuan", "52": "Guizhou", "53": "Yunnan", "54": "Xizang",
    "61": "Shaanxi", "62": "Gansu", "63": "Qinghai", "64": "Ningxia", "65": "Xinjiang",
    "71": "Taiwan", "81": "Hong Kong", "82": "Macao",
}  # fmt: skip

_PROVINCE_CODES = {name: code for code, name in PROVINCES.items()}

#: What a city's name ends with that its English name leaves out (徐州市 → Xuzhou).
_CITY_SUFFIXES = ("自治州", "地区", "市", "盟")


_CITY_NAME = re.compile(r"([\u4e00-\u9fff]{1,8}?)(自治州|地区|市|盟)")


def is_city_name(text: str) -> bool:
    """Whether ``text`` is the name of one prefecture-level city (洛阳市), not a longer place written
    freely (江苏省徐州市, 徐州市铜山区), which would read as one long pinyin word."""
    found = _CITY_NAME.fullmatch(text.strip())
    return bool(found) and not any(mark in found.group(1) for mark in "省市区县")


def city_in_pinyin(city: str) -> str:
    """A city's name in Hanyu Pinyin as place names are written in English: one word, capitalised, with
    an apostrophe before a syllable that starts with a, o or e (淮安市 → Huai'an). pypinyin reads the
    usual pronunciation; a city whose name is read otherwise (长治 Changzhi) has its English name typed
    in by an editor (``Agency.city_en``)."""
    from pypinyin import lazy_pinyin

    name = city.strip()
    for suffix in _CITY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
            break
    syllables = lazy_pinyin(name, errors="ignore", v_to_u=True)  # 吕梁 Lüliang, not Lvliang
    if not syllables:
        return city
    word = syllables[0] + "".join(("'" if s[:1] in "aoe" else "") + s for s in syllables[1:])
    return word[:1].upper() + word[1:]


def province_label(code: str, province: str) -> str:
    """The province as the page's language names it: 江苏省 on Chinese pages, Jiangsu on English ones."""
    if on_english_pages():
        return PROVINCES_EN.get(code[:2], province)
    return province


def city_in_english(city: str, city_en: str = "") -> str:
    """A city's English name: typed in, else pinyin; a province-level name typed where a city was asked
    (江苏省) is named as the province."""
    if city_en:
        return city_en
    province_code = _PROVINCE_CODES.get(city.strip())
    return PROVINCES_EN[province_code] if province_code else city_in_pinyin(city)


def city_label(city: str, city_en: str = "") -> str:
    """The city as the page's language names it: 徐州市, or its English name on English pages."""
    return city_in_english(city, city_en) if on_english_pages() else city


class PlaceLabels:
    """``city_label`` and ``province_label`` for anything with ``city``, ``city_en``, ``province`` and
    ``division_code`` (an agency, a city of an alliance's page)."""

    @property
    def city_label(self) -> str:
        return city_label(self.city, self.city_en)

    @property
    def city_in_english(self) -> str:
        return city_in_english(self.city, self.city_en)

    @property
    def province_label(self) -> str:
        return province_label(self.division_code, self.province)


def validate_division_code(value: str) -> None:
    """Reject anything that is not a six-digit code with a known province prefix."""
    if not (isinstance(value, str) and len(value) == 6 and value.isdigit()):
        raise ValidationError(
            _("行政区划代码应为 6 位数字（GB/T 2260），例如徐州市为 320300。"), code="division_format"
        )
    if value[:2] not in PROVINCES:
        raise ValidationError(
            _("行政区划代码 %(code)s 的前两位不是有效的省级代码。"),
            code="division_province",
            params={"code": value},
        )


def province_for(code: str) -> str:
    """The province-level name for a valid division code, e.g. ``320300`` → ``江苏省``."""
    return PROVINCES[code[:2]]
