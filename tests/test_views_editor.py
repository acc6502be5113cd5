"""Editor pages: project list, article queue (filters, order, counts) and the editor page."""

from __future__ import annotations

import gzip
import json

import pytest
from django.urls import reverse

from articles.models import Review, Span
from articles.services import review_set_state
from tests.factories import make_article, make_decision, make_project, make_suggestion


def editor_data(response) -> dict:
    return editor_data_of(response.content.decode())


def editor_data_of(html: str) -> dict:
    start = html.index('<script id="editor-data" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


def editor_spans(data: dict) -> list[dict]:
    """The page's compact span rows as dicts, decoded as editor.js does (empty = absent)."""
    table = data["spans"]
    out = []
    for row in table["rows"]:
        span = dict(zip(table["columns"], row, strict=False))
        span["label"] = data["labels"][span["label"]]["name"]
        span["status"] = table["status"][span["status"]]
        span["origin"] = table["origin"][span["origin"]]
        span["kind"] = table["kind"][span["kind"]]
        if span.get("annotator") is not None:
            span["annotator"] = data["user"]
        out.append(span)
    return out


def test_editor_page_inlines_text_labels_and_my_view(client, teammate, article):
    claim = make_suggestion(article, "claim", 0, 41)
    quote = make_suggestion(
        article, "quote", 0, 20, attrs={"speaker": "Ana <b>", "direct": True}, confidence=0.0
    )
    decided = make_suggestion(article, "speculation", 42, 65)
    make_decision(decided, teammate)
    client.force_login(teammate)
    response = client.get(reverse("articles:article_detail", args=[article.pk]))
    assert response.status_code == 200
    assert b"data-article-text" in response.content
    data = editor_data(response)
    assert data["article"]["text"] == article.text
    assert [label["name"] for label in data["labels"]] == ["claim", "quote", "speculation"]
    assert [label["hotkey"] for label in data["labels"]] == ["1", "2", "3"]
    # Labels declare what their spans carry, so the page never tests label names.
    assert [[a["name"] for a in label["attributes"]] for label in data["labels"]] == [
        ["verdict", "verdict_note", "fact_check_url"],
        ["speaker", "direct"],
        ["cue"],
    ]
    spans = editor_spans(data)
    by_id = {span["id"]: span for span in spans}
    # The decided suggestion is replaced by the teammate's decision row.
    assert claim.pk in by_id and decided.pk not in by_id
    row = next(span for span in spans if span.get("derived_from") == decided.pk)
    assert "note" not in row and "attrs" not in row  # empty fields are left out
    assert row["status"] == "accepted" and row["annotator"] == "teammate"
    assert row["origin"] == "machine" and (row["start"], row["end"]) == (42, 65)
    assert row["kind"] == "accepted" and by_id[claim.pk]["kind"] == "suggested"
    suggestion = by_id[claim.pk]
    assert (suggestion["status"], suggestion["label"], suggestion["confidence"]) == (
        "suggested",
        "claim",
        claim.confidence,
    )
    assert suggestion.get("annotator") is None
    assert by_id[quote.pk]["attrs"] == {"speaker": "Ana <b>", "direct": True}
    assert by_id[quote.pk]["confidence"] == 0.0
    assert data["can_edit"] is True and data["csrf"]
    # The similar-claims panel is told which label and attributes it works with.
    assert data["similar"] == {
        "label": "claim",
        "verdict": "verdict",
        "note": "verdict_note",
        "url": "fact_check_url",
        "copy": ["verdict", "verdict_note", "fact_check_url"],
        "off_scale": ["unverifiable"],
    }


def test_outsider_gets_404_everywhere(client, outsider, project, article):
    client.force_login(outsider)
    for url in (
        reverse("articles:article_list", args=[project.pk]),
        reverse("articles:article_detail", args=[article.pk]),
        reverse("articles:article_next", args=[article.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert project.name.encode() not in client.get("/").content


def test_viewer_sees_read_only_editor(client, viewer, article):
    client.force_login(viewer)
    response = client.get(reverse("articles:article_detail", args=[article.pk]))
    assert response.status_code == 200
    assert editor_data(response)["can_edit"] is False


def test_guidelines_panel_renders_markdown_escaped(client, owner, project, article):
    project.guidelines = "## Our rules\n\n- Mark **claims** <script>x</script>\n"
    project.save()
    client.force_login(owner)
    html = client.get(reverse("articles:article_detail", args=[article.pk])).content.decode()
    assert "<h2>Our rules</h2>" in html
    assert "<strong>claims</strong> &lt;script&gt;" in html
    page = client.get(reverse("articles:guidelines")).content.decode()
    assert "<h2>Marking a span</h2>" in page and "<strong>without</strong>" in page
    # Written for editors: nothing about how the software counts characters.
    for word in ("code point", "UTF-16", "offset", "the editor must"):
        assert word not in page


@pytest.mark.parametrize("count", [5, 500])
def test_editor_page_queries_are_constant(
    client, teammate, article, django_assert_max_num_queries, count
):
    """The editor costs the same number of queries with 5 or 500 spans."""
    long = make_article(article.project, "Word number one. " * 600, title="Long")
    Span.objects.bulk_create(
        [
            Span(
                article=long,
                label=long.project.labels.get(name=("claim", "quote")[i % 2]),
                start=i * 17,
                end=i * 17 + 15,
                text=long.text[i * 17 : i * 17 + 15],
                origin="machine",
                status="suggested",
                confidence=0.5,
            )
            for i in range(count)
        ]
    )
    client.force_login(teammate)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("articles:article_detail", args=[long.pk]))
    assert len(editor_spans(editor_data(response))) == count


def test_queue_orders_in_progress_then_new_then_done(client, teammate, project):
    first = make_article(project, "First article text.", title="First")
    second = make_article(project, "Second article text.", title="Second")
    third = make_article(project, "Third article text.", title="Third")
    review_set_state(article=first, actor=teammate, state="done")
    review_set_state(article=third, actor=teammate, state="in_progress")
    client.force_login(teammate)
    response = client.get(reverse("articles:article_list", args=[project.pk]))
    assert [a.pk for a in response.context["page"]] == [third.pk, second.pk, first.pk]
    html = response.content.decode()
    # Only the first row not done is marked next.
    assert f'<tr class="next state-in_progress" data-article-id="{third.pk}">' in html
    assert html.count('<span class="pill next">next</span>') == 1


def test_queue_filters_and_counts_pending_suggestions(client, teammate, owner, project):
    article = make_article(project, "The bridge opened in 2019. It may close.", title="Bridge")
    other = make_article(project, "Nothing to see here at all.", title="Quiet")
    one = make_suggestion(article, "claim", 0, 26)
    make_suggestion(article, "speculation", 27, 40)
    make_decision(one, teammate)
    # The owner's decisions do not change the teammate's pending count.
    make_decision(one, owner, "reject")
    Review.objects.create(article=other, annotator=teammate, state="done")
    client.force_login(teammate)
    url = reverse("articles:article_list", args=[project.pk])
    rows = {a.pk: a for a in client.get(url).context["page"]}
    assert rows[article.pk].pending_count == 1
    assert rows[article.pk].mine_count == 1
    assert rows[other.pk].pending_count == 0
    # The API's filter names.
    assert [a.pk for a in client.get(url, {"review_state": "new"}).context["page"]] == [article.pk]
    assert [a.pk for a in client.get(url, {"review_state": "done"}).context["page"]] == [other.pk]
    assert [a.pk for a in client.get(url, {"q": "quiet"}).context["page"]] == [other.pk]
    assert list(client.get(url, {"pretag_state": "done"}).context["page"]) == []
    pending = client.get(url, {"pretag_state": "pending", "review_state": "done"})
    assert [a.pk for a in pending.context["page"]] == [other.pk]


def test_queue_reports_an_unknown_filter_or_value(client, teammate, project, article):
    client.force_login(teammate)
    url = reverse("articles:article_list", args=[project.pk])
    renamed = client.get(url, {"review": "done"})
    assert renamed.status_code == 400
    assert renamed.context["page"] is None
    assert (
        "Unknown filter &#x27;review&#x27;: the filters are review_state, pretag_state and q."
        in renamed.content.decode()
    )
    wrong = client.get(url, {"pretag_state": "finished"})
    assert wrong.status_code == 400
    assert wrong.context["filters"].errors == {
        "pretag_state": ["Select a valid choice. finished is not one of the available choices."]
    }
    assert b"Bridge" not in wrong.content  # no rows for a filter that was not applied


def test_queue_pager_keeps_the_filters(client, teammate, project, monkeypatch):
    from articles.pages import queue

    monkeypatch.setattr(queue, "QUEUE_PAGE_SIZE", 2)
    for i in range(3):
        make_article(project, f"Queue article {i} about the harbour.", title=f"Harbour {i}")
    client.force_login(teammate)
    url = reverse("articles:article_list", args=[project.pk])
    html = client.get(url, {"q": "harbour", "pretag_state": "pending"}).content.decode()
    assert 'href="?pretag_state=pending&amp;q=harbour&amp;page=2"' in html


def test_queue_queries_are_constant(client, teammate, project, django_assert_max_num_queries):
    for i in range(30):
        article = make_article(project, f"Article {i}. The council met on Monday.")
        make_suggestion(article, "claim", 0, len(f"Article {i}."))
    client.force_login(teammate)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("articles:article_list", args=[project.pk]))
    assert len(response.context["page"]) == 30


def test_next_goes_to_next_undone_article_then_back_to_queue(client, teammate, project):
    first = make_article(project, "First article text.", title="First")
    second = make_article(project, "Second article text.", title="Second")
    client.force_login(teammate)
    response = client.get(reverse("articles:article_next", args=[first.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("articles:article_detail", args=[second.pk])
    review_set_state(article=second, actor=teammate, state="done")
    response = client.get(reverse("articles:article_next", args=[first.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("articles:article_list", args=[project.pk])


def test_project_list_counts(client, teammate, project, article):
    review_set_state(article=article, actor=teammate, state="done")
    make_project(None, name="Someone else's")
    client.force_login(teammate)
    response = client.get("/")
    projects = list(response.context["projects"])
    assert [p.name for p in projects] == [project.name]
    assert projects[0].article_count == 1 and projects[0].done_count == 1


def test_editor_page_is_gzipped_for_clients_that_accept_it(client, teammate, article):
    make_suggestion(article, "claim", 0, 41)
    client.force_login(teammate)
    url = reverse("articles:article_detail", args=[article.pk])
    plain = client.get(url)
    packed = client.get(url, headers={"accept-encoding": "gzip"})
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    page = gzip.decompress(packed.content)
    assert len(packed.content) < len(page)
    data = editor_data_of(page.decode())
    assert data["article"]["text"] == article.text and len(data["spans"]["rows"]) == 1
    # The CSRF token in the page is masked afresh on every response (BREACH).
    assert data["csrf"] != editor_data(plain)["csrf"]


def test_streaming_export_is_gzipped_whole(teammate, project, article):
    from rest_framework.test import APIClient

    make_suggestion(article, "claim", 0, 41)
    client = APIClient()
    client.force_authenticate(teammate)
    url = f"/api/projects/{project.pk}/export/?format=jsonl&status=suggested"
    plain = client.get(url)
    packed = client.get(url, headers={"accept-encoding": "gzip"})
    assert plain.streaming and packed.streaming and packed["Content-Encoding"] == "gzip"
    body = b"".join(plain.streaming_content)
    assert gzip.decompress(b"".join(packed.streaming_content)) == body
    assert json.loads(body.splitlines()[0])["id"] == article.pk
