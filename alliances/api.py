"""Public read endpoints for alliances and agencies, and ``/me`` for token holders."""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from portal.api import AgencyTokenAuth, ErrorOut

from .models import AgencyKind, Alliance
from .selectors import agency_list, alliance_list, alliance_profile

router = Router(tags=["alliances"])

MAX_PAGE_SIZE = 100


class MechanismOut(Schema):
    name: str
    description: str


class AllianceOut(Schema):
    slug: str
    code: str
    name: str
    name_en: str
    short_name: str
    description: str
    founded_on: date | None
    agency_count: int


class AgencyRef(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    province: str
    city: str
    city_en: str = Field(description="城市英文名：编辑填写的，否则为汉语拼音")
    division_code: str

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_city_en(obj):
        return obj.city_in_english


class CityOut(Schema):
    province: str
    city: str
    city_en: str = Field(description="城市英文名：编辑填写的，否则为汉语拼音")
    division_code: str
    agencies: list[AgencyRef]

    @staticmethod
    def resolve_city_en(obj):
        return obj.city_in_english


class AllianceDetailOut(AllianceOut):
    mechanisms: list[MechanismOut]
    cities: list[CityOut]
    secretariat: list[AgencyRef]
    contact_phone: str
    contact_email: str
    contact_address: str


class MembershipRef(Schema):
    alliance: str
    role: str


class AgencyOut(AgencyRef):
    phone: str
    email: str
    address: str
    alliances: list[MembershipRef]

    @staticmethod
    def resolve_alliances(obj):
        return [{"alliance": m.alliance.slug, "role": m.role} for m in getattr(obj, "active_memberships", [])]


class AgencyPage(Schema):
    count: int
    offset: int
    limit: int
    results: list[AgencyOut]


class AgencyFilters(Schema):
    alliance: str | None = None
    city: str | None = None
    kind: AgencyKind | None = None
    offset: int = 0
    limit: int = 50


class MeOut(Schema):
    agency: AgencyRef
    token_name: str
    token_prefix: str


@router.get("/alliances", response=list[AllianceOut], summary="联盟列表")
def alliances(request):
    return list(alliance_list())


@router.get("/alliances/{slug}", response={200: AllianceDetailOut, 404: ErrorOut}, summary="联盟详情")
def alliance_detail(request, slug: str):
    alliance = get_object_or_404(alliance_list(), slug=slug)
    profile = alliance_profile(alliance=alliance)
    return {
        **{f: getattr(alliance, f) for f in AllianceOut.model_fields},
        "mechanisms": profile.mechanisms,
        "cities": profile.cities,
        "secretariat": profile.secretariat,
        "contact_phone": alliance.contact_phone,
        "contact_email": alliance.contact_email,
        "contact_address": alliance.contact_address,
    }


@router.get("/agencies", response={200: AgencyPage, 404: ErrorOut, 422: ErrorOut}, summary="成员单位列表")
def agencies(request, filters: Query[AgencyFilters]):
    alliance = None
    if filters.alliance:
        alliance = get_object_or_404(Alliance, slug=filters.alliance, is_active=True)
    limit = max(1, min(filters.limit, MAX_PAGE_SIZE))
    offset = max(0, filters.offset)
    qs = agency_list(alliance=alliance, city=filters.city or "", kind=filters.kind or "")
    return {
        "count": qs.count(),
        "offset": offset,
        "limit": limit,
        "results": list(qs[offset : offset + limit]),
    }


@router.get("/agencies/{agency_id}", response={200: AgencyOut, 404: ErrorOut}, summary="成员单位详情")
def agency_detail(request, agency_id: int):
    return get_object_or_404(agency_list(), pk=agency_id)


@router.get("/me", auth=AgencyTokenAuth(), response={200: MeOut, 401: ErrorOut}, summary="当前令牌所属单位")
def me(request):
    principal = request.auth
    return {
        "agency": principal.agency,
        "token_name": principal.token.name,
        "token_prefix": principal.token.prefix,
    }
