"""Progress and quality figures: counted on a small project whose every number is known,
the same in the API and on the page (SVG charts and tables)."""

from __future__ import annotations

import re

import pytest

from articles.charts import columns, lines, stacked_bars
from articles.importing import Record
from articles.models import Article, Assignment
from articles.services import (
    articles_import_unchecked,
    membership_set,
    review_set_state,
    span_update,
)
from articles.services.assignments import assignment_flag, assignment_skip
from tests.factories import make_decision, make_human_span, make_suggestion, make_user

TEXT = "Alpha beta gamma. Delta epsilon zeta."


@pytest.fixture
def desk(project, teammate):
    """Two editors, k=2, three imported articles; the tagger's suggestions on the first
    are accepted, edited, rejected, and one span drawn where it suggested nothing."""
    other = make_user("other")
    membership_set(project=project, user=other, role="editor")
    project.annotators_per_article = 2
    project.save(update_fields=["annotators_per_article"])
    records = [Record(where=f"r{i}", text=f"{TEXT} Number {i}.") for i in range(3)]
    articles_import_unchecked(project=project, records=records, importer=None, pretag=False)
    first, second, third = Article.objects.filter(project=project).order_by("id")
    Article.objects.filter(pk=first.pk).update(pretag_tagger="rules@9")
    claim = make_suggestion(first, "claim", 0, 17)
    spec = make_suggestion(first, "speculation", 18, 37)
    claim.tagger_version = spec.tagger_version = "rules@9"
    claim.save()
    spec.save()
    make_decision(claim, teammate)  # accepted as is
    make_decision(claim, other)
    make_decision(spec, teammate, "reject")
    span_update(span=spec, actor=other, version=1, start=18, end=31)  # edited
    make_human_span(first, teammate, "quote", 18, 31)  # the tagger missed it
    for user in (teammate, other):
        review_set_state(article=first, actor=user, state="done")
    assignment_skip(article=second, actor=teammate, reason="Off topic")
    assignment_flag(article=third, actor=other, reason="Duplicate of another piece")
    return {"other": other, "first": first}


def test_api_counts_progress_flags_and_tagger_quality(client_for, project, reviewer, desk):
    response = client_for(reviewer).get(f"/api/projects/{project.pk}/stats/")
    assert response.status_code == 200
    body = response.json()
    progress = {row["editor"]: row for row in body["progress"]}
    # teammate: 3 assigned (1 done, 1 skipped, 1 open); other got teammate's skipped one
    # but had all three already (k=2 of 2 editors), so the article has one editor short.
    assert {k: progress["teammate"][k] for k in ("assigned", "done", "skipped", "open")} == {
        "assigned": 3,
        "done": 1,
        "skipped": 1,
        "open": 1,
    }
    assert progress["other"]["flagged"] == 1
    assert progress["teammate"]["spans"] == {"claim": 1, "quote": 1}
    assert body["flags"][0]["reason"] == "Duplicate of another piece"
    quality = {(row["tagger"], row["label"]): row for row in body["tagger"]}
    claim = quality["rules@9", "claim"]
    assert (claim["accepted"], claim["edited"], claim["rejected"], claim["share_accepted"]) == (
        2,
        0,
        0,
        1.0,
    )
    spec = quality["rules@9", "speculation"]
    assert (spec["accepted"], spec["edited"], spec["rejected"]) == (0, 1, 1)
    assert (spec["share_edited"], spec["share_rejected"]) == (0.5, 0.5)
    quote = quality["rules@9", "quote"]
    assert (quote["missed"], quote["share_missed"]) == (1, 1.0)
    assert sum(point["count"] for point in body["decisions_per_hour"]) == 5
    (week,) = body["agreement_by_week"]
    assert week["labels"]["claim"]["f1_overlap"] == 1.0


def test_stats_need_a_reviewer(client_for, project, teammate, viewer):
    assert client_for(teammate).get(f"/api/projects/{project.pk}/stats/").status_code == 403
    assert client_for(viewer).get(f"/api/projects/{project.pk}/stats/").status_code == 403


def test_page_draws_charts_and_the_same_figures(client, project, reviewer, desk):
    client.force_login(reviewer)
    response = client.get(f"/projects/{project.pk}/stats/quality/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<svg class="chart"') == 4
    assert "Duplicate of another piece" in html
    assert "style=" not in html  # the CSP allows no inline style
    assert re.search(r"<td>teammate</td><td>3</td><td>1</td><td>1</td><td>1</td>", html)


def test_charts_escape_text_and_scale():
    svg = stacked_bars([("<b>", [("done", 2, "#000"), ("open", 2, "#111")])], "T & U")
    assert "&lt;b&gt;" in svg and "T &amp; U" in svg
    assert 'width="350.0"' not in svg  # two segments share the scale: 175 each
    assert svg.count('width="175.0"') == 2
    assert "<rect" not in columns([], "Empty")
    assert "<polyline" in lines(["w1", "w2"], [("claim", [0.5, 1.0], "#123456")], "L")
    assert "<polyline" not in lines(["w1", "w2"], [("claim", [None, 1.0], "#123456")], "L")


def test_queue_offers_skip_and_flag_to_the_assignee(client, project, teammate, desk):
    client.force_login(teammate)
    open_one = Assignment.objects.with_state().filter(annotator=teammate, state="assigned").first()
    assert open_one is not None
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert f'action="/articles/{open_one.article_id}/assignment/"' in page
    refused = client.post(
        f"/articles/{open_one.article_id}/assignment/", {"action": "flag"}, follow=True
    )
    assert "Say what is wrong with the article." in refused.content.decode()
    done = client.post(
        f"/articles/{open_one.article_id}/assignment/",
        {"action": "flag", "reason": "Broken paragraphs"},
    )
    assert done.status_code == 302
    assert Assignment.objects.get(pk=open_one.pk).flag_reason == "Broken paragraphs"
