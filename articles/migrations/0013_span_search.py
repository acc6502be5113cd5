"""The GIN index of span text search (``articles.selectors.search``), on PostgreSQL only:
SQLite has no full text of this kind and searches by substring instead.

The indexed expression is exactly what ``SearchVector("text", config="english")`` renders,
or the planner would not use it.
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
            sql="CREATE INDEX IF NOT EXISTS span_text_search ON articles_span "
            "USING gin (to_tsvector('english'::regconfig, COALESCE(text, '')))",
            reverse_sql="DROP INDEX IF EXISTS span_text_search",
        ),
    ]
