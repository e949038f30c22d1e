# ruff: noqa: S608 — statements assembled from "%s" placeholders only; every value is a parameter.
"""Access terms in the full-text index (SQLite; see ``search.backends.database.ACCESS_MARK``).

Every entry the public may not see gets ``\\ue000restricted`` and one ``\\ue000<key>`` term per access key
in the identifier column of ``search_fts`` and ``search_fts_titles``, written from its access rows. The
searches of this release leave out what carries them, so an entry without them would be counted for the
public: this migration must run before the new code serves searches (stop the server processes while
``migrate`` runs). Idempotent; reversible; ends by merging both indexes. Nothing to do on PostgreSQL.
"""

from django.db import migrations

MARK = "\ue000"
BATCH = 500


def _access_terms(keys: list[str]) -> list[str]:
    if "public" in keys:
        return []
    return [MARK + "restricted", *(MARK + "".join(ch for ch in key if ch.isalnum()) for key in keys)]


def _rewrite(schema_editor, *, with_terms: bool) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.id FROM search_indexentry e WHERE NOT EXISTS (SELECT 1 FROM search_indexaccess a "
            "WHERE a.entry_id = e.id AND a.key = 'public') ORDER BY e.id"
        )
        ids = [row[0] for row in cursor.fetchall()]
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT entry_id, key FROM search_indexaccess WHERE entry_id IN ({marks}) ORDER BY key",
                chunk,
            )
            keys: dict[int, list[str]] = {}
            for entry_id, key in cursor.fetchall():
                keys.setdefault(entry_id, []).append(key)
            cursor.execute(
                f"SELECT rowid, title, extra, ident FROM search_fts WHERE rowid IN ({marks})", chunk
            )
            rows = cursor.fetchall()
            changed = []
            for rowid, title, extra, ident in rows:
                kept = [term for term in (ident or "").split() if MARK not in term]
                added = _access_terms(keys.get(rowid, [])) if with_terms else []
                new = " ".join([*kept, *added])
                if new != (ident or ""):
                    changed.append((rowid, title, extra, ident, new))
            # The titles' table keeps no text: FTS5 is handed back what it indexed to remove it.
            cursor.executemany(
                "INSERT INTO search_fts_titles (search_fts_titles, rowid, title, extra, ident) "
                "VALUES ('delete', %s, %s, %s, %s)",
                [(rowid, title, extra, ident) for rowid, title, extra, ident, _new in changed],
            )
            cursor.executemany(
                "INSERT INTO search_fts_titles (rowid, title, extra, ident) VALUES (%s, %s, %s, %s)",
                [(rowid, title, extra, new) for rowid, title, extra, _ident, new in changed],
            )
            cursor.executemany(
                "UPDATE search_fts SET ident = %s WHERE rowid = %s",
                [(new, rowid) for rowid, _title, _extra, _ident, new in changed],
            )
        if ids:
            # The rewritten entries leave both indexes in many small segments, each read for every word
            # of every search, until merged: merged here (the server processes are stopped meanwhile).
            for table in ("search_fts", "search_fts_titles"):
                cursor.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")


def add_access_terms(apps, schema_editor):
    _rewrite(schema_editor, with_terms=True)


def remove_access_terms(apps, schema_editor):
    _rewrite(schema_editor, with_terms=False)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_english_text"),
    ]

    operations = [migrations.RunPython(add_access_terms, remove_access_terms)]
