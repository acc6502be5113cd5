"""Project pages: the list with its New project link, creating, the settings, deleting after
a confirmation that names what goes."""

from __future__ import annotations

from django.urls import reverse

from articles.models import Article, Label, Membership, Project, Span
from tests.factories import make_human_span, make_user


def test_staff_create_a_project_and_become_its_admin(client, superuser):
    client.force_login(superuser)
    listing = client.get("/")
    assert b'href="/projects/new/">New project</a>' in listing.content
    form = client.get(reverse("articles:project_create"))
    assert form.status_code == 200 and b"Create project" in form.content
    # The shipped guidelines are offered to start from.
    assert "Annotation guidelines" in form.context["form"].initial["guidelines"]
    response = client.post(
        reverse("articles:project_create"),
        {
            "name": "Letters desk",
            "description": "Readers' letters.",
            "guidelines": "",
            "tagger": "",
        },
    )
    project = Project.objects.get(name="Letters desk")
    assert response.status_code == 302
    assert response["Location"] == reverse("articles:project_import", args=[project.pk])
    assert project.description == "Readers' letters." and project.guidelines == ""
    assert Membership.objects.get(project=project).user == superuser
    assert Membership.objects.get(project=project).role == "admin"
    assert sorted(project.labels.values_list("name", flat=True)) == [
        "claim",
        "quote",
        "speculation",
    ]


def test_a_taken_name_or_unknown_tagger_is_a_field_error(client, superuser, project):
    client.force_login(superuser)
    url = reverse("articles:project_create")
    taken = client.post(url, {"name": project.name, "tagger": ""})
    assert taken.status_code == 400
    assert taken.context["form"].errors == {"name": ["Another project has this name."]}
    unknown = client.post(url, {"name": "Fresh", "tagger": "oracle"})
    assert unknown.status_code == 400
    assert unknown.context["form"].errors == {
        "tagger": ["Select a valid choice. oracle is not one of the available choices."]
    }
    assert not Project.objects.filter(name="Fresh").exists()


def test_only_staff_create_projects(client, teammate):
    client.force_login(teammate)
    assert b"New project" not in client.get("/").content
    assert client.get(reverse("articles:project_create")).status_code == 403
    refused = client.post(reverse("articles:project_create"), {"name": "Mine"})
    assert refused.status_code == 403
    assert not Project.objects.filter(name="Mine").exists()


def test_empty_project_list_says_what_to_do(client, db):
    client.force_login(make_user("newcomer"))
    html = client.get("/").content.decode()
    assert "You are not a member of any project." in html
    assert "your username is <strong>newcomer</strong>" in html
    staff = make_user("boss", is_staff=True)
    client.force_login(staff)
    assert (
        '<a href="/projects/new/">Create the first project</a>' in client.get("/").content.decode()
    )


def test_every_project_page_links_to_its_sections(client, teammate, owner, viewer, project):
    client.force_login(teammate)
    html = client.get(reverse("articles:article_list", args=[project.pk])).content.decode()
    for name, title in [
        ("project_import", "Import"),
        ("project_export", "Export"),
        ("project_members", "Members"),
        ("project_labels", "Labels"),
        ("project_stats", "Stats"),
    ]:
        assert f'<a href="{reverse(f"articles:{name}", args=[project.pk])}">{title}</a>' in html
    assert "Settings" not in html  # admins only
    # Breadcrumbs: the projects, then this one, marked as the current page.
    assert '<li><a href="/">Projects</a></li>' in html
    assert f'aria-current="page">{project.name}</a></li>' in html
    client.force_login(owner)
    assert (
        b">Settings</a>" in client.get(reverse("articles:project_stats", args=[project.pk])).content
    )
    client.force_login(viewer)
    viewer_html = client.get(reverse("articles:project_stats", args=[project.pk])).content
    assert b">Import</a>" not in viewer_html and b">Export</a>" in viewer_html


