"""A secretariat edits, in the Wagtail admin, its own alliance and the agencies no other alliance shares —
never another alliance (joining it would give its officers that alliance's leads) or a shared agency."""

import pytest

from alliances.models import Membership
from portal.services import role_groups_ensure
from tests.cases_exchange.conftest import world  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db


def edit_url(model: str, pk: int) -> str:
    return f"/admin/snippets/alliances/{model}/edit/{pk}/"


def test_a_secretariat_edits_its_own_alliance_only(client, world):  # noqa: F811
    client.force_login(world.users["A_secretariat"])  # 徐州, the secretariat of 淮海
    assert client.get(edit_url("alliance", world.huaihai.pk)).status_code == 200
    foreign = edit_url("alliance", world.chengyu.pk)
    assert client.get(foreign).status_code != 200
    response = client.post(
        foreign,
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-agency": str(world.agencies["A"].pk),
            "memberships-0-role": "secretariat",
            "memberships-0-since": "2024-01-01",
            "memberships-0-is_active": "on",
        },
    )
    assert response.status_code != 200
    assert not Membership.objects.filter(alliance=world.chengyu, agency=world.agencies["A"]).exists()
    # Listing and viewing stay open: what an alliance is and who belongs to it is public anyway.
    assert client.get("/admin/snippets/alliances/alliance/").status_code == 200


def test_a_secretariat_edits_no_agency_another_alliance_shares(client, world):  # noqa: F811
    client.force_login(world.users["A_secretariat"])
    assert client.get(edit_url("agency", world.agencies["B"].pk)).status_code == 200  # 宿迁, 淮海 only
    assert client.get(edit_url("agency", world.agencies["D"].pk)).status_code != 200  # 成都, 成渝
    response = client.post(edit_url("agency", world.agencies["D"].pk), {"name": "成都", "is_active": ""})
    assert response.status_code != 200
    world.agencies["D"].refresh_from_db()
    assert world.agencies["D"].is_active


def test_founding_an_alliance_is_left_to_administrators(db):
    groups = role_groups_ensure()
    codenames = set(groups["联盟秘书处"].permissions.values_list("codename", flat=True))
    assert "add_alliance" not in codenames
    assert {"change_alliance", "change_agency"} <= codenames
