"""Writes by editors on different articles of one project never wait on each other in a
cycle (PostgreSQL: real row locks between connections).

Every write locks its article, then counts towards the project's retraining at the end of
its transaction, and its commit checks its foreign keys (sharing the label's row). A write
that also held the label's row (an edit of one's own span once locked it with the span)
deadlocked with a decision of the same label holding the counter; PostgreSQL then failed
one of them.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from articles.models import Span
from articles.services import membership_set, span_decide, span_update
from tests.factories import make_article, make_project, make_suggestion, make_user

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between connections need PostgreSQL"
)

EDITORS = 4
SENTENCES = 15


def _desk(user_id: int, ids: list[int], errors: list[BaseException], gate: threading.Barrier):
    """Decide each suggestion, then at once edit the note of the row just made."""
    from django.contrib.auth import get_user_model

    try:
        user = get_user_model().objects.get(pk=user_id)
        gate.wait()
        for pk in ids:
            suggestion = Span.objects.select_related("article__project", "label").get(pk=pk)
            row = span_decide(span=suggestion, actor=user, decision="accept")
            fresh = Span.objects.select_related("article__project", "label").get(pk=row.pk)
            span_update(span=fresh, actor=user, version=fresh.version, note="checked")
    except BaseException as error:  # the test reports whatever a thread met
        errors.append(error)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_decisions_and_edits_on_separate_articles_never_deadlock():
    owner = make_user("owner")
    project = make_project(owner, name="Busy desk")
    text = " ".join(f"Claim number {i} holds." for i in range(SENTENCES))
    plan = []
    for n in range(EDITORS):
        editor = make_user(f"ed{n}")
        membership_set(project=project, user=editor, role="editor")
        article = make_article(project, f"Article {n}. {text}", title=f"Article {n}")
        ids = []
        for i in range(SENTENCES):
            start = article.text.index(f"Claim number {i} holds.")
            ids.append(make_suggestion(article, "claim", start, start + 10 + len(str(i))).pk)
        plan.append((editor.pk, ids))
    errors: list[BaseException] = []
    gate = threading.Barrier(EDITORS)
    threads = [threading.Thread(target=_desk, args=(u, ids, errors, gate)) for u, ids in plan]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert Span.objects.filter(annotator__isnull=False, note="checked").count() == (
        EDITORS * SENTENCES
    )
