"""Writes of alliance data: reference-data import, agencies, memberships and API tokens."""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.slugs import pinyin_slug

from .models import (
    TOKEN_DEFAULT_DAYS,
    TOKEN_MAX_DAYS,
    Agency,
    AgencyAPIToken,
    AgencyKind,
    Alliance,
    AllianceMechanism,
    Membership,
    MembershipRole,
)

TOKEN_PREFIX = "ipp_"  # noqa: S105 — a public marker that makes leaked tokens easy to scan for

#: Member agencies created for each city when loading reference data: name pattern and kind.
DEFAULT_CITY_AGENCIES = [
    ("{city}市场监督管理局", AgencyKind.MARKET_REGULATION),
    ("{city}公安局", AgencyKind.PUBLIC_SECURITY),
    ("{city}中级人民法院", AgencyKind.COURT),
]

#: Codes used in lead reference numbers for the two founding alliances; others get one from pinyin.
KNOWN_ALLIANCE_CODES = {"淮海经济区知识产权保护联盟": "HH", "成渝地区双城经济圈知识产权保护合作": "CY"}
KNOWN_ALLIANCE_SLUGS = {
    "淮海经济区知识产权保护联盟": "huaihai",
    "成渝地区双城经济圈知识产权保护合作": "chengyu",
}
KNOWN_SHORT_NAMES = {
    "淮海经济区知识产权保护联盟": "淮海联盟",
    "成渝地区双城经济圈知识产权保护合作": "成渝合作",
}


@dataclass
class ReferenceImportReport:
    alliances_created: int = 0
    agencies_created: int = 0
    memberships_created: int = 0
    messages: list[str] = field(default_factory=list)


def _city_agency_name(pattern: str, city: str) -> str:
    # 重庆市 is a municipality: its agencies are 重庆市市场监督管理局 etc., same pattern as prefecture cities.
    return pattern.format(city=city)


@transaction.atomic
def alliances_load_reference(*, data: dict, agency_patterns=DEFAULT_CITY_AGENCIES, since: date | None = None):
    """Create or update alliances, mechanisms, city agencies and memberships from reference data.

    ``data`` has the shape of ``alliances/data/alliances.json``. Idempotent: running it twice changes
    nothing; existing records keep edits made in the admin except for the fields the data defines.
    The agency of the first pattern in the secretariat city becomes the secretariat.
    """
    report = ReferenceImportReport()
    since = since or timezone.localdate()
    for entry in data["alliances"]:
        name = entry["name"]
        alliance, created = Alliance.objects.get_or_create(
            name=name,
            defaults={
                "name_en": entry.get("name_en", ""),
                "short_name": KNOWN_SHORT_NAMES.get(name, ""),
                "code": KNOWN_ALLIANCE_CODES.get(name) or _derive_code(name),
                "slug": KNOWN_ALLIANCE_SLUGS.get(name) or pinyin_slug(name)[:60],
            },
        )
        report.alliances_created += created
        for order, mechanism in enumerate(entry.get("mechanisms", [])):
            AllianceMechanism.objects.update_or_create(
                alliance=alliance, name=mechanism, defaults={"sort_order": order}
            )
        for city in entry["cities"]:
            for index, (pattern, kind) in enumerate(agency_patterns):
                agency, agency_created = Agency.objects.get_or_create(
                    name=_city_agency_name(pattern, city["name"]),
                    defaults={
                        "kind": kind,
                        "city": city["name"],
                        "province": city["province"],
                        "division_code": city["code"],
                    },
                )
                report.agencies_created += agency_created
                role = (
                    MembershipRole.SECRETARIAT
                    if index == 0 and city["name"] == entry.get("secretariat_city")
                    else MembershipRole.MEMBER
                )
                _membership, membership_created = Membership.objects.get_or_create(
                    alliance=alliance, agency=agency, defaults={"role": role, "since": since}
                )
                report.memberships_created += membership_created
    return report


def _derive_code(name: str) -> str:
    initials = "".join(word[0] for word in pinyin_slug(name).split("-") if word)[:4].upper()
    code, n = initials or "AL", 1
    while Alliance.objects.filter(code=code).exists():
        n += 1
        code = f"{initials[:5]}{n}"
    return code


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def agency_token_issue(
    *, agency: Agency, name: str, created_by=None, expires_at=None
) -> tuple[AgencyAPIToken, str]:
    """Issue an API token for ``agency``; returns the record and the token, which is never stored.

    Every token expires: by default after :data:`TOKEN_DEFAULT_DAYS`, at the latest after
    :data:`TOKEN_MAX_DAYS` — a token copied into a member system's configuration must not outlive it."""
    now = timezone.now()
    if expires_at is None:
        expires_at = now + timedelta(days=TOKEN_DEFAULT_DAYS)
    if expires_at > now + timedelta(days=TOKEN_MAX_DAYS):
        raise ValidationError(
            {"expires_at": _("接口令牌的有效期不能超过 %(days)s 天。") % {"days": TOKEN_MAX_DAYS}},
            code="token_lifetime",
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AgencyAPIToken.objects.create(
        agency=agency,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        digest=_digest(raw),
        created_by=created_by,
        expires_at=expires_at,
    )
    return token, raw


def agency_token_revoke(*, token: AgencyAPIToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def agency_token_authenticate(*, raw: str) -> AgencyAPIToken | None:
    """The usable token matching ``raw`` (its agency active), or ``None``. Records when it was last used,
    at most once a minute so that a busy client does not write on every request."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        AgencyAPIToken.objects.select_related("agency")
        .filter(digest=_digest(raw), revoked_at__isnull=True, agency__is_active=True)
        .first()
    )
    if token is None or not token.is_usable:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        AgencyAPIToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
