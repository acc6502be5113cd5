"""The ClaimReview export: schema.org markup per claim with a verdict, checked against the
fields Google's fact-check markup documents (tests/data/claimreview.schema.json)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from django.urls import reverse

from articles.attributes import RATING_SCALE
from articles.exports.claimreview import claim_review, rating
from articles.models import SpanEvent
from articles.services import snapshot_build
from articles.services.labels import label_update
from articles.services.spans import span_update
from tests.factories import label, make_article, make_decision, make_human_span, make_suggestion

SCHEMA = json.loads((Path(__file__).parent / "data" / "claimreview.schema.json").read_text())
SITE = "https://annotator.example.org"
TEXT = (
    "The city spent 61 million euros on electric buses. "
    '"Crime fell by half last year," said Ana Lima. Taxes will rise.'
)
CRIME = "Crime fell by half last year"


def _range(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def _set_verdict(span, user, **attrs):
    return span_update(span=span, actor=user, version=span.version, attrs=attrs)


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def checked(project, teammate):
    """The teammate's layer of one column: a claim with a verdict (edited from a suggestion),
    a claim with a verdict and a fact-check URL inside Ana Lima's quote, a claim without a
    verdict; and a second article with no author whose claim is unverifiable."""
    column = make_article(
        project,
        TEXT,
        title="Buses",
        source_url="https://news.example.org/columns/buses",
        author="Maria Ortega",
        published_at=dt.date(2026, 11, 30),
    )
    buses = make_suggestion(column, "claim", *_range(TEXT, "The city spent 61 million euros"))
    buses = _set_verdict(buses, teammate, verdict="mostly true", verdict_note="It was 59 million.")
    start, end = _range(TEXT, CRIME + ",")
    make_decision(
        make_suggestion(column, "quote", start, end, attrs={"speaker": "Ana Lima"}), teammate
    )
    crime = make_human_span(
        column,
        teammate,
        "claim",
        *_range(TEXT, CRIME),
        verdict="false",
        fact_check_url="https://factcheck.example.org/crime",
    )
    make_human_span(column, teammate, "claim", *_range(TEXT, "Taxes will rise"))
    wire = make_article(
        project,
        "Unemployment is the lowest in Europe.",
        title="Wire",
        source_url="https://www.daily.example.com/wire/7",
        published_at=dt.date(2026, 12, 1),
    )
    lowest = make_human_span(wire, teammate, "claim", 0, 36, verdict="unverifiable")
    return {"column": column, "wire": wire, "buses": buses, "crime": crime, "lowest": lowest}


def export(client, project, **query):
    response = client.get(f"/api/projects/{project.pk}/export/", {"format": "claimreview", **query})
    assert response.status_code == 200, response.content
    return response, b"".join(response.streaming_content)


def reviews(client, project, **query):
    return json.loads(export(client, project, **query)[1])


def by_claim(items):
    return {item["claimReviewed"]: item for item in items}


def test_one_review_per_claim_with_a_verdict_valid_markup(client_for, viewer, project, checked):
    response, body = export(client_for(viewer), project)
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    assert response["Content-Disposition"].endswith('.claimreview.jsonld"')
    items = json.loads(body)
    jsonschema.validate(items, SCHEMA)
    assert [item["claimReviewed"] for item in items] == [
        "The city spent 61 million euros",
        CRIME,
        "Unemployment is the lowest in Europe",
    ]
    buses = items[0]
    assert buses["itemReviewed"] == {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Maria Ortega"},
        "datePublished": "2026-11-30",
        "appearance": {
            "@type": "CreativeWork",
            "url": "https://news.example.org/columns/buses",
            "headline": "Buses",
        },
    }
    assert buses["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "mostly true",
        "name": "mostly true",
        "ratingValue": 4,
        "bestRating": 5,
        "worstRating": 1,
        "ratingExplanation": "It was 59 million.",
    }
    # No fact-check URL: the claim in the editor on the configured site.
    assert buses["url"] == f"{SITE}/articles/{checked['column'].pk}/#span-{checked['buses'].pk}"
    assert buses["author"] == {"@type": "Organization", "name": "Opinion desk", "url": SITE}


def test_claims_without_a_verdict_are_left_out(client_for, viewer, project, checked):
    items = reviews(client_for(viewer), project)
    assert "Taxes will rise" not in by_claim(items)
    assert (
        project.articles.get(pk=checked["column"].pk)
        .spans.filter(text="Taxes will rise", status="accepted")
        .exists()
    )
    # Clearing a verdict takes the claim out of the export.
    _set_verdict(checked["crime"], checked["crime"].annotator, verdict="")
    assert CRIME not in by_claim(reviews(client_for(viewer), project))


def test_the_quote_speaker_is_the_claim_author(client_for, viewer, project, checked):
    items = by_claim(reviews(client_for(viewer), project))
    crime = items[CRIME]
    assert crime["itemReviewed"]["author"] == {"@type": "Person", "name": "Ana Lima"}
    assert crime["url"] == "https://factcheck.example.org/crime"
    assert crime["reviewRating"]["ratingValue"] == 1  # "false", the worst on the scale
    # No author and no speaker: the publication, named after the site's host.
    wire = items["Unemployment is the lowest in Europe"]
    assert wire["itemReviewed"]["author"] == {"@type": "Organization", "name": "daily.example.com"}


def test_off_scale_verdicts_carry_no_number(client_for, viewer, project, checked):
    rating = by_claim(reviews(client_for(viewer), project))["Unemployment is the lowest in Europe"][
        "reviewRating"
    ]
    assert rating == {"@type": "Rating", "alternateName": "unverifiable", "name": "unverifiable"}


def test_positions_follow_a_custom_scale(client_for, owner, teammate, viewer, project, article):
    claim = label(project, "claim")
    attributes = [
        {**attribute, "choices": ["correct", "unverifiable", "half right", "wrong"]}
        if attribute["name"] == "verdict"
        else attribute
        for attribute in claim.attributes
    ]
    label_update(label=claim, actor=owner, attributes=attributes)
    verdicts = {
        "Officials said the bridge opened in 2019": "wrong",
        "It may close next year": "half right",
    }
    for words, verdict in verdicts.items():
        make_human_span(article, teammate, "claim", *_range(article.text, words), verdict=verdict)
    items = by_claim(reviews(client_for(viewer), project))
    ratings = {text: item["reviewRating"] for text, item in items.items()}
    assert {
        text: (r["ratingValue"], r["bestRating"], r["worstRating"]) for text, r in ratings.items()
    } == {
        "Officials said the bridge opened in 2019": (1, 3, 1),
        "It may close next year": (2, 3, 1),
    }


def test_review_date_is_when_the_verdict_was_set(client_for, viewer, project, checked):
    crime = checked["crime"]
    set_at = SpanEvent.objects.get(span=crime, action="create").created_at
    # A later change of the explanation alone is not a new verdict.
    crime = _set_verdict(crime, crime.annotator, **{**crime.attrs, "verdict_note": "Police data."})
    assert crime.updated_at > set_at
    item = by_claim(reviews(client_for(viewer), project))[CRIME]
    assert item["datePublished"] == set_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert item["reviewRating"]["ratingExplanation"] == "Police data."
    # A new verdict is.
    crime = _set_verdict(crime, crime.annotator, **{**crime.attrs, "verdict": "misleading"})
    changed = SpanEvent.objects.filter(span=crime).latest("created_at", "id").created_at
    item = by_claim(reviews(client_for(viewer), project))[CRIME]
    assert item["datePublished"] == changed.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_publisher_and_site_are_configurable(client_for, viewer, project, checked, settings):
    settings.CLAIMREVIEW_PUBLISHER_NAME = "Fact Desk"
    settings.CLAIMREVIEW_PUBLISHER_URL = "https://factdesk.example.net"
    settings.SITE_URL = ""
    buses = by_claim(reviews(client_for(viewer), project))["The city spent 61 million euros"]
    assert buses["author"] == {
        "@type": "Organization",
        "name": "Fact Desk",
        "url": "https://factdesk.example.net",
    }
    # Without SITE_URL the streamed export links to the address it was asked on.
    assert buses["url"].startswith(f"http://testserver/articles/{checked['column'].pk}/#span-")


def test_rejected_claims_are_not_reviews(client_for, viewer, teammate, project, article):
    start, end = _range(article.text, "Officials said the bridge opened in 2019")
    suggestion = make_suggestion(article, "claim", start, end, attrs={"verdict": "false"})
    make_decision(suggestion, teammate, "reject")
    client = client_for(viewer)
    assert reviews(client, project, include_rejected=1) == []
    assert reviews(client, project, status="rejected") == []
    # The suggestion itself holds the verdict: asked for, suggestions are exported.
    asked = reviews(client, project, status="suggested,rejected")
    assert [item["claimReviewed"] for item in asked] == [suggestion.text]


def test_the_layer_rules_of_every_export(client_for, viewer, reviewer, teammate, project, checked):
    column = checked["column"]
    # A gold layer on the column: the default export (layer=auto) takes gold there.
    make_human_span(
        column, reviewer, "claim", *_range(TEXT, "electric buses"), gold=True, verdict="true"
    )
    client = client_for(viewer)
    assert list(by_claim(reviews(client, project))) == [
        "electric buses",
        "Unemployment is the lowest in Europe",
    ]
    editor_layer = reviews(client, project, layer="editor:teammate")
    assert len(editor_layer) == 3


def test_permissions_as_for_other_exports(client_for, outsider, teammate, owner, project, checked):
    url = f"/api/projects/{project.pk}/export/"
    assert client_for(outsider).get(url, {"format": "claimreview"}).status_code == 404
    # A blind project's editor exports their own layer only.
    make_human_span(
        checked["wire"], owner, "claim", *_range("Unemployment is the lowest", "lowest"),
        verdict="false",
    )  # fmt: skip
    editor = client_for(teammate)
    assert "lowest" not in by_claim(reviews(editor, project))
    assert len(reviews(editor, project)) == 3
    refused = editor.get(url, {"format": "claimreview", "layer": "editor:owner"})
    assert refused.status_code == 403
    assert "lowest" in by_claim(reviews(client_for(owner), project))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_snapshot_in_this_format_is_the_export(
    client_for, viewer, project, checked, media, django_capture_on_commit_callbacks
):
    client = client_for(viewer)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        made = client.post(
            f"/api/projects/{project.pk}/snapshots/", {"format": "claimreview"}, format="json"
        )
    assert made.status_code == 202, made.json()
    assert len(queued) == 1
    built = snapshot_build(snapshot_id=made.json()["id"])
    assert (built.state, built.article_count, built.span_count) == ("done", 2, 3)
    download = client.get(f"/api/snapshots/{built.pk}/download/")
    assert download["Content-Type"] == "application/ld+json; charset=utf-8"
    assert (
        f'filename="project-{project.pk}-v1.claimreview.jsonld"'
        in (download["Content-Disposition"])
    )
    data = b"".join(download.streaming_content)
    jsonschema.validate(json.loads(data), SCHEMA)
    # With SITE_URL set, the frozen file is the streamed export byte for byte.
    _, streamed = export(client, project)
    assert data == streamed


def test_export_page_offers_the_format(client, viewer, project, checked):
    client.force_login(viewer)
    page = client.get(
        reverse("articles:project_export", args=[project.pk]),
        {"format": "claimreview", "status": "accepted"},
    )
    assert page.status_code == 200, page.content.decode()[:2000]
    html = page.content.decode()
    assert 'value="claimreview"' in html
    # The figures count the reviews the file holds: claims with a verdict, not every span.
    assert (page.context["article_total"], page.context["span_total"]) == (2, 3)
    assert f"/api/projects/{project.pk}/export/?format=claimreview" in page.context["download_url"]


def test_values_a_declaration_no_longer_allows_are_kept_safe():
    """An imported layer, or a scale edited after the verdicts were given, may hold values
    the declarations refuse now: a stale verdict gets no number, an odd URL no link."""
    assert rating("pants on fire", RATING_SCALE) == {
        "@type": "Rating",
        "alternateName": "pants on fire",
        "name": "pants on fire",
    }
    row = {"id": 7, "title": "", "text": "Taxes rose.", "meta": {}, "source_url": ""}
    span = {
        "id": 9,
        "text": "Taxes rose",
        "attrs": {"verdict": "false", "fact_check_url": "javascript:alert(1)"},
        "annotator": "teammate",
        "updated_at": "2026-12-03T08:00:00.000000Z",
    }
    review = claim_review(
        row, span, scale=RATING_SCALE, quotes=[], site_url=SITE, publisher={"name": "Desk"}
    )
    assert review["url"] == f"{SITE}/articles/7/#span-9"
    assert review["itemReviewed"] == {"@type": "Claim"}
    assert review["datePublished"] == "2026-12-03T08:00:00.000000Z"
