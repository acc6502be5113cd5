"""``GET /api/projects/{id}/spans/search/``: text (full text and the substring fallback),
each filter, pages, snippets, who sees what, bad input; the index the search relies on."""

import pytest
from django.db import connection

from articles.models import Span
from articles.search_text import Term, match_ranges, parse_query, snippet
from articles.selectors.search import SpanSearch, full_text_match, span_search
from tests.factories import (
    make_article,
    make_decision,
    make_human_span,
    make_project,
    make_suggestion,
)

BUSES = "The city spent 61 million euros on electric buses."
BRIDGE = "The bridge will cost the city more than the buses did."
PARK = "Nobody asked the residents about the new park."
QUOTE = '"We are ready for the buses," said Ana Lima.'


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full text search is PostgreSQL's"
)


def _url(project, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/api/projects/{project.pk}/spans/search/?{query}"


def _whole(project, text, label="claim", **fields):
    article = make_article(project, text, **fields)
    return make_suggestion(article, label, 0, len(text))


def _ids(body):
    return [row["id"] for row in body["results"]]


@pytest.fixture
def claims(project):
    return {
        "buses": _whole(project, BUSES, title="Buses"),
        "bridge": _whole(project, BRIDGE, title="Bridge"),
        "park": _whole(project, PARK, title="Park"),
    }


@postgresql_only
def test_stemmed_words_rank_and_row(client_for, viewer, project, claims):
    """Words match their stems ("euro" finds "euros"); a span with both words ranks first."""
    body = client_for(viewer).get(_url(project, q="euro city spent")).json()
    assert body["method"] == "full_text"
    assert _ids(body) == [claims["buses"].pk]
    body = client_for(viewer).get(_url(project, q="buses or bridge")).json()
    assert _ids(body) == [claims["bridge"].pk, claims["buses"].pk]
    assert body["results"][0]["rank"] > body["results"][1]["rank"]
    row = body["results"][1]
    buses = claims["buses"]
    assert row["text"] == BUSES and row["label"] == "claim" and row["status"] == "suggested"
    assert row["article"] == {"id": buses.article_id, "title": "Buses"}
    assert row["editor_url"] == f"/articles/{buses.article_id}/#span-{buses.pk}"
    assert row["annotator"] is None and row["attrs"] == {}
    start, end = row["snippet"]["matches"][0]
    assert row["snippet"]["text"][start:end] == "buses"


def test_web_search_syntax_phrase_and_negation(client_for, owner, project, claims):
    client = client_for(owner)
    assert _ids(client.get(_url(project, q="city -bridge")).json()) == [claims["buses"].pk]
    assert _ids(client.get(_url(project, q='"electric buses"')).json()) == [claims["buses"].pk]
    assert _ids(client.get(_url(project, q='"buses electric"')).json()) == []


def test_substring_fallback_has_the_same_syntax(owner, project, claims):
    """The SQLite path, run on PostgreSQL: substrings, any case, unranked, article order."""

    def found(q):
        search = SpanSearch(q=q)
        page = span_search(user=owner, project=project, search=search, full_text=False)
        assert page.method == "substring"
        return [row["id"] for row in page.rows]

    assert found("CITY") == [claims["buses"].pk, claims["bridge"].pk]
    assert found("city -bridge") == [claims["buses"].pk]
    assert found('"electric buses"') == [claims["buses"].pk]
    assert found("park or bridge") == [claims["bridge"].pk, claims["park"].pk]
    assert found("-city") == [claims["park"].pk]


def test_filters(client_for, owner, teammate, project, claims):
    article = make_article(project, QUOTE, title="Quote")
    quote = make_human_span(article, owner, "quote", 0, len(QUOTE), speaker="Ana Lima")
    verdict = make_human_span(claims["park"].article, owner, "claim", 0, len(PARK), verdict="false")
    rejected = make_decision(claims["bridge"], teammate, "reject")
    client = client_for(owner)

    def ids(**params):
        response = client.get(_url(project, **params))
        assert response.status_code == 200, response.json()
        return set(_ids(response.json()))

    assert ids(label="quote") == {quote.pk}
    assert ids(label="quote,claim", q="ready or electric") == {quote.pk, claims["buses"].pk}
    assert ids(speaker="ana l") == ids(speaker="LIMA") == {quote.pk}
    assert ids(verdict="False") == {verdict.pk}
    assert ids(status="rejected") == {rejected.pk}
    assert ids(layer="human") == {quote.pk, verdict.pk, rejected.pk}
    assert ids(layer="machine") == {span.pk for span in claims.values()}
    assert ids(annotator="teammate") == {rejected.pk}
    assert ids(article=article.pk) == {quote.pk}
    assert ids(q="", label="", speaker="") == {
        quote.pk,
        verdict.pk,
        rejected.pk,
        *(span.pk for span in claims.values()),
    }


@pytest.mark.parametrize("q", ["", "the city"])
def test_pages_forward_and_back(client_for, owner, project, q):
    """Keyset pages, ranked or not: every row once, the same order both ways."""
    spans = [_whole(project, f"The city paid {n} million euros, the city said.") for n in range(7)]
    client = client_for(owner)
    everything = _ids(client.get(_url(project, q=q, page_size=100)).json())
    assert sorted(everything) == sorted(span.pk for span in spans)
    seen, pages, url = [], [], _url(project, q=q, page_size=3)
    while url:
        body = client.get(url).json()
        pages.append(body)
        seen += _ids(body)
        url = body["next"]
    assert seen == everything and len(pages) == 3
    assert pages[0]["previous"] is None
    back = client.get(pages[2]["previous"]).json()
    assert _ids(back) == _ids(pages[1]) and back["next"] and back["previous"]
    assert _ids(client.get(back["previous"]).json()) == _ids(pages[0])


def test_outsider_404_and_blind_layers(client_for, owner, teammate, viewer, outsider, project):
    """Outsiders get the project's 404; in a blind project an editor does not find another
    editor's rows, while a viewer does."""
    span = _whole(project, BUSES)
    decision = make_decision(span, owner, "accept")
    assert client_for(outsider).get(_url(project, q="buses")).status_code == 404
    other = make_project(outsider, "Elsewhere")
    _whole(other, BUSES)
    assert set(_ids(client_for(viewer).get(_url(project, q="buses")).json())) == {
        span.pk,
        decision.pk,
    }
    assert _ids(client_for(teammate).get(_url(project, q="buses")).json()) == [span.pk]
    project.blind = False
    project.save()
    assert len(_ids(client_for(teammate).get(_url(project, q="buses")).json())) == 2


def test_bad_params_are_400_with_field_messages(client_for, owner, project):
    client = client_for(owner)
    response = client.get(_url(project, q="buses", colour="red"))
    assert response.status_code == 400 and set(response.json()) == {"colour"}
    response = client.get(_url(project, status="maybe", layer="robot", page_size=0))
    assert response.status_code == 400
    assert {"status", "layer", "page_size"} <= set(response.json())
    for params, field in [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"label": "claim,nonsense"}, "label"),
        ({"article": "abc"}, "article"),
        ({"q": "x" * 501}, "q"),
    ]:
        response = client.get(_url(project, **params))
        assert response.status_code == 400 and field in response.json(), params


