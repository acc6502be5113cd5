from django.db import migrations

# The declarations as they were when this migration was written (a migration must not
# follow later edits of the app's defaults).
_VERDICT_ATTRIBUTES = [
    {
        "name": "verdict",
        "type": "choice",
        "title": "Verdict",
        "help": "the project's rating scale, best to worst",
        "choices": ["true", "mostly true", "mixed", "misleading", "false", "unverifiable"],
    },
    {"name": "verdict_note", "type": "text", "title": "Verdict explanation"},
    {"name": "fact_check_url", "type": "url", "title": "Fact-check URL"},
]


def add_verdict_attributes(apps, schema_editor):
    """Existing claim labels gain the verdict attributes they lack (a project's own
    declaration of the same name is kept: it may already be that project's scale)."""
    Label = apps.get_model("articles", "Label")
    for label in Label.objects.filter(name="claim"):
        have = {item.get("name") for item in label.attributes or []}
        missing = [item for item in _VERDICT_ATTRIBUTES if item["name"] not in have]
        if missing:
            label.attributes = list(label.attributes or []) + missing
            label.save(update_fields=["attributes"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_tagger_versions"),
    ]

    operations = [
        migrations.RunPython(add_verdict_attributes, migrations.RunPython.noop),
    ]
