"""Bad input and roles across the API: 4xx JSON with field messages, never a 500."""

import json

import pytest

from articles.models import Snapshot
from articles.services import span_create
from tests.factories import label, make_suggestion, make_user

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "path",
    [
        f"/api/projects/{HUGE}/",
        f"/api/articles/{HUGE}/",
        f"/api/spans/{HUGE}/",
        f"/api/snapshots/{HUGE}/download/",
        f"/api/labels/{HUGE}/",
        f"/api/imports/{HUGE}/",
    ],
)
def test_out_of_range_ids_in_path_are_404(client_for, owner, path):
    response = client_for(owner).get(path)
    assert response.status_code in (404, 405)


@pytest.mark.parametrize(
    "query",
    [
        f"/api/articles/?project={HUGE}",
        f"/api/spans/?project={HUGE}",
        f"/api/spans/?article={HUGE}",
        "/api/spans/?article=abc",
        "/api/articles/?updated_since=yesterday",
        "/api/spans/?min_confidence=2",
    ],
)
def test_bad_list_filters_are_400_with_field(client_for, owner, project, query):
    response = client_for(owner).get(query)
    assert response.status_code == 400, response.content
    field = query.split("?")[1].split("=")[0]
    assert field in response.json()


def test_huge_page_size_is_capped(client_for, owner, project):
    response = client_for(owner).get("/api/projects/?page_size=100000000000")
    assert response.status_code == 200
    bad = client_for(owner).get("/api/projects/?cursor=garbage")
    assert bad.status_code == 404 and "detail" in bad.json()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("format=xml", "format"),
        ("format=jsonl&status=accepted,maybe", "status"),
        ("format=jsonl&labels=claim,nonsense", "labels"),
        ("format=jsonl&annotator=nobody", "annotator"),
        ("format=jsonl&updated_since=soon", "updated_since"),
        ("format=jsonl&ids=1,x", "ids"),
        (f"format=jsonl&ids={HUGE}", "ids"),
        ("format=jsonl&include_rejected=perhaps", "include_rejected"),
    ],
)
def test_export_filters_validated(client_for, viewer, project, article, query, field):
    response = client_for(viewer).get(f"/api/projects/{project.pk}/export/?{query}")
    assert response.status_code == 400, response.content
    assert field in response.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"format": "xml"}, "format"),
        ({"format": "jsonl", "labels": ["nonsense"]}, "labels"),
        ({"format": "jsonl", "annotator": "nobody"}, "annotator"),
        ({"format": "jsonl", "ids": [int(HUGE)]}, "ids"),
        ({"format": "jsonl", "status": ["maybe"]}, "status"),
    ],
)
def test_snapshot_filters_validated(client_for, viewer, project, body, field):
    response = client_for(viewer).post(
        f"/api/projects/{project.pk}/snapshots/", body, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Snapshot.objects.exists()


def test_unknown_label_is_400(client_for, teammate, article):
    url = f"/api/articles/{article.pk}/spans/"
    response = client_for(teammate).post(url, {"label": "opinion", "start": 0, "end": 9})
    assert response.status_code == 400 and "label" in response.json()


def test_viewer_cannot_write_anywhere(client_for, viewer, project, article):
    suggestion = make_suggestion(article, "claim", 0, 40)
    client = client_for(viewer)
    writes = [
        client.patch(f"/api/projects/{project.pk}/", {"name": "x"}, format="json"),
        client.post(f"/api/projects/{project.pk}/members/", {"user": "viewer", "role": "admin"}),
        client.post(f"/api/projects/{project.pk}/labels/", {"name": "x", "color": "#000000"}),
        client.patch(f"/api/labels/{label(project, 'claim').pk}/", {"color": "#000000"}),
        client.post(f"/api/articles/{article.pk}/spans/", {"label": "claim", "start": 0, "end": 9}),
        client.post(f"/api/spans/{suggestion.pk}/decision/", {"decision": "accept"}),
        client.patch(f"/api/spans/{suggestion.pk}/", {"version": 1, "end": 20}),
        client.delete(f"/api/spans/{suggestion.pk}/?version=1"),
        client.post(f"/api/articles/{article.pk}/spans/bulk-decision/", {"decision": "reject"}),
        client.put(f"/api/articles/{article.pk}/review/", {"state": "done"}),
        client.post(f"/api/projects/{project.pk}/articles/", {"text": "A new text."}),
        client.post(f"/api/projects/{project.pk}/pretag/"),
        client.post(f"/api/articles/{article.pk}/pretag/"),
    ]
    assert [r.status_code for r in writes] == [403] * len(writes)


def test_outsider_gets_404_everywhere(client_for, owner, outsider, project, article):
    span = span_create(article=article, label=label(project, "claim"), start=0, end=9, actor=owner)
    snapshot = Snapshot.objects.create(project=project, version=1, format="jsonl")
    client = client_for(outsider)
    reads = [
        client.get(f"/api/projects/{project.pk}/"),
        client.get(f"/api/projects/{project.pk}/members/"),
        client.get(f"/api/projects/{project.pk}/labels/"),
        client.get(f"/api/projects/{project.pk}/export/?format=jsonl"),
        client.get(f"/api/projects/{project.pk}/snapshots/"),
        client.post(f"/api/projects/{project.pk}/snapshots/", {"format": "jsonl"}),
        client.get(f"/api/snapshots/{snapshot.pk}/"),
        client.get(f"/api/snapshots/{snapshot.pk}/download/"),
        client.get(f"/api/articles/{article.pk}/"),
        client.get(f"/api/articles/{article.pk}/spans/"),
        client.get(f"/api/spans/{span.pk}/"),
        client.post(f"/api/spans/{span.pk}/decision/", {"decision": "reject"}),
        client.patch(f"/api/labels/{label(project, 'claim').pk}/", {"color": "#000000"}),
        client.put(f"/api/articles/{article.pk}/review/", {"state": "done"}),
        client.post(f"/api/projects/{project.pk}/pretag/"),
        client.post(f"/api/articles/{article.pk}/pretag/"),
    ]
    assert [r.status_code for r in reads] == [404] * len(reads)
    assert all("detail" in r.json() for r in reads)
    assert client.get(f"/api/spans/?project={project.pk}").json()["results"] == []
    assert client.get(f"/api/articles/?project={project.pk}").json()["results"] == []


def test_nul_characters_are_400_not_500(client_for, owner, teammate, project, article):
    url = f"/api/articles/{article.pk}/spans/"
    body = {"label": "quote", "start": 0, "end": 9, "attrs": {"speaker": "Ana\u0000"}}
    response = client_for(teammate).post(url, body, format="json")
    assert response.status_code == 400 and "attrs" in response.json()
    body["attrs"] = {"speaker": "Ana \udbe2"}  # a lone surrogate: JSON can carry it, UTF-8 not
    response = client_for(teammate).post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 400 and "attrs" in response.json()
    record = {"text": "A fresh column about trams.", "meta": {"k\u0000": 1}}
    created = client_for(teammate).post(
        f"/api/projects/{project.pk}/articles/", record, format="json"
    )
    assert created.status_code == 400 and "meta" in created.json()
    member = client_for(owner).delete(f"/api/projects/{project.pk}/members/a%00b/")
    assert member.status_code == 404


def test_project_create_with_taken_name_is_409(client_for, project):
    staff = make_user("staffer", is_staff=True)
    response = client_for(staff).post("/api/projects/", {"name": project.name}, format="json")
    assert response.status_code == 409 and "name" in response.json()
    created = client_for(staff).post("/api/projects/", {"name": "Another desk"}, format="json")
    assert created.status_code == 201 and created.json()["my_role"] == "admin"
