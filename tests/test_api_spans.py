"""Span-editing API: layers, create, edit, decide, undo, bulk decisions, review, errors."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from articles.models import Span
from tests.factories import PASSWORD, make_decision, make_human_span, make_suggestion


def test_article_detail_has_text_and_labels(client_for, owner, article):
    response = client_for(owner).get(f"/api/articles/{article.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == article.text and body["title"] == "Bridge"
    assert body["project"] == article.project_id and body["pretag_state"] == "pending"
    assert [item["name"] for item in body["labels"]] == ["claim", "quote", "speculation"]
    assert set(body["labels"][0]) >= {"id", "name", "color", "pattern", "hotkey", "description"}


def test_outsider_gets_404_everywhere(client_for, outsider, article):
    suggestion = make_suggestion(article, "claim", 0, 40)
    client = client_for(outsider)
    assert client.get(f"/api/articles/{article.pk}/").status_code == 404
    assert client.get(f"/api/articles/{article.pk}/spans/").status_code == 404
    response = client.post(f"/api/spans/{suggestion.pk}/decision/", {"decision": "accept"})
    assert response.status_code == 404
    assert response.json() == {"detail": ["No such span."]}


def test_mine_layer_hides_suggestions_i_decided(client_for, owner, teammate, article):
    first = make_suggestion(article, "claim", 0, 40)
    second = make_suggestion(article, "speculation", 42, 66)
    make_decision(first, owner)
    make_decision(second, teammate, "reject")
    spans = client_for(owner).get(f"/api/articles/{article.pk}/spans/").json()
    assert [(s["status"], s["annotator"], s["derived_from"]) for s in spans] == [
        ("accepted", "owner", first.pk),
        ("suggested", None, None),
    ]
    assert spans[0]["kind"] == "accepted" and spans[0]["label"] == "claim"
    every = client_for(owner).get(f"/api/articles/{article.pk}/spans/?layer=all").json()
    assert len(every) == 4
    suggestions = client_for(owner).get(f"/api/articles/{article.pk}/spans/?layer=suggestions")
    assert [s["id"] for s in suggestions.json()] == [first.pk, second.pk]


def test_all_layers_refused_to_editor(client_for, teammate, article):
    response = client_for(teammate).get(f"/api/articles/{article.pk}/spans/?layer=all")
    assert response.status_code == 403
    bad = client_for(teammate).get(f"/api/articles/{article.pk}/spans/?layer=everything")
    assert bad.status_code == 400 and "layer" in bad.json()


def test_create_span_trims_and_returns_201(client_for, teammate, article):
    response = client_for(teammate).post(
        f"/api/articles/{article.pk}/spans/",
        {"label": "claim", "start": 0, "end": 42, "attrs": {"cue": "said"}, "note": "n"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    # [0, 42) ends with the space after "2019.": it is trimmed off.
    assert (body["start"], body["end"], body["text"]) == (
        0,
        41,
        "Officials said the bridge opened in 2019.",
    )
    assert Span.objects.get(pk=body["id"]).text == body["text"]
    assert (body["origin"], body["status"], body["annotator"]) == ("human", "accepted", "teammate")
    assert body["attrs"] == {"cue": "said"} and body["version"] == 1


def test_create_errors_are_field_messages(client_for, teammate, viewer, article):
    url = f"/api/articles/{article.pk}/spans/"
    unknown = client_for(teammate).post(url, {"label": "nope", "start": 0, "end": 5})
    assert unknown.status_code == 400 and "label" in unknown.json()
    out_of_range = client_for(teammate).post(url, {"label": "claim", "start": 0, "end": 99999})
    assert out_of_range.status_code == 400
    assert out_of_range.json() == {
        "end": ["Offsets must satisfy 0 <= start < end <= 96 (got 0, 99999)."]
    }
    missing = client_for(teammate).post(url, {"label": "claim"})
    assert missing.status_code == 400 and set(missing.json()) == {"start", "end"}
    denied = client_for(viewer).post(url, {"label": "claim", "start": 0, "end": 5})
    assert denied.status_code == 403
    assert denied.json() == {
        "detail": ["Your role in this project does not allow you to edit spans."]
    }


def test_overlap_in_own_layer_is_400(client_for, teammate, article):
    url = f"/api/articles/{article.pk}/spans/"
    first = client_for(teammate).post(url, {"label": "claim", "start": 0, "end": 20})
    assert first.status_code == 201
    response = client_for(teammate).post(url, {"label": "claim", "start": 10, "end": 30})
    assert response.status_code == 400
    assert response.json() == {
        "start": [
            f"It overlaps your claim span {first.json()['id']} [0, 20); "
            "spans of one label never overlap."
        ]
    }
    assert Span.objects.count() == 1


def test_decide_suggestion_makes_my_row(client_for, teammate, article):
    suggestion = make_suggestion(article, "claim", 0, 40)
    url = f"/api/spans/{suggestion.pk}/decision/"
    response = client_for(teammate).post(url, {"decision": "reject"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["derived_from"], body["annotator"]) == (
        "rejected",
        suggestion.pk,
        "teammate",
    )
    again = client_for(teammate).post(url, {"decision": "accept"}, format="json")
    assert again.status_code == 409
    assert again.json()["current"]["id"] == body["id"]
    assert "version" in again.json()


def test_decide_own_row_needs_version(client_for, teammate, article):
    row = make_human_span(article, teammate, "claim", 0, 10)
    url = f"/api/spans/{row.pk}/decision/"
    stale = client_for(teammate).post(url, {"decision": "reject", "version": 7}, format="json")
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 1
    ok = client_for(teammate).post(url, {"decision": "reject", "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "rejected"
    assert ok.json()["version"] == 2


def test_patch_suggestion_creates_edit_in_my_layer(client_for, teammate, article):
    suggestion = make_suggestion(article, "claim", 0, 40)
    response = client_for(teammate).patch(
        f"/api/spans/{suggestion.pk}/",
        {"version": 1, "label": "speculation", "end": 30},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] != suggestion.pk and body["derived_from"] == suggestion.pk
    assert (body["label"], body["kind"], body["end"]) == ("speculation", "edited", 30)


def test_patch_stale_version_is_409_with_current(client_for, teammate, article):
    row = make_human_span(article, teammate, "claim", 0, 10)
    url = f"/api/spans/{row.pk}/"
    first = client_for(teammate).patch(url, {"version": 1, "note": "a"}, format="json")
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client_for(teammate).patch(url, {"version": 1, "note": "b"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["note"] == "a" and stale.json()["current"]["version"] == 2
    no_version = client_for(teammate).patch(url, {"note": "c"}, format="json")
    assert no_version.status_code == 400 and "version" in no_version.json()


def test_patch_someone_elses_row_is_403(client_for, owner, teammate, article):
    # In an open project the row is visible, so the refusal is the role's (a blind project
    # hides it: tests/test_assignments.py).
    article.project.blind = False
    article.project.save(update_fields=["blind"])
    row = make_human_span(article, owner, "claim", 0, 10)
    response = client_for(teammate).patch(f"/api/spans/{row.pk}/", {"version": 1, "note": "x"})
    assert response.status_code == 403
    assert response.json() == {"detail": ["This span belongs to another annotator's layer."]}
    row.refresh_from_db()
    assert (row.note, row.version) == ("", 1)


def test_delete_undoes_decision(client_for, teammate, article):
    suggestion = make_suggestion(article, "claim", 0, 40)
    row = make_decision(suggestion, teammate)
    client = client_for(teammate)
    no_version = client.delete(f"/api/spans/{row.pk}/")
    assert no_version.status_code == 400 and "version" in no_version.json()
    assert client.delete(f"/api/spans/{row.pk}/?version=3").status_code == 409
    assert client.delete(f"/api/spans/{row.pk}/?version=1").status_code == 204
    assert not Span.objects.filter(pk=row.pk).exists()
    spans = client.get(f"/api/articles/{article.pk}/spans/").json()
    assert [s["id"] for s in spans] == [suggestion.pk]
    assert client.delete(f"/api/spans/{suggestion.pk}/?version=1").status_code == 403


def test_bulk_decision_filters_and_skips(client_for, teammate, article):
    low = make_suggestion(article, "claim", 0, 40, confidence=0.3)
    high = make_suggestion(article, "speculation", 42, 66, confidence=0.95)
    overlapping = make_suggestion(article, "claim", 10, 50, confidence=0.2)
    url = f"/api/articles/{article.pk}/spans/bulk-decision/"
    response = client_for(teammate).post(
        url, {"decision": "accept", "label": "claim", "max_confidence": 0.5}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert [s["derived_from"] for s in body["decided"]] == [low.pk]
    accepted = body["decided"][0]["id"]
    assert body["skipped"] == [
        {
            "id": overlapping.pk,
            "reason": f"It overlaps your claim span {accepted} [0, 40); "
            "spans of one label never overlap.",
        }
    ]
    by_ids = client_for(teammate).post(
        url, {"decision": "reject", "ids": [high.pk, low.pk, 999999]}, format="json"
    )
    assert by_ids.status_code == 200
    decided = by_ids.json()["decided"]
    assert [s["derived_from"] for s in decided] == [high.pk]
    # low is decided already: no longer a candidate, like an id that is not there at all.
    assert by_ids.json()["skipped"] == [
        {"id": low.pk, "reason": "not an undecided suggestion of this article"},
        {"id": 999999, "reason": "not an undecided suggestion of this article"},
    ]


def test_bulk_decision_validates(client_for, teammate, viewer, article):
    url = f"/api/articles/{article.pk}/spans/bulk-decision/"
    bad = client_for(teammate).post(url, {"decision": "maybe"}, format="json")
    assert bad.status_code == 400 and "decision" in bad.json()
    make_suggestion(article, "claim", 0, 40)
    denied = client_for(viewer).post(url, {"decision": "accept"}, format="json")
    assert denied.status_code == 403


def test_review_state(client_for, teammate, viewer, article):
    url = f"/api/articles/{article.pk}/review/"
    response = client_for(teammate).put(url, {"state": "done"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "done" and response.json()["article"] == article.pk
    assert client_for(teammate).put(url, {"state": "x"}, format="json").status_code == 400
    assert client_for(viewer).put(url, {"state": "done"}, format="json").status_code == 403


def test_token_auth_and_session_csrf(teammate, article):
    suggestion = make_suggestion(article, "claim", 0, 40)
    token = Token.objects.create(user=teammate)
    scripted = APIClient()
    scripted.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = f"/api/spans/{suggestion.pk}/decision/"
    assert scripted.post(url, {"decision": "accept"}, format="json").status_code == 200
    browser = APIClient(enforce_csrf_checks=True)
    assert browser.login(username="teammate", password=PASSWORD)
    assert browser.get(f"/api/articles/{article.pk}/spans/").status_code == 200
    refused = browser.post(f"/api/articles/{article.pk}/spans/", {"label": "claim"})
    assert refused.status_code == 403
    assert refused.json()["detail"][0].startswith("CSRF Failed")
    anonymous = APIClient().get(f"/api/articles/{article.pk}/")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"


def test_decision_query_count_is_flat(client_for, teammate, article, django_assert_max_num_queries):
    for offset in range(0, 60, 6):
        make_suggestion(article, "claim", offset, offset + 4)
    target = make_suggestion(article, "quote", 70, 90)
    with django_assert_max_num_queries(12):
        response = client_for(teammate).post(
            f"/api/spans/{target.pk}/decision/", {"decision": "accept"}, format="json"
        )
    assert response.status_code == 200


def test_span_output_matches_declared_fields(teammate, article):
    from rest_framework.serializers import ModelSerializer

    from articles.api.serializers import SpanOut

    suggestion = make_suggestion(article, "quote", 0, 9, attrs={"speaker": "Ana"})
    row = make_decision(suggestion, teammate)
    rejected = make_decision(make_suggestion(article, "claim", 20, 30), teammate, "reject")
    drawn = make_human_span(article, teammate, "claim", 40, 50, note="checked")
    unscored = make_suggestion(article, "speculation", 60, 70)
    Span.objects.filter(pk=unscored.pk).update(confidence=None)
    loaded = list(Span.objects.select_related("label", "annotator").filter(article=article))
    assert len(loaded) == 6
    for span in (suggestion, row, rejected, drawn, *loaded):
        serializer = SpanOut(span)
        assert serializer.data == dict(ModelSerializer.to_representation(serializer, span))
    assert SpanOut(loaded, many=True).data == [
        dict(ModelSerializer.to_representation(SpanOut(span), span)) for span in loaded
    ]


def test_patch_verdict_is_checked_and_saved(client_for, teammate, article):
    row = make_human_span(article, teammate, "claim", 0, 10)
    url = f"/api/spans/{row.pk}/"
    bad = client_for(teammate).patch(
        url, {"version": 1, "attrs": {"verdict": "sort of"}}, format="json"
    )
    assert bad.status_code == 400 and "verdict" in str(bad.json()["attrs"])
    ok = client_for(teammate).patch(
        url,
        {"version": 1, "attrs": {"verdict": "false", "fact_check_url": "https://x.org/c"}},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["attrs"]["verdict"] == "false"
