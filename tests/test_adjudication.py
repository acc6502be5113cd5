"""Adjudication into gold: versions grouped and marked, take / edit / reject / take all
agreed through the span services (with history), and the export layers that read the
result."""

from __future__ import annotations

import json

import pytest

from articles.errors import DomainError, NotAllowed
from articles.models import Span, SpanEvent
from articles.selectors.adjudication import adjudication_view
from articles.services import membership_set, review_set_state
from articles.services.adjudication import gold_edit, gold_reject, gold_take, gold_take_agreed
from tests.factories import make_decision, make_human_span, make_suggestion, make_user

# The conftest article: "Officials said the bridge opened in 2019." [0, 41), "It may close
# next year." [42, 65), '"We are ready,"' [66, 81) ("We are ready," is [67, 80)).
CLAIM = (0, 41)
SPEC = (42, 65)
QUOTE = (67, 80)
QUOTE_WITH_MARKS = (66, 81)


@pytest.fixture
def layers(project, article, teammate):
    """Three editors finished the article: all accepted the claim suggestion, two drew the
    quote (one with another speaker), one drew a speculation."""
    other = make_user("other")
    third = make_user("third")
    for user in (other, third):
        membership_set(project=project, user=user, role="editor")
    claim = make_suggestion(article, "claim", *CLAIM)
    for user in (teammate, other, third):
        make_decision(claim, user)
    make_human_span(article, teammate, "quote", *QUOTE, speaker="Ana Lima")
    make_human_span(article, other, "quote", *QUOTE, speaker="Ana Lima")
    make_human_span(article, third, "quote", *QUOTE_WITH_MARKS, speaker="Lima")
    make_human_span(article, third, "speculation", *SPEC)
    for user in (teammate, other, third):
        review_set_state(article=article, actor=user, state="done")
    return {"claim": claim, "other": other, "third": third}


def source(article, user, label: str) -> Span:
    return Span.objects.get(article=article, annotator=user, gold=False, label__name=label)


def test_versions_are_grouped_marked_and_disagreements_come_first(article, layers):
    view = adjudication_view(article=article)
    assert view["annotators"] == ["other", "teammate", "third"]
    summary = [
        (c["label"], c["mark"], [(v["editors"], v["mark"]) for v in c["versions"]])
        for c in view["clusters"]
    ]
    assert summary == [
        (
            "speculation",
            "one",
            [(["third"], "one")],
        ),
        (
            "quote",
            "some",
            [(["other", "teammate"], "some"), (["third"], "one")],
        ),
        ("claim", "all", [(["other", "teammate", "third"], "all")]),
    ]
    assert not any(c["resolved"] for c in view["clusters"])


def test_an_unfinished_layer_is_named_but_not_counted(project, article, layers, teammate):
    late = make_user("late")
    membership_set(project=project, user=late, role="editor")
    make_human_span(article, late, "claim", 0, 10)
    view = adjudication_view(article=article)
    assert view["unfinished"] == ["late"]
    assert "late" not in json.dumps(view["clusters"])


def test_take_accepts_the_suggestion_into_gold_with_history(article, layers, reviewer, teammate):
    row = gold_take(span=source(article, teammate, "claim"), article=article, actor=reviewer)
    assert (row.gold, row.annotator_id, row.derived_from_id) == (
        True,
        reviewer.pk,
        layers["claim"].pk,
    )
    event = SpanEvent.objects.get(span=row)
    assert (event.actor_id, event.action, event.after["gold"]) == (reviewer.pk, "accept", True)
    claim = next(c for c in adjudication_view(article=article)["clusters"] if c["label"] == "claim")
    assert claim["resolved"] and claim["versions"][0]["state"] == "taken"


def test_edit_and_reject_write_gold_rows(article, layers, reviewer, teammate):
    third = layers["third"]
    edited = gold_edit(
        span=source(article, third, "quote"),
        article=article,
        actor=reviewer,
        start=QUOTE[0],
        end=QUOTE[1],
        attrs={"speaker": "Ana Lima"},
    )
    assert (edited.start, edited.end, edited.attrs, edited.status) == (
        *QUOTE,
        {"speaker": "Ana Lima"},
        "accepted",
    )
    rejected = gold_reject(
        span=source(article, third, "speculation"), article=article, actor=reviewer
    )
    assert (rejected.gold, rejected.status) == (True, "rejected")
    assert [e.action for e in SpanEvent.objects.filter(span=rejected)] == ["create", "reject"]
    states = {
        (c["label"], v["mark"]): v["state"]
        for c in adjudication_view(article=article)["clusters"]
        for v in c["versions"]
    }
    assert states[("quote", "some")] == "taken"  # the edit equals the two editors' version
    assert states[("speculation", "one")] == "rejected"


