"""Choice labels read from a per-language table (portal.choices) say what Django's own would say."""

import pytest
from django.utils import translation

from cases_exchange.models import LeadRecipient, RecipientStatus


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_labels_match_djangos_own_in_each_language(language):
    row = LeadRecipient(status=RecipientStatus.ACCEPTED)
    field = LeadRecipient._meta.get_field("status")
    with translation.override(language):
        expected = str(dict(field.flatchoices)[RecipientStatus.ACCEPTED])
        assert row.get_status_display() == expected
    assert expected == ("已受理" if language == "zh-hans" else "Accepted")


def test_language_switch_is_not_stuck_on_the_first_table():
    row = LeadRecipient(status=RecipientStatus.DECLINED)
    with translation.override("zh-hans"):
        chinese = row.get_status_display()
    with translation.override("en"):
        english = row.get_status_display()
    assert chinese != english


def test_unknown_value_is_shown_as_is():
    assert LeadRecipient(status="no-such-status").get_status_display() == "no-such-status"
