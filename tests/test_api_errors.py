"""Bad input and roles across the API: 4xx JSON with field messages, never a 500."""

import json

import pytest

from articles.importing import Record
from articles.models import Article, Snapshot
from articles.services import articles_import_unchecked
from tests.factories import label, make_human_span, make_suggestion, make_user

HUGE = "99999999999999999999"


def test_good_input_is_created_and_one_bad_field_is_named(client_for, teammate, article):
    url = f"/api/articles/{article.pk}/spans/"
    good = client_for(teammate).post(url, {"label": "claim", "start": 0, "end": 9}, format="json")
    assert good.status_code == 201, good.content
    bad = client_for(teammate).post(
        url, {"label": "claim", "start": "zero", "end": 9}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json() == {"start": ["Must be an integer."]}


@pytest.mark.parametrize(
    ("method", "path", "what"),
    [
        ("get", f"/api/projects/{HUGE}/", "project"),
        ("get", f"/api/articles/{HUGE}/", "article"),
        ("get", f"/api/spans/{HUGE}/", "span"),
        ("get", f"/api/snapshots/{HUGE}/download/", "snapshot"),
        # A label is only changed or deleted through its own URL: it has no GET.
        ("patch", f"/api/labels/{HUGE}/", "label"),
        ("delete", f"/api/labels/{HUGE}/", "label"),
        ("get", f"/api/imports/{HUGE}/", "import"),
    ],
)
def test_out_of_range_ids_in_path_are_404(client_for, owner, method, path, what):
    response = getattr(client_for(owner), method)(path, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": [f"No such {what}."]}


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
    records = [Record(where=f"r{n}", text=f"Article number {n}.") for n in range(501)]
    articles_import_unchecked(project=project, records=records, importer=None, pretag=False)
    response = client_for(owner).get(f"/api/articles/?project={project.pk}&page_size=100000000000")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 500 and response.json()["next"]
    bad = client_for(owner).get("/api/projects/?cursor=garbage")
    assert bad.status_code == 404 and bad.json() == {"detail": ["Invalid cursor"]}


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
    assert response.status_code == 400
    assert response.json() == {"label": ["No label named 'opinion' in this project."]}


def test_viewer_cannot_write_anywhere(client_for, owner, viewer, project, article):
    suggestion = make_suggestion(article, "claim", 0, 40)
    owners = make_human_span(article, owner, "claim", 0, 9)
    client = client_for(viewer)
    writes = [
        client.patch(f"/api/projects/{project.pk}/", {"name": "x"}, format="json"),
        client.post(f"/api/projects/{project.pk}/members/", {"user": "viewer", "role": "admin"}),
        client.post(f"/api/projects/{project.pk}/labels/", {"name": "x", "color": "#000000"}),
        client.patch(f"/api/labels/{label(project, 'claim').pk}/", {"color": "#000000"}),
        client.post(f"/api/articles/{article.pk}/spans/", {"label": "claim", "start": 0, "end": 9}),
        client.post(f"/api/spans/{suggestion.pk}/decision/", {"decision": "accept"}),
        client.patch(f"/api/spans/{suggestion.pk}/", {"version": 1, "end": 20}),
        client.delete(f"/api/spans/{owners.pk}/?version=1"),
        client.post(f"/api/articles/{article.pk}/spans/bulk-decision/", {"decision": "reject"}),
        client.put(f"/api/articles/{article.pk}/review/", {"state": "done"}),
        client.post(f"/api/projects/{project.pk}/articles/", {"text": "A new text."}),
        client.post(f"/api/projects/{project.pk}/pretag/"),
        client.post(f"/api/articles/{article.pk}/pretag/"),
    ]
    assert [r.status_code for r in writes] == [403] * len(writes)
    # Each is refused for the role, not for some other reason that also answers 403.
    refusals = [r.json()["detail"] for r in writes]
    assert all(
        len(d) == 1 and d[0].startswith("Your role in this project does not allow you to ")
        for d in refusals
    ), refusals
    assert Article.objects.count() == 1 and Snapshot.objects.count() == 0


def test_outsider_gets_404_everywhere(client_for, owner, outsider, project, article):
    span = make_human_span(article, owner, "claim", 0, 9)
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
    # The same answers as for ids that do not exist at all.
    assert {r.json()["detail"][0] for r in reads} == {
        f"No such {what}." for what in ("project", "snapshot", "article", "span", "label")
    }
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
    assert member.status_code == 404 and member.json() == {"detail": ["No such member."]}


def test_project_create_with_taken_name_is_409(client_for, project):
    staff = make_user("staffer", is_staff=True)
    response = client_for(staff).post("/api/projects/", {"name": project.name}, format="json")
    assert response.status_code == 409 and "name" in response.json()
    created = client_for(staff).post("/api/projects/", {"name": "Another desk"}, format="json")
    assert created.status_code == 201 and created.json()["my_role"] == "admin"


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("patch", "/api/spans/{span}/", {"version": 1, "lable": "quote"}, "lable"),
        ("patch", "/api/projects/{project}/", {"title": "A new name"}, "title"),
        ("post", "/api/spans/{span}/decision/", {"decision": "accept", "why": "x"}, "why"),
        (
            "post",
            "/api/articles/{article}/spans/",
            {"label": "claim", "start": 0, "end": 9, "colour": "red"},
            "colour",
        ),
        ("put", "/api/articles/{article}/review/", {"state": "done", "user": "owner"}, "user"),
    ],
)
def test_unknown_fields_in_a_body_are_400_naming_them(
    client_for, owner, project, article, method, path, body, field
):
    suggestion = make_suggestion(article, "claim", 0, 40)
    url = path.format(span=suggestion.pk, project=project.pk, article=article.pk)
    response = getattr(client_for(owner), method)(url, body)
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert response.json()[field][0].startswith("Unknown field; this input takes: ")
    suggestion.refresh_from_db()
    assert suggestion.version == 1 and not suggestion.decisions.exists()


