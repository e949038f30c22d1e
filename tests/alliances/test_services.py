"""Alliance reference data, agencies and their groups, API tokens."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alliances.models import Agency, Alliance, Membership
from alliances.services import (
    agency_token_authenticate,
    agency_token_issue,
    agency_token_revoke,
    alliances_load_reference,
)

pytestmark = pytest.mark.django_db

REFERENCE = json.loads(
    (Path(__file__).resolve().parents[2] / "alliances/data/alliances.json").read_text("utf-8")
)


def test_reference_data_gives_both_alliances_with_their_cities(demo):
    huaihai = Alliance.objects.get(code="HH")
    cities = set(Agency.objects.members_of(huaihai).values_list("city", flat=True))
    assert cities == {c["name"] for c in REFERENCE["alliances"][0]["cities"]}
    assert Agency.objects.get(name="重庆市市场监督管理局").division_code == "500000"
    secretariat = Membership.objects.get(alliance=huaihai, role="secretariat")
    assert secretariat.agency.name == "徐州市市场监督管理局"


def test_loading_reference_data_twice_changes_nothing(demo):
    before = (Alliance.objects.count(), Agency.objects.count(), Membership.objects.count())
    report = alliances_load_reference(data=REFERENCE)
    assert (report.alliances_created, report.agencies_created, report.memberships_created) == (0, 0, 0)
    assert (Alliance.objects.count(), Agency.objects.count(), Membership.objects.count()) == before


def test_a_third_alliance_is_only_data(demo):
    data = {
        "alliances": [
            {
                "name": "长三角知识产权保护协作",
                "secretariat_city": "上海市",
                "mechanisms": ["线索通报"],
                "cities": [{"name": "上海市", "province": "上海市", "code": "310000"}],
            }
        ]
    }
    alliances_load_reference(data=data)
    alliance = Alliance.objects.get(name="长三角知识产权保护协作")
    assert alliance.code.isalpha()
    assert alliance.code.isupper()
    assert alliance.slug.isascii()
    assert Agency.objects.members_of(alliance).count() == 3


def test_every_agency_gets_its_own_group(demo):
    agency = Agency.objects.create(
        name="徐州市人民检察院", kind="procuratorate", city="徐州市", division_code="320300"
    )
    assert agency.group.name == "成员单位：徐州市人民检察院"
    assert agency.province == "江苏省"
    agency.name = "徐州市检察院"
    agency.save()
    agency.group.refresh_from_db()
    assert agency.group.name == "成员单位：徐州市检察院"


@pytest.mark.parametrize(
    ("code", "message"), [("32030", "6 位数字"), ("990100", "省级代码"), ("32030A", "6 位数字")]
)
def test_invalid_division_code_is_rejected_in_chinese(code, message):
    agency = Agency(name="测试单位", kind="other", city="测试市", division_code=code)
    with pytest.raises(ValidationError) as error:
        agency.full_clean(exclude=["group"])
    assert message in str(error.value)


def test_province_must_match_division_code():
    agency = Agency(name="测试单位", kind="other", city="徐州市", province="山东省", division_code="320300")
    with pytest.raises(ValidationError) as error:
        agency.full_clean(exclude=["group"])
    assert "江苏省" in str(error.value)


def test_token_is_stored_only_as_digest_and_authenticates_its_agency(demo):
    token, raw = agency_token_issue(agency=demo.xuzhou_msa, name="办案系统")
    assert raw.startswith("ipp_")
    assert len(raw) > 40
    assert raw not in token.digest
    assert token.prefix == raw[:10]
    found = agency_token_authenticate(raw=raw)
    assert found == token
    assert found.agency == demo.xuzhou_msa
    assert found.last_used_at is not None


def test_revoked_expired_and_wrong_tokens_are_refused(demo):
    token, raw = agency_token_issue(agency=demo.xuzhou_msa, name="a")
    _expired, expired_raw = agency_token_issue(
        agency=demo.xuzhou_msa, name="b", expires_at=timezone.now() - timedelta(minutes=1)
    )
    agency_token_revoke(token=token)
    assert agency_token_authenticate(raw=raw) is None
    assert agency_token_authenticate(raw=expired_raw) is None
    assert agency_token_authenticate(raw="ipp_" + "x" * 43) is None
    assert agency_token_authenticate(raw="") is None


def test_token_of_inactive_agency_is_refused(demo):
    _token, raw = agency_token_issue(agency=demo.chengdu_msa, name="a")
    demo.chengdu_msa.is_active = False
    demo.chengdu_msa.save()
    assert agency_token_authenticate(raw=raw) is None


def test_agency_token_command_prints_a_working_token(demo):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("agency_token", agency="徐州市市场监督管理局", name="办案系统", days=30, stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    assert agency_token_authenticate(raw=raw).agency == demo.xuzhou_msa


def test_agency_token_command_rejects_unknown_agency(demo):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="找不到"):
        call_command("agency_token", agency="不存在的单位", name="x")


def test_admin_cannot_add_tokens_through_a_form_but_can_list_them(client, demo):
    from portal.models import User

    agency_token_issue(agency=demo.xuzhou_msa, name="列表中的令牌")
    client.force_login(User.objects.get(username="admin"))
    listing = client.get("/admin/snippets/alliances/agencyapitoken/")
    assert listing.status_code == 200
    assert "列表中的令牌" in listing.content.decode()
    assert client.get("/admin/snippets/alliances/agencyapitoken/add/").status_code in (302, 403)


def test_key_protection_deadlines_are_never_longer_than_the_ordinary_ones(demo):
    alliance = Alliance.objects.get(code="HH")
    alliance.key_accept_working_days = alliance.accept_working_days + 1
    alliance.key_feedback_days = alliance.feedback_days + 1
    with pytest.raises(ValidationError) as refused:
        alliance.full_clean()
    assert set(refused.value.message_dict) == {"key_accept_working_days", "key_feedback_days"}
    assert "不能长于一般线索" in refused.value.message_dict["key_feedback_days"][0]
    alliance.key_accept_working_days = alliance.accept_working_days  # equal is allowed
    alliance.key_feedback_days = alliance.feedback_days
    alliance.full_clean()


def test_every_api_token_expires_within_two_years(demo):
    from io import StringIO

    from django.core.management import CommandError, call_command

    token, _raw = agency_token_issue(agency=demo.xuzhou_msa, name="默认")
    assert timedelta(days=364) < token.expires_at - timezone.now() <= timedelta(days=365)
    with pytest.raises(ValidationError, match="不能超过 730 天"):
        agency_token_issue(
            agency=demo.xuzhou_msa, name="太久", expires_at=timezone.now() + timedelta(days=731)
        )
    for days in (0, 731):  # 0 used to mean "never expires"
        with pytest.raises(CommandError, match="1 到 730"):
            call_command(
                "agency_token", agency="徐州市市场监督管理局", name="x", days=days, stdout=StringIO()
            )
    token.expires_at = None  # an administrator clearing it in the admin form
    with pytest.raises(ValidationError, match="请填写到期时间"):
        token.full_clean()
