"""The audit trail: filtered reads, CSV and JSONL downloads, the page, read-only rows."""

from __future__ import annotations

import csv
import io
import json

import pytest

from articles.models import HistoryIsReadOnly, SpanEvent
from articles.services import span_decide, span_delete, span_update
from tests.factories import make_decision, make_human_span, make_suggestion


@pytest.fixture
def trail(article, teammate, owner):
    suggestion = make_suggestion(article, "claim", 0, 41)
    accepted = make_decision(suggestion, teammate)
    drawn = make_human_span(article, owner, "quote", 67, 80, speaker="Ana Lima")
    moved = span_update(span=drawn, actor=owner, version=1, end=79)
    span_decide(span=accepted, actor=teammate, decision="reject", version=1)
    span_delete(span=moved, actor=owner, version=2)
    return {"accepted": accepted, "drawn": drawn}


def test_api_lists_every_change_with_before_and_after(client_for, project, reviewer, trail):
    response = client_for(reviewer).get(f"/api/projects/{project.pk}/history/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["actor"], r["action"]) for r in rows] == [
        ("teammate", "accept"),
        ("owner", "create"),
        ("owner", "update"),
        ("teammate", "reject"),
        ("owner", "delete"),
    ]
    update = rows[2]
    assert (update["before"]["end"], update["after"]["end"]) == (80, 79)
    assert rows[4]["after"] is None and rows[4]["span"] == trail["drawn"].pk


def test_filters_by_person_action_span_and_time(client_for, project, reviewer, trail):
    url = f"/api/projects/{project.pk}/history/"
    api = client_for(reviewer)
    assert {r["actor"] for r in api.get(url, {"actor": "owner"}).json()["results"]} == {"owner"}
    assert [r["action"] for r in api.get(url, {"action": "reject"}).json()["results"]] == ["reject"]
    of_span = api.get(url, {"span": trail["drawn"].pk}).json()["results"]
    assert [r["action"] for r in of_span] == ["create", "update", "delete"]
    third = SpanEvent.objects.order_by("created_at", "id")[2].created_at
    later = api.get(url, {"since": third.isoformat()}).json()["results"]
    assert [r["action"] for r in later] == ["update", "reject", "delete"]
    assert api.get(url, {"until": third.isoformat()}).json()["results"][-1]["action"] == "create"
    assert api.get(url, {"actor": "ghost"}).json() == {"actor": ["No user named 'ghost'."]}
    bad = api.get(url, {"action": "erase"})
    assert bad.status_code == 400 and "action" in bad.json()


def test_downloads_as_csv_and_jsonl(client_for, project, reviewer, trail):
    url = f"/api/projects/{project.pk}/history/export/"
    api = client_for(reviewer)
    as_csv = api.get(url, {"format": "csv", "actor": "owner"})
    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    table = list(csv.DictReader(io.StringIO(b"".join(as_csv.streaming_content).decode())))
    assert [row["action"] for row in table] == ["create", "update", "delete"]
    assert json.loads(table[1]["before"])["end"] == 80
    assert table[2]["after"] == ""
    as_jsonl = api.get(url, {"format": "jsonl"})
    lines = [json.loads(line) for line in b"".join(as_jsonl.streaming_content).splitlines()]
    assert len(lines) == 5 and lines[0]["label"] == "claim"
    assert api.get(url).status_code == 400


def test_only_reviewers_and_admins_read_the_trail(client_for, project, teammate, viewer, trail):
    for user in (teammate, viewer):
        response = client_for(user).get(f"/api/projects/{project.pk}/history/")
        assert response.status_code == 403
        assert "read the audit trail" in response.json()["detail"][0]


def test_page_shows_and_filters_the_trail(client, project, reviewer, trail):
    client.force_login(reviewer)
    page = client.get(f"/projects/{project.pk}/history/", {"article": trail["drawn"].article_id})
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("data-event-id=") == 5
    assert "history/export/?format=csv&amp;article=" in html
    wrong = client.get(f"/projects/{project.pk}/history/", {"article": "x"})
    assert "A valid integer is required." in wrong.content.decode()


def test_history_rows_are_never_changed_or_deleted(trail):
    event = SpanEvent.objects.first()
    assert event is not None
    event.action = "update"
    with pytest.raises(HistoryIsReadOnly, match="never changed"):
        event.save()
    with pytest.raises(HistoryIsReadOnly, match="never deleted"):
        event.delete()
    assert SpanEvent.objects.count() == 5


def test_the_admin_shows_history_read_only(client, superuser, trail):
    client.force_login(superuser)
    event = SpanEvent.objects.first()
    assert event is not None
    assert client.get(f"/admin/articles/spanevent/{event.pk}/delete/").status_code == 403
    change = client.get(f"/admin/articles/spanevent/{event.pk}/change/")
    assert change.status_code == 200 and b'name="_save"' not in change.content
