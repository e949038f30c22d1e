"""English title and text of index entries (shown on the English pages).

On SQLite the two columns are added with ``ALTER TABLE … ADD COLUMN … DEFAULT ''``, which takes no time
at any size; Django's ``AddField`` would copy the whole entry table there, once per column (minutes at a
million documents). Entries indexed before this migration have no English until ``search_reindex``.
"""

from django.db import migrations, models


def _fields():
    title = models.CharField(max_length=300, blank=True, default="")
    title.set_attributes_from_name("title_en")
    body = models.TextField(blank=True, default="")
    body.set_attributes_from_name("body_en")
    return title, body


def add_columns(apps, schema_editor):
    entry = apps.get_model("search", "IndexEntry")
    if schema_editor.connection.vendor == "sqlite":
        for field in _fields():
            column_type = field.db_type(schema_editor.connection)
            schema_editor.execute(
                f"ALTER TABLE {entry._meta.db_table} ADD COLUMN {field.column} {column_type} NOT NULL DEFAULT ''"
            )
        return
    for field in _fields():
        schema_editor.add_field(entry, field)


def remove_columns(apps, schema_editor):
    entry = apps.get_model("search", "IndexEntry")
    for field in _fields():
        schema_editor.remove_field(entry, field)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_title_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="indexentry",
                    name="title_en",
                    field=models.CharField(blank=True, default="", max_length=300, verbose_name="英文标题"),
                ),
                migrations.AddField(
                    model_name="indexentry",
                    name="body_en",
                    field=models.TextField(blank=True, default="", verbose_name="英文摘要文本"),
                ),
            ],
            database_operations=[migrations.RunPython(add_columns, remove_columns)],
        ),
    ]
