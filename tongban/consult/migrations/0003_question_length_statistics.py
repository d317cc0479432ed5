"""PostgreSQL: extended statistics on length(normalized), which triage's candidate query filters on.
Without them the planner guesses a few hundred rows in the length window where there are tens of
thousands, and sorts the whole table instead of reading back from the newest (bench/questions.py: 49 ms →
7 ms at 50,000 questions). SQLite plans it well without, and has no such statistics."""

from django.db import migrations

CREATE = "CREATE STATISTICS IF NOT EXISTS consult_question_length_stats ON (length(normalized)) FROM consult_question"
DROP = "DROP STATISTICS IF EXISTS consult_question_length_stats"


def _on_postgresql(sql):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        # Statistics on an expression came with PostgreSQL 14; an older server plans as before.
        if connection.vendor == "postgresql" and connection.pg_version >= 140000:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("consult", "0002_triage_defaults")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
