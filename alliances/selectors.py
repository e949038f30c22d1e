"""Reads of alliance data for pages and the API (HackSoftware style: selectors read, services write)."""

from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from .divisions import PlaceLabels
from .models import Agency, Alliance, Membership, MembershipRole


@dataclass
class CityMembers(PlaceLabels):
    province: str
    city: str
    division_code: str
    city_en: str = ""
    agencies: list = field(default_factory=list)


@dataclass
class AllianceProfile:
    """Everything an alliance page shows, derived from data: mechanisms, cities, members, secretariat."""

    alliance: Alliance
    mechanisms: list
    cities: list  # of CityMembers, ordered by division code
    secretariat: list  # of Agency
    member_count: int

    @property
    def provinces(self) -> list[str]:
        """The provinces of the alliance's cities, in the page's language."""
        return list(OrderedDict.fromkeys(c.province_label for c in self.cities))


def alliance_list(*, active_only: bool = True):
    qs = Alliance.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.annotate(
        agency_count=Count(
            "memberships", filter=Q(memberships__is_active=True, memberships__agency__is_active=True)
        )
    ).order_by("name")


def alliance_profile(*, alliance: Alliance) -> AllianceProfile:
    """Build the public profile of ``alliance`` in three queries (alliance already loaded)."""
    memberships = list(
        Membership.objects.active()
        .filter(alliance=alliance)
        .select_related("agency")
        .order_by("agency__division_code", "agency__kind", "agency__name")
    )
    cities: OrderedDict[str, CityMembers] = OrderedDict()
    secretariat = []
    for membership in memberships:
        agency = membership.agency
        entry = cities.setdefault(
            agency.division_code,
            CityMembers(agency.province, agency.city, agency.division_code, city_en=agency.city_en),
        )
        entry.agencies.append(agency)
        entry.city_en = entry.city_en or agency.city_en  # typed on any of the city's agencies
        if membership.role == MembershipRole.SECRETARIAT:
            secretariat.append(agency)
    return AllianceProfile(
        alliance=alliance,
        mechanisms=list(alliance.mechanisms.all()),
        cities=list(cities.values()),
        secretariat=secretariat,
        member_count=len(memberships),
    )


def alliance_member_counts(*, alliance_ids) -> dict:
    """``{alliance_id: {"agencies": n, "cities": m}}`` for listing pages, in one query."""
    rows = (
        Membership.objects.active()
        .filter(alliance_id__in=list(alliance_ids))
        .values("alliance_id")
        .annotate(
            agencies=Count("agency", distinct=True), cities=Count("agency__division_code", distinct=True)
        )
    )
    return {row["alliance_id"]: {"agencies": row["agencies"], "cities": row["cities"]} for row in rows}


def agency_list(
    *, alliance: Alliance | None = None, city: str = "", kind: str = "", active_only: bool = True
):
    qs = Agency.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    if alliance is not None:
        qs = qs.members_of(alliance)
    if city:
        qs = qs.filter(city=city)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.active().select_related("alliance").order_by("alliance__name"),
            to_attr="active_memberships",
        )
    ).order_by("division_code", "kind", "name")


def agency_alliances(*, agency: Agency):
    """The alliances ``agency`` is an active member of."""
    return Alliance.objects.filter(
        is_active=True, memberships__agency=agency, memberships__is_active=True
    ).distinct()


def city_english_names(cities=None) -> dict[str, str]:
    """The English name an editor typed for each member city (blank where pinyin serves), by its Chinese
    name; only ``cities`` when given. One query."""
    agencies = Agency.objects.all() if cities is None else Agency.objects.filter(city__in=cities)
    # A typed name is ordered after a blank one, so that it is the one kept for the city.
    return dict(agencies.order_by("city_en").values_list("city", "city_en"))
