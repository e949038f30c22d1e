"""The full-text structure beside ``IndexEntry``: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

The FTS5 table stores the pre-analysed terms (search/analysis.py) separated by spaces; terms are letters
and digits only, so the ``unicode61`` tokenizer splits them exactly there and keeps each CJK word whole.
"""

from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "title, body, extra, ident, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')"
)
POSTGRES_CREATE = (
    "ALTER TABLE search_indexentry ADD COLUMN IF NOT EXISTS vector tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX IF NOT EXISTS search_indexentry_vector ON search_indexentry USING gin (vector)",
)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        for statement in POSTGRES_CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_indexentry_vector")
        schema_editor.execute("ALTER TABLE search_indexentry DROP COLUMN IF EXISTS vector")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index")]

    operations = [migrations.RunPython(forwards, backwards)]
