"""SQLite: a second full-text index of the title, pinyin and identifier terms only, for the title tier of
broad queries (search/backends/database.py, ``TITLE_WINDOW``).

Contentless (``content=''``): the terms are already kept by ``search_fts``, from which this migration fills
it and from which the backend reads what to remove. At a million documents filling it takes about 40 s,
with the database's writes waiting. PostgreSQL needs nothing: its title terms are weighted A in the one
``tsvector``.
"""

from django.db import migrations

CREATE = (
    "CREATE VIRTUAL TABLE search_fts_titles USING fts5("
    "title, extra, ident, content = '', tokenize = 'unicode61 remove_diacritics 0')"
)
FILL = (
    "INSERT INTO search_fts_titles (rowid, title, extra, ident) "
    "SELECT rowid, title, extra, ident FROM search_fts"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)
        schema_editor.execute(FILL)
        schema_editor.execute("INSERT INTO search_fts_titles (search_fts_titles) VALUES ('optimize')")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts_titles")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [migrations.RunPython(forwards, backwards)]
