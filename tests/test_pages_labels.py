"""Labels page: the list, new labels with attributes, changes, refusals on the right row,
and deleting only an unused label."""

from __future__ import annotations

from django.urls import reverse

from articles.models import Label
from tests.factories import make_human_span

MANAGEMENT = {
    "attr-TOTAL_FORMS": "2",
    "attr-INITIAL_FORMS": "0",
    "attr-MIN_NUM_FORMS": "0",
    "attr-MAX_NUM_FORMS": "20",
}


def label_data(**values: str) -> dict[str, str]:
    base = {
        "name": "opinion",
        "color": "#7C3AED",
        "pattern": "dashed",
        "hotkey": "4",
        "description": "A value judgement.",
        **MANAGEMENT,
        "attr-0-name": "",
        "attr-0-type": "text",
        "attr-1-name": "",
        "attr-1-type": "text",
    }
    base.update(values)
    return base


def test_everyone_sees_the_labels_admins_edit_them(client, viewer, owner, project, article):
    quote = project.labels.get(name="quote")
    make_human_span(article, owner, "quote", 67, 80)
    client.force_login(viewer)
    page = client.get(reverse("articles:project_labels", args=[project.pk]))
    assert page.status_code == 200
    rows = {label.name: label.span_count for label in page.context["labels"]}
    assert rows == {"claim": 0, "quote": 1, "speculation": 0}
    html = page.content.decode()
    assert "New label" not in html
    assert '<span class="pill attr" title="text, picked from the text">Speaker</span>' in html
    assert 'fill="#059669"' in html  # the colour drawn as an SVG attribute, no inline style
    assert (
        client.get(reverse("articles:project_label", args=[project.pk, quote.pk])).status_code
        == 403
    )
    client.force_login(owner)
    assert b"New label" in client.get(reverse("articles:project_labels", args=[project.pk])).content


def test_create_a_label_with_attributes(client, owner, project):
    client.force_login(owner)
    url = reverse("articles:project_label_new", args=[project.pk])
    assert client.get(url).status_code == 200
    data = label_data(
        **{
            "attr-0-name": "stance",
            "attr-0-type": "choice",
            "attr-0-title": "Stance",
            "attr-0-choices": "for, against ,  neutral",
            "attr-1-name": "target",
            "attr-1-type": "text",
            "attr-1-help": "who or what",
            "attr-1-in_text": "on",
        }
    )
    response = client.post(url, data)
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("articles:project_labels", args=[project.pk]),
    )
    label = project.labels.get(name="opinion")
    assert (label.color, label.pattern, label.hotkey, label.order) == ("#7c3aed", "dashed", "4", 3)
    assert label.attributes == [
        {
            "name": "stance",
            "type": "choice",
            "title": "Stance",
            "choices": ["for", "against", "neutral"],
        },
        {
            "name": "target",
            "type": "text",
            "title": "target",
            "help": "who or what",
            "in_text": True,
        },
    ]


def test_change_a_label_keeps_and_removes_attributes(client, owner, project):
    quote = project.labels.get(name="quote")
    client.force_login(owner)
    url = reverse("articles:project_label", args=[project.pk, quote.pk])
    page = client.get(url)
    assert [row["name"] for row in page.context["formset"].initial] == ["speaker", "direct"]
    data = {
        "name": "quote",
        "color": "#0f766e",
        "pattern": "double",
        "hotkey": "2",
        "description": "Reported speech.",
        "attr-TOTAL_FORMS": "3",
        "attr-INITIAL_FORMS": "2",
        "attr-MIN_NUM_FORMS": "0",
        "attr-MAX_NUM_FORMS": "20",
        "attr-0-name": "speaker",
        "attr-0-type": "text",
        "attr-0-title": "Speaker",
        "attr-0-help": "as written in the text",
        "attr-0-in_text": "on",
        "attr-1-name": "direct",
        "attr-1-type": "boolean",
        "attr-1-title": "direct quote",
        "attr-1-DELETE": "on",
        "attr-2-name": "",
        "attr-2-type": "text",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.color == "#0f766e" and quote.description == "Reported speech."
    assert quote.attributes == [
        {
            "name": "speaker",
            "type": "text",
            "title": "Speaker",
            "help": "as written in the text",
            "in_text": True,
        }
    ]


def test_refusals_land_on_the_field_or_the_attribute_row(client, owner, project):
    client.force_login(owner)
    url = reverse("articles:project_label_new", args=[project.pk])
    taken = client.post(url, label_data(hotkey="1"))
    assert taken.status_code == 400
    assert taken.context["form"].errors == {
        "name": ["The name or hotkey is already used by another label."]
    }
    editor_key = client.post(url, label_data(hotkey="a"))
    assert editor_key.status_code == 400
    assert editor_key.context["form"].errors["hotkey"][0].startswith("The editor uses A already")
    colour = client.post(url, label_data(color="blue"))
    assert colour.context["form"].errors == {"color": ["Give a colour as #rrggbb."]}
    row = client.post(
        url,
        label_data(
            **{
                "attr-0-name": "mood",
                "attr-0-type": "text",
                "attr-1-name": "mood",
                "attr-1-type": "boolean",
            }
        ),
    )
    assert row.status_code == 400
    forms = row.context["formset"].forms
    assert forms[0].errors == {}
    assert forms[1].non_field_errors() == ["the name 'mood' is taken."]
    nameless = client.post(url, label_data(**{"attr-0-title": "Mood"}))
    assert nameless.context["formset"].forms[0].errors == {
        "name": ["Give the attribute a name (or tick Remove)."]
    }
    choice = client.post(url, label_data(**{"attr-0-name": "side", "attr-0-type": "choice"}))
    assert choice.context["formset"].forms[0].non_field_errors() == [
        "a choice needs 'choices', a list of distinct strings."
    ]
    assert not project.labels.filter(name="opinion").exists()


def test_delete_only_an_unused_label(client, owner, teammate, project, article):
    client.force_login(owner)
    spare = Label.objects.create(project=project, name="aside", color="#445566")
    delete = reverse("articles:project_label_delete", args=[project.pk, spare.pk])
    assert client.get(delete).status_code == 405
    done = client.post(delete)
    assert done.status_code == 302 and not Label.objects.filter(pk=spare.pk).exists()
    claim = project.labels.get(name="claim")
    make_human_span(article, teammate, "claim", 0, 41)
    page = client.get(reverse("articles:project_label", args=[project.pk, claim.pk]))
    assert b"1 span uses this label, so it cannot be deleted" in page.content
    refused = client.post(reverse("articles:project_label_delete", args=[project.pk, claim.pk]))
    assert refused.status_code == 400
    assert refused.context["delete_error"] == (
        "The label was kept: Spans use this label; it cannot be deleted."
    )
    assert b"The label was kept: Spans use this label" in refused.content
    assert Label.objects.filter(pk=claim.pk).exists()


def test_a_label_of_another_project_is_not_found(client, owner, project, superuser):
    from tests.factories import make_project

    other = make_project(superuser, name="Elsewhere")
    foreign = other.labels.get(name="claim")
    client.force_login(owner)
    assert (
        client.get(reverse("articles:project_label", args=[project.pk, foreign.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("articles:project_label_delete", args=[project.pk, foreign.pk])
        ).status_code
        == 404
    )
    assert Label.objects.filter(pk=foreign.pk).exists()