def test_empty_project_links_to_import(client, teammate, viewer, project):
    url = reverse("articles:article_list", args=[project.pk])
    client.force_login(teammate)
    html = client.get(url).content.decode()
    assert "This project has no articles yet" in html
    assert (
        f'<a class="button primary" href="/projects/{project.pk}/import/">Import articles</a>'
        in html
    )
    client.force_login(viewer)
    assert (
        "Once an editor or admin imports articles, they appear here."
        in client.get(url).content.decode()
    )


def test_admins_change_the_settings(client, owner, teammate, project):
    url = reverse("articles:project_settings", args=[project.pk])
    client.force_login(teammate)
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Taken over"}).status_code == 403
    client.force_login(owner)
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial["name"] == project.name
    saved = client.post(
        url,
        {
            "name": "Opinion desk 2",
            "description": "New.",
            "guidelines": "# Ours",
            "tagger": "rules",
        },
    )
    assert (saved.status_code, saved["Location"]) == (302, url)
    project.refresh_from_db()
    assert (project.name, project.description, project.guidelines, project.tagger) == (
        "Opinion desk 2",
        "New.",
        "# Ours",
        "rules",
    )
    assert b"Saved the project&#x27;s settings." in client.get(url).content


def test_a_refused_rename_keeps_the_stored_name(client, owner, project):
    Project.objects.create(name="Other desk")
    client.force_login(owner)
    url = reverse("articles:project_settings", args=[project.pk])
    response = client.post(url, {"name": "Other desk", "tagger": ""})
    assert response.status_code == 400
    assert response.context["form"].errors == {"name": ["Another project has this name."]}
    project.refresh_from_db()
    assert project.name == "Opinion desk"
    assert response.context["project"].name == "Opinion desk"


def test_delete_confirmation_names_what_goes_then_deletes(
    client, owner, teammate, project, article
):
    make_human_span(article, teammate, "claim", 0, 41)
    url = reverse("articles:project_delete", args=[project.pk])
    client.force_login(teammate)
    assert client.get(url).status_code == 403
    client.force_login(owner)
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["contents"] == {
        "articles": 1,
        "spans": 1,
        "members": 4,
        "labels": 3,
        "imports": 0,
        "snapshots": 0,
    }
    html = page.content.decode()
    assert "<strong>1</strong> article and <strong>1</strong> span" in html
    assert "<strong>4</strong> memberships" in html
    wrong = client.post(url, {"confirm": "opinion desk"})
    assert wrong.status_code == 400
    assert wrong.context["form"].errors == {
        "confirm": ["Type the name exactly as it is, Opinion desk, to delete."]
    }
    assert Project.objects.filter(pk=project.pk).exists()
    done = client.post(url, {"confirm": "Opinion desk"})
    assert (done.status_code, done["Location"]) == (302, "/")
    assert not Project.objects.filter(pk=project.pk).exists()
    assert not Article.objects.exists() and not Span.objects.exists()
    assert not Label.objects.filter(project_id=project.pk).exists()
    listing = client.get("/").content.decode()
    assert "Deleted the project “Opinion desk” with 1 article and 1 span." in listing


def test_outsiders_get_404_on_every_management_page(client, outsider, project, article):
    client.force_login(outsider)
    label = project.labels.get(name="claim")
    for name, args in [
        ("project_settings", [project.pk]),
        ("project_delete", [project.pk]),
        ("project_members", [project.pk]),
        ("project_account_new", [project.pk]),
        ("project_labels", [project.pk]),
        ("project_label", [project.pk, label.pk]),
        ("project_import", [project.pk]),
        ("project_export", [project.pk]),
        ("project_stats", [project.pk]),
    ]:
        assert client.get(reverse(f"articles:{name}", args=args)).status_code == 404, name
    assert (
        client.post(
            reverse("articles:project_delete", args=[project.pk]), {"confirm": "Opinion desk"}
        ).status_code
        == 404
    )
    assert Project.objects.filter(pk=project.pk).exists()