def test_unknown_and_repeated_query_parameters_are_400(client_for, owner, project):
    client = client_for(owner)
    unknown = client.get(f"/api/articles/?project={project.pk}&sort=title")
    assert unknown.status_code == 400
    assert unknown.json() == {
        "sort": [
            "Unknown field; this input takes: cursor, page_size, project, review_state, "
            "pretag_state, q, updated_since."
        ]
    }
    repeated = client.get(f"/api/articles/?project={project.pk}&project=2")
    assert repeated.status_code == 400 and repeated.json() == {"project": ["Give this once."]}
    empty = client.get("/api/articles/?review_state=")
    assert empty.status_code == 400 and "review_state" in empty.json()
    assert client.get("/api/projects/?page_size=0").status_code == 400
    assert client.get("/api/projects/?page_size=2").status_code == 200


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"decision": "accept", "gold": 0}, "gold", "Must be a boolean."),
        ({"decision": "accept", "version": "1"}, "version", "Must be an integer."),
        ({"decision": "accept", "version": True}, "version", "Must be an integer."),
        ({"decision": 1}, "decision", "Must be a string."),
    ],
)
def test_json_values_must_have_the_declared_type(
    client_for, teammate, article, body, field, message
):
    suggestion = make_suggestion(article, "claim", 0, 40)
    response = client_for(teammate).post(f"/api/spans/{suggestion.pk}/decision/", body)
    assert response.status_code == 400
    assert response.json() == {field: [message]}


def test_list_items_must_have_the_declared_type(client_for, teammate, article):
    response = client_for(teammate).post(
        f"/api/articles/{article.pk}/spans/bulk-decision/", {"decision": "accept", "ids": ["1"]}
    )
    assert response.status_code == 400
    assert response.json() == {"ids": ["Each item: must be an integer."]}


def test_nul_in_any_string_field_is_400_before_the_database(client_for, owner, project):
    client = client_for(owner)
    label = json.dumps({"name": "x", "color": "#000000", "description": "\ud800"})  # escaped
    for response, field in [
        (client.get("/api/articles/?q=a%00b"), "q"),
        (client.get("/api/spans/?annotator=a%00b"), "annotator"),
        (client.patch(f"/api/projects/{project.pk}/", {"name": "A\u0000B"}), "name"),
        (
            client.post(
                f"/api/projects/{project.pk}/labels/", label, content_type="application/json"
            ),
            "description",
        ),
    ]:
        assert response.status_code == 400, response.content
        assert field in response.json()


def test_form_encoded_bodies_are_415(client_for, owner, project):
    response = client_for(owner).patch(
        f"/api/projects/{project.pk}/", "name=", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "path", ["/api/articles/abc/", "/api/nothing-here/", "/api/spans/1/decision/extra/"]
)
def test_unknown_api_paths_are_json_404(client_for, owner, path):
    for method in ("get", "post", "delete"):
        response = getattr(client_for(owner), method)(path)
        assert response.status_code == 404
        assert response.json() == {"detail": ["No such API path."]}
