"""Writes lock what they must and no more (PostgreSQL: real row locks between connections).

Every write locks its article; an edit of one's own span also locks that span's row, and
once locked the joined label's row with it, so every other write of that label waited at
its commit (the foreign key check shares the label's row) and, with one more lock in the
mix, two writes deadlocked. Editors on different articles of one project then decide and
edit side by side without a failure.
"""

from __future__ import annotations

import threading

import psycopg
import pytest
from django.db import connection, connections, transaction

from articles.models import Span
from articles.services import membership_set, span_decide, span_update
from articles.services.spans import _own_row
from tests.factories import (
    make_article,
    make_human_span,
    make_project,
    make_suggestion,
    make_user,
)

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


@pytest.mark.django_db(transaction=True)
def test_locking_ones_own_span_leaves_its_label_and_article_free(project, teammate, article):
    row = make_human_span(article, teammate, "claim", 0, 9)
    others = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    try:
        with transaction.atomic():
            _own_row(row, teammate)
            # NOWAIT: a lock held by this transaction fails at once instead of waiting.
            for table, pk in (("articles_label", row.label_id), ("articles_article", article.pk)):
                others.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [pk])
            with pytest.raises(psycopg.errors.LockNotAvailable):
                others.execute(
                    "SELECT 1 FROM articles_span WHERE id = %s FOR UPDATE NOWAIT", [row.pk]
                )
    finally:
        others.close()
