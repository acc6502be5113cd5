from django.db import migrations, models

# The declarations as they were when this migration was written (a migration must not
# follow later edits of the app's defaults).
_DEFAULTS = {
    "quote": [
        {
            "name": "speaker",
            "type": "text",
            "title": "Speaker",
            "help": "as written in the text",
            "in_text": True,
        },
        {"name": "direct", "type": "boolean", "title": "direct quote"},
    ],
    "speculation": [{"name": "cue", "type": "text", "title": "Cue", "help": "e.g. may, perhaps"}],
}


def declare_default_attributes(apps, schema_editor):
    """Existing projects' default labels declare the attributes the editor used to assume."""
    Label = apps.get_model("articles", "Label")
    for name, attributes in _DEFAULTS.items():
        Label.objects.filter(name=name, attributes=[]).update(attributes=attributes)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_span_layer_label_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="label",
            name="attributes",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="What its spans carry: [{name, type, title, help?, choices?, in_text?}].",
            ),
        ),
        migrations.RunPython(declare_default_attributes, migrations.RunPython.noop),
    ]
