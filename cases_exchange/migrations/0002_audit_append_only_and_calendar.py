"""Append-only audit table at the database level, and the 2026 national holiday calendar.

PostgreSQL refuses UPDATE and DELETE on audit records with a trigger. SQLite refuses UPDATE; a DELETE
trigger would also stop Django's test-database flush (which empties tables with DELETE), so deletions
there are caught by the hash chain instead (``manage.py audit_verify``).
"""

import json
from pathlib import Path

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION cases_exchange_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_exchange_audit_append_only
    BEFORE UPDATE OR DELETE ON cases_exchange_auditevent
    FOR EACH ROW EXECUTE FUNCTION cases_exchange_audit_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS cases_exchange_audit_append_only ON cases_exchange_auditevent;
DROP FUNCTION IF EXISTS cases_exchange_audit_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER cases_exchange_audit_no_update BEFORE UPDATE ON cases_exchange_auditevent
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS cases_exchange_audit_no_update;"


def triggers_up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def triggers_down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


def load_calendar(apps, schema_editor):
    CalendarDay = apps.get_model("cases_exchange", "CalendarDay")
    data = json.loads((Path(__file__).resolve().parents[1] / "data" / "calendar-2026.json").read_text("utf-8"))
    rows = []
    for kind, groups in (("holiday", data["holidays"]), ("workday", data["workdays"])):
        for name, days in groups.items():
            rows.extend(CalendarDay(date=day, kind=kind, name=name) for day in days)
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)


def unload_calendar(apps, schema_editor):
    apps.get_model("cases_exchange", "CalendarDay").objects.filter(
        alliance__isnull=True, date__year=2026
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases_exchange", "0001_initial")]

    operations = [
        migrations.RunPython(triggers_up, triggers_down),
        migrations.RunPython(load_calendar, unload_calendar),
    ]