def test_take_all_agreed_takes_only_unanimous_versions(article, layers, reviewer):
    result = gold_take_agreed(article=article, actor=reviewer)
    assert [(s.label.name, s.start, s.end) for s in result.taken] == [("claim", *CLAIM)]
    assert result.skipped == []
    again = gold_take_agreed(article=article, actor=reviewer)
    assert again.taken == []  # the cluster is resolved now


def test_only_reviewers_write_gold_and_sources_must_be_versions(article, layers, teammate, owner):
    with pytest.raises(NotAllowed, match="edit the gold layer"):
        gold_take(span=source(article, teammate, "claim"), article=article, actor=teammate)
    with pytest.raises(DomainError, match="span of an editor's layer"):
        gold_take(span=layers["claim"], article=article, actor=owner)
    rejected = make_suggestion(article, "speculation", 0, 9)
    decided = make_decision(rejected, teammate, "reject")
    with pytest.raises(DomainError, match="Only accepted spans"):
        gold_take(span=decided, article=article, actor=owner)


def test_api_view_and_actions(client_for, article, layers, reviewer, teammate):
    url = f"/api/articles/{article.pk}/adjudication/"
    assert client_for(teammate).get(url).status_code == 403
    view = client_for(reviewer).get(url)
    assert view.status_code == 200
    quote = next(c for c in view.json()["clusters"] if c["label"] == "quote")
    taken = client_for(reviewer).post(
        url, {"action": "take", "span": quote["versions"][0]["source"]}, format="json"
    )
    assert taken.status_code == 200
    quote = next(c for c in taken.json()["clusters"] if c["label"] == "quote")
    assert quote["resolved"] and quote["gold"][0]["attrs"] == {"speaker": "Ana Lima"}
    # The third editor's overlapping quote cannot join it in gold.
    clash = client_for(reviewer).post(
        url, {"action": "take", "span": quote["versions"][1]["source"]}, format="json"
    )
    assert clash.status_code == 400
    assert "overlaps your quote span" in clash.json()["start"][0]
    missing = client_for(reviewer).post(url, {"action": "take"}, format="json")
    assert missing.status_code == 400
    assert missing.json() == {"span": ["Name a span of the version."]}
    agreed = client_for(reviewer).post(url, {"action": "take_agreed"}, format="json")
    assert agreed.json()["skipped"] == []
    assert Span.objects.filter(gold=True, status="accepted").count() == 2


# --- exports by layer ---------------------------------------------------------------------


def export(client, project, **query) -> list[dict]:
    response = client.get(f"/api/projects/{project.pk}/export/", {"format": "jsonl", **query})
    assert response.status_code == 200, response.content
    return [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]


def spans_of(records, article) -> list[tuple]:
    (record,) = [r for r in records if r["id"] == article.pk]
    return [(s["label"], s["start"], s["end"], s["annotator"]) for s in record["spans"]]


def test_export_layers(client_for, project, article, layers, reviewer, teammate, owner):
    admin = client_for(owner)
    by_editors = spans_of(export(admin, project), article)
    assert len(by_editors) == 7  # no gold yet: every editor's accepted rows
    gold_take(span=source(article, teammate, "claim"), article=article, actor=reviewer)
    assert spans_of(export(admin, project), article) == [("claim", *CLAIM, "reviewer")]
    assert spans_of(export(admin, project, layer="gold"), article) == [
        ("claim", *CLAIM, "reviewer")
    ]
    assert spans_of(export(admin, project, layer="editor:third"), article) == [
        ("claim", *CLAIM, "third"),
        ("speculation", *SPEC, "third"),
        ("quote", *QUOTE_WITH_MARKS, "third"),
    ]
    merged = spans_of(export(admin, project, layer="all"), article)
    assert ("claim", *CLAIM, "other,reviewer,teammate,third") in merged
    assert ("quote", *QUOTE, "other,teammate") in merged
    record = next(r for r in export(admin, project, layer="all") if r["id"] == article.pk)
    assert record["spans"][0]["annotators"] == ["other", "reviewer", "teammate", "third"]
    bad = admin.get(f"/api/projects/{project.pk}/export/", {"format": "jsonl", "layer": "best"})
    assert bad.status_code == 400
    assert bad.json() == {"layer": ["Give layer=auto, gold, all or editor:<username>."]}
    ghost = admin.get(
        f"/api/projects/{project.pk}/export/", {"format": "jsonl", "layer": "editor:ghost"}
    )
    assert ghost.json() == {"layer": ["No user named 'ghost'."]}


def test_a_blind_editor_exports_only_their_own_layer(
    client_for, project, article, layers, teammate
):
    editor = client_for(teammate)
    assert {s[3] for s in spans_of(export(editor, project), article)} == {"teammate"}
    refused = editor.get(f"/api/projects/{project.pk}/export/", {"format": "jsonl", "layer": "all"})
    assert refused.status_code == 403
    assert refused.json() == {"layer": ["In a blind project editors export only their own layer."]}
    project.blind = False
    project.save(update_fields=["blind"])
    assert len(spans_of(export(client_for(teammate), project), article)) == 7
