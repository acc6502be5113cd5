"""Drop the single-column indexes of span.article, span.label and span.derived_from: the
composite indexes (article, …), (label, status) and the one-decision constraint (derived_from,
annotator, gold) begin with the same columns and serve the same lookups, and every span
written updated each of them.

Only the indexes go. Django's own AlterField would also drop and re-add each foreign key,
which re-checks every span row under a lock that stops writes: minutes on a large table.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "article": "articles_span_article_id_80ceb942",
    "label": "articles_span_label_id_a4e06cae",
    "derived_from": "articles_span_derived_from_id_28542a45",
}


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_import_progress"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="span",
                    name="article",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="spans",
                        to="articles.article",
                    ),
                ),
                migrations.AlterField(
                    model_name="span",
                    name="derived_from",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.RESTRICT,
                        related_name="decisions",
                        to="articles.span",
                    ),
                ),
                migrations.AlterField(
                    model_name="span",
                    name="label",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="spans",
                        to="articles.label",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "articles_span" ("{column}_id")',
                )
                for column, name in INDEXES.items()
            ],
        ),
    ]
