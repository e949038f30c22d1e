"""Working-day deadlines with the national holiday calendar and an alliance's own exceptions."""

from datetime import date

import pytest

from cases_exchange.models import CalendarDay
from cases_exchange.workdays import add_working_days, deadlines_for, working_days_between

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 11, 20), 1, date(2026, 11, 23)),  # Friday → Monday
        (date(2026, 11, 16), 5, date(2026, 11, 23)),  # a full week
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # 国庆 1–7 October off
        (date(2026, 10, 9), 1, date(2026, 10, 10)),  # Saturday 10 October is a working day
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # Saturday 14 February is a working day
        (date(2026, 2, 14), 1, date(2026, 2, 24)),  # then 春节 15–23 February
    ],
)
def test_add_working_days_follows_the_2026_calendar(start, days, expected):
    assert add_working_days(start, days) == expected


def test_alliance_exception_applies_only_to_that_alliance(demo):
    CalendarDay.objects.create(
        date=date(2026, 11, 23), kind="holiday", name="地方假日", alliance=demo.huaihai
    )
    assert add_working_days(date(2026, 11, 20), 1, alliance_id=demo.huaihai.pk) == date(2026, 11, 24)
    assert add_working_days(date(2026, 11, 20), 1, alliance_id=demo.chengyu.pk) == date(2026, 11, 23)


def test_working_days_between_counts_only_working_days():
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 27)) == 5
    assert working_days_between(date(2026, 11, 27), date(2026, 11, 20)) == 0


def test_feedback_in_working_days_when_the_alliance_says_so(demo):
    demo.huaihai.feedback_days_are_working_days = True
    demo.huaihai.feedback_days = 10
    accept_due, feedback_due = deadlines_for(
        alliance=demo.huaihai, start=date(2026, 11, 2), key_protection=False
    )
    assert accept_due == date(2026, 11, 9)
    assert feedback_due == date(2026, 11, 16)


def test_secretariat_maintains_the_calendar_in_the_admin(client, world):
    client.force_login(world.users["A_secretariat"])
    listing = client.get("/admin/snippets/cases_exchange/calendarday/")
    assert listing.status_code == 200
    assert "国庆节" in listing.content.decode()
    response = client.post(
        "/admin/snippets/cases_exchange/calendarday/add/",
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦", "alliance": ""},
    )
    assert response.status_code == 302
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    client.force_login(world.users["A_officer"])
    assert client.get("/admin/snippets/cases_exchange/calendarday/").status_code in (302, 403)
