"""Tokens issued without an expiry (``agency_token --days 0``) expire 730 days after they were issued,
the longest any token may now live (alliances.models.TOKEN_MAX_DAYS, fixed here at that value)."""

from datetime import timedelta

from django.db import migrations

MAX_DAYS = 730


def give_every_token_an_expiry(apps, schema_editor):
    AgencyAPIToken = apps.get_model("alliances", "AgencyAPIToken")
    for token in AgencyAPIToken.objects.filter(expires_at__isnull=True):
        token.expires_at = token.created_at + timedelta(days=MAX_DAYS)
        token.save(update_fields=["expires_at"])


class Migration(migrations.Migration):
    dependencies = [("alliances", "0003_alliance_accept_working_days_and_more")]

    operations = [migrations.RunPython(give_every_token_an_expiry, migrations.RunPython.noop)]
