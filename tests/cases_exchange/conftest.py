"""A small world of agencies and users on top of the demo data, for lead tests.

- ``A`` 徐州市市场监督管理局 — originates leads (淮海)
- ``B`` 宿迁市市场监督管理局 — named recipient (淮海)
- ``C`` 临沂市市场监督管理局 — another 淮海 member, never named
- ``D`` 成都市市场监督管理局 — 成渝 only
Each agency has an officer, a liaison and a credit officer; 徐州 also has the secretariat user.
"""

from types import SimpleNamespace

import pytest

from alliances.models import Agency, Alliance
from cases_exchange.permissions import actor_for_user
from portal.factories import UserFactory

AGENCIES = {
    "A": "徐州市市场监督管理局",
    "B": "宿迁市市场监督管理局",
    "C": "临沂市市场监督管理局",
    "D": "成都市市场监督管理局",
}
ROLES = ("officer", "liaison", "credit_officer")


@pytest.fixture
def world(db, demo):
    agencies = {key: Agency.objects.get(name=name) for key, name in AGENCIES.items()}
    users = {}
    for key, agency in agencies.items():
        for role in ROLES:
            users[f"{key}_{role}"] = UserFactory(username=f"w_{key}_{role}", role=role, agency=agency)
    users["A_secretariat"] = UserFactory(username="w_A_secretariat", role="secretariat", agency=agencies["A"])
    users["editor"] = UserFactory(username="w_editor", role="editor", agency=None)
    users["superuser"] = UserFactory(
        username="w_super", role="", agency=None, is_superuser=True, is_staff=True
    )
    return SimpleNamespace(
        agencies=agencies,
        users=users,
        actors={name: actor_for_user(user) for name, user in users.items()},
        huaihai=Alliance.objects.get(code="HH"),
        chengyu=Alliance.objects.get(code="CY"),
    )


def fresh_actor(user):
    """An actor computed anew (``actor_for_user`` memoises on the user object)."""
    user.__dict__.pop("_lead_actor", None)
    return actor_for_user(user)
