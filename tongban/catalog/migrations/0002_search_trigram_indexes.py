"""Trigram indexes for the search columns on PostgreSQL (no-op on SQLite).

LIKE '%社保%' on PostgreSQL can use a pg_trgm GIN index; the database must have a UTF-8 LC_CTYPE or
pg_trgm drops the Chinese characters when it builds trigrams.
"""

from django.db import migrations

COLUMNS = ("names", "pinyin", "initials", "extra")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS catalog_search_{column}_trgm "
            f"ON catalog_searchentry USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS catalog_search_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
