"""GB/T 2260 administrative division codes: the facts the portal validates agency locations against.

A division code has six digits: two for the province-level division, two for the prefecture, two for
the county. Only the province prefixes are listed here; they let the admin reject a mistyped code and
fill in the province name.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
