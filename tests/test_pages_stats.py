"""Stats page: articles per pre-tag state, each annotator's review states, spans per label
and status."""

from __future__ import annotations

from django.urls import reverse

from articles.models import Article
from articles.selectors.stats import project_stats
from articles.services import review_set_state
from tests.factories import make_article, make_decision, make_human_span, make_suggestion


def test_counts_by_state_annotator_label_and_status(
    client, viewer, teammate, reviewer, project, article
):
    other = make_article(project, "The school reopened on Monday.", title="School")
    Article.objects.filter(pk=other.pk).update(pretag_state="done")
    keep = make_suggestion(article, "claim", 0, 41)
    drop = make_suggestion(article, "speculation", 42, 65)
    make_decision(keep, teammate)
    make_decision(drop, teammate, "reject")
    make_human_span(article, reviewer, "quote", 67, 80)
    review_set_state(article=article, actor=teammate, state="done")
    review_set_state(article=other, actor=reviewer, state="in_progress")
    stats = project_stats(project)
    assert stats.articles == 2
    assert stats.by_pretag == {"pending": 1, "running": 0, "done": 1, "failed": 0}
    by_person = {person.username: person.by_state for person in stats.annotators}
    # Viewers do not annotate and are left out.
    assert by_person == {
        "owner": {"new": 2, "in_progress": 0, "done": 0},
        "reviewer": {"new": 1, "in_progress": 1, "done": 0},
        "teammate": {"new": 1, "in_progress": 0, "done": 1},
    }
    by_label = {label.name: label.by_status for label in stats.labels}
    assert by_label == {
        "claim": {"suggested": 1, "accepted": 1, "rejected": 0},
        "quote": {"suggested": 0, "accepted": 1, "rejected": 0},
        "speculation": {"suggested": 1, "accepted": 0, "rejected": 1},
    }
    assert stats.span_total == 5
    client.force_login(viewer)
    page = client.get(reverse("articles:project_stats", args=[project.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h2>Spans by label and status</h2>" in html
    assert '<tfoot><tr><th scope="row">all</th><td class="num">2</td></tr></tfoot>' in html


def test_a_former_member_keeps_their_row(project, teammate, owner, article):
    from articles.services import membership_change

    review_set_state(article=article, actor=teammate, state="done")
    membership_change(project=project, actor=owner, user=teammate, role=None)
    names = [person.username for person in project_stats(project).annotators]
    assert names == ["owner", "reviewer", "teammate"]


def test_an_empty_project_says_to_import(client, teammate, project, django_assert_max_num_queries):
    client.force_login(teammate)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("articles:project_stats", args=[project.pk])).content.decode()
    assert "Nothing to count yet" in html
    assert f'<a href="/projects/{project.pk}/import/">Import articles</a>' in html
