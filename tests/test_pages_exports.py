"""Export page: counts for the chosen filters, the Download link and curl command that
give the same export, filter refusals, snapshots requested and listed with sha256."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from articles.models import Snapshot
from articles.services import snapshot_build
from tests.factories import make_article, make_decision, make_human_span, make_suggestion


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def annotated(project, teammate, article):
    """Two articles: one with an accepted, a rejected and a pending suggestion, one bare."""
    keep = make_suggestion(article, "claim", 0, 41)
    drop = make_suggestion(article, "speculation", 42, 65)
    make_suggestion(article, "quote", 67, 80)
    make_decision(keep, teammate)
    make_decision(drop, teammate, "reject")
    make_article(project, "A second article with nothing marked.", title="Bare")
    return article


def export_url(project) -> str:
    return reverse("articles:project_export", args=[project.pk])


def test_default_export_counts_and_links(client, viewer, project, annotated):
    client.force_login(viewer)
    page = client.get(export_url(project))
    assert page.status_code == 200
    assert (page.context["article_total"], page.context["span_total"]) == (2, 1)
    api = f"http://testserver/api/projects/{project.pk}/export/?format=jsonl"
    assert page.context["download_url"] == api
    assert page.context["curl"] == f'curl -H "Authorization: Token $ANNOTATOR_TOKEN" -OJ "{api}"'
    html = page.content.decode()
    assert f'<a class="button primary" href="{api}" data-download download>Download</a>' in html
    assert 'data-copy="#curl-command"' in html
    # The link is the export: the same counts come back from it.
    body = b"".join(client.get(api).streaming_content).decode()
    rows = [json.loads(line) for line in body.splitlines()]
    assert len(rows) == 2 and sum(len(row["spans"]) for row in rows) == 1


def test_filters_change_the_counts_and_the_link(client, viewer, teammate, project, annotated):
    client.force_login(viewer)
    page = client.get(
        export_url(project),
        {
            "format": "conll",
            "status": ["accepted", "rejected", "suggested"],
            "labels": ["claim", "quote"],
            "annotator": "",
            "gold": "0",
            "ids": f"{annotated.pk}",
        },
    )
    assert page.status_code == 200
    # claim accepted + its suggestion, the quote suggestion; the speculation is left out.
    assert (page.context["article_total"], page.context["span_total"]) == (1, 3)
    assert page.context["download_url"] == (
        f"http://testserver/api/projects/{project.pk}/export/?format=conll"
        f"&status=accepted,rejected,suggested&labels=claim,quote&gold=0&ids={annotated.pk}"
    )
    layer = client.get(
        export_url(project), {"format": "csv", "status": ["rejected"], "annotator": "teammate"}
    )
    assert (layer.context["article_total"], layer.context["span_total"]) == (2, 1)
    since = client.get(
        export_url(project),
        {"format": "jsonl", "status": ["accepted"], "updated_since": "2000-01-02T03:04"},
    )
    assert since.context["download_url"].endswith("&updated_since=2000-01-02T03:04:00Z")
    downloaded = client.get(since.context["download_url"])
    assert downloaded.status_code == 200


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        (
            {"format": "pdf", "status": ["accepted"]},
            {"format": ["Select a valid choice. pdf is not one of the available choices."]},
        ),
        ({"format": "jsonl"}, {"status": ["Tick at least one kind of span."]}),
        (
            {"format": "jsonl", "status": ["accepted"], "ids": "3, x"},
            {"ids": ["Give article ids as whole numbers separated by commas."]},
        ),
        (
            {"format": "jsonl", "status": ["accepted"], "annotator": "ghost"},
            {"annotator": ["Select a valid choice. ghost is not one of the available choices."]},
        ),
    ],
)
def test_refused_filters_are_field_errors(client, viewer, project, annotated, query, errors):
    client.force_login(viewer)
    page = client.get(export_url(project), query)
    assert page.status_code == 400
    assert page.context["form"].errors == errors
    assert "download_url" not in page.context
    assert b"These choices give no export:" in page.content


def test_empty_project_says_to_import(client, teammate, project):
    client.force_login(teammate)
    html = client.get(export_url(project)).content.decode()
    assert "the project has no articles yet" in html
    assert f'<a href="/projects/{project.pk}/import/">import some</a>' in html


def test_snapshot_requested_then_listed_with_sha256(
    client, viewer, project, annotated, media, django_capture_on_commit_callbacks
):
    client.force_login(viewer)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            export_url(project), {"format": "csv", "status": ["accepted", "rejected"]}
        )
    snapshot = Snapshot.objects.get()
    assert response.status_code == 302
    assert (
        response["Location"] == f"{export_url(project)}?format=csv&status=accepted&status=rejected"
    )
    assert (snapshot.version, snapshot.format, snapshot.state) == (1, "csv", "pending")
    assert snapshot.filters["statuses"] == ["accepted", "rejected"]
    assert len(queued) == 1
    pending = client.get(response["Location"]).content.decode()
    assert "Snapshot version 1 is being written" in pending
    assert f'data-snapshot="/api/snapshots/{snapshot.pk}/" data-state="pending"' in pending
    snapshot_build(snapshot_id=snapshot.pk)
    snapshot.refresh_from_db()
    listed = client.get(export_url(project)).content.decode()
    assert f'<code class="hash" data-field="sha256">{snapshot.sha256}</code>' in listed
    assert f'<a href="/api/snapshots/{snapshot.pk}/download/" download>Download</a>' in listed
    refused = client.post(export_url(project), {"format": "csv"})
    assert refused.status_code == 400 and Snapshot.objects.count() == 1


def test_outsiders_cannot_export(client, outsider, project, annotated):
    client.force_login(outsider)
    assert client.get(export_url(project)).status_code == 404
    assert (
        client.post(export_url(project), {"format": "jsonl", "status": ["accepted"]}).status_code
        == 404
    )
    assert not Snapshot.objects.exists()


def test_human_spans_count_too(client, owner, project, article):
    make_human_span(article, owner, "quote", 67, 80)
    client.force_login(owner)
    page = client.get(export_url(project))
    assert (page.context["article_total"], page.context["span_total"]) == (1, 1)
