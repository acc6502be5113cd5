"""Span text search on PostgreSQL (``articles.selectors.search``): a stored, generated
``search_vector`` column (the span text stemmed with the ``english`` configuration) and its
GIN index. Ranking reads the stored vector: recomputing it for each of 20,000 matches took
most of a common word's search. SQLite has no full text of this kind and searches by
substring, so this does nothing there; the models do not declare the column, and Django
never writes it (PostgreSQL keeps it in step with ``text``).
"""

from typing import Any

from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """``RunSQL`` that does nothing on other databases."""

    def database_forwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, *args)

    def database_backwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, *args)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_password_reset_request"),
    ]

    operations = [
        PostgreSQLOnly(
            sql=[
                "ALTER TABLE articles_span ADD COLUMN search_vector tsvector GENERATED ALWAYS "
                "AS (to_tsvector('english'::regconfig, COALESCE(text, ''))) STORED",
                "CREATE INDEX span_search_vector ON articles_span USING gin (search_vector)",
            ],
            reverse_sql=[
                "DROP INDEX IF EXISTS span_search_vector",
                "ALTER TABLE articles_span DROP COLUMN IF EXISTS search_vector",
            ],
        ),
    ]
