"""Phone numbers are stored as digits (so that leads sharing one are linked) and shown as people write
them."""

import pytest

from portal.identifiers import format_phone, normalise_phone
from tests.cases_exchange.conftest import world  # noqa: F401  (the fixture, reused)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("+86 139 1234 5678", "139 1234 5678"),
        ("0527-84361234", "0527-84361234"),
        ("(010) 1234 5678", "010-12345678"),
        ("020-87654321", "020-87654321"),
        ("400 123 4567", "400-123-4567"),
    ],
)
def test_a_stored_number_reads_as_it_is_written(typed, shown):
    stored = normalise_phone(typed)
    assert stored.isdigit()
    assert format_phone(stored) == shown


def test_something_else_is_shown_as_it_is():
    assert format_phone("12345") == "12345"
    assert format_phone("") == ""


def test_the_lead_page_shows_the_suspect_phone_written_out(client, world):  # noqa: F811
    from cases_exchange.factories import LeadFactory

    lead = LeadFactory(
        author=world.users["A_officer"],
        suspect_phone="0527-84361234",
        distribution="named",
        agency_ids=[world.agencies["B"].pk],
    )
    assert lead.suspect_phone == "052784361234"
    client.force_login(world.users["A_officer"])
    assert "<dd>0527-84361234</dd>" in client.get(f"/leads/{lead.pk}/").content.decode()