@postgresql_only
def test_cursor_of_an_unranked_search_does_not_fit_a_ranked_one(client_for, owner, project):
    client = client_for(owner)
    _whole(project, BUSES)
    _whole(project, BRIDGE)
    unranked = client.get(_url(project, page_size=1)).json()["next"]
    cursor = unranked.split("cursor=")[1].split("&")[0]
    response = client.get(_url(project, q="city", cursor=cursor))
    assert response.status_code == 400 and "cursor" in response.json()


@postgresql_only
def test_index_serves_the_text_search(db):
    """The search reads the GIN index of migration 0013's stored vector."""
    spans = full_text_match(Span.objects.all(), "electric buses")
    sql, params = spans.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "span_search_vector" in plan


def test_parse_query():
    assert parse_query('Bus "electric  buses" -park or bridge') == [
        [Term("Bus"), Term("electric buses", phrase=True), Term("park", negated=True)],
        [Term("bridge")],
    ]
    assert parse_query(' - "" or ') == []


def test_snippet_stays_in_the_paragraph_and_marks_matches():
    text = (
        "First paragraph.\nThe city spent a lot of money on electric buses this year, "
        "said the mayor to the press.\nNext."
    )
    start = text.index("electric")
    end = start + len("electric buses")
    shown = snippet(
        before=text[max(0, start - 80) : start],
        span_text=text[start:end],
        after=text[end : end + 81],
        start=start,
        query="buses",
    )
    assert shown.text.startswith("The city") and shown.text.endswith("to the press.")
    assert shown.text[slice(*shown.span)] == "electric buses"
    assert [shown.text[s:e] for s, e in shown.matches] == ["buses"]
    assert not shown.cut_before and not shown.cut_after
    long = "word " * 40 + "target" + " more" * 40
    at = long.index("target")
    cut = snippet(
        before=long[at - 80 : at],
        span_text="target",
        after=long[at + 6 : at + 87],
        start=at,
        query="",
    )
    assert cut.cut_before and cut.cut_after and cut.text.startswith("word ")
    assert cut.text.endswith("more") and cut.matches == []


def test_match_ranges():
    assert match_ranges("Electric buses, a bus.", "bus") == [(9, 14), (18, 21)]
    assert match_ranges("city buses", '"city buses" -city') == [(0, 10)]
