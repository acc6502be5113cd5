"""The audit trail under concurrent edits (PostgreSQL: real row locks between connections).

Four editors work on one article at once, each in their own thread and connection, and two
threads of one editor race for the same decisions. Afterwards every successful write has
exactly one history row, each span's rows chain (a row's ``before`` is the previous row's
``after``), and the last ``after`` is the span as stored.
"""

from __future__ import annotations

import itertools
import threading
from collections import defaultdict

import pytest
from django.db import connection, connections

from articles.errors import Conflict, DomainError
from articles.models import Span, SpanEvent
from articles.services import membership_set, span_decide, span_delete, span_update
from articles.services.history import span_state
from tests.factories import make_article, make_project, make_suggestion, make_user

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between connections need PostgreSQL"
)

SENTENCES = 12


def _work(user_id: int, suggestion_ids: list[int], done: list[str], barrier: threading.Barrier):
    """Decide every suggestion, widen or narrow some rows, undo others; record each write
    that succeeded as 'action span_id'."""
    from django.contrib.auth import get_user_model

    try:
        user = get_user_model().objects.get(pk=user_id)
        barrier.wait()
        rows = []
        for index, pk in enumerate(suggestion_ids):
            suggestion = Span.objects.select_related("article__project", "label").get(pk=pk)
            decision = "reject" if index % 4 == 3 else "accept"
            try:
                row = span_decide(span=suggestion, actor=user, decision=decision)
            except Conflict:
                continue  # the other thread of this editor decided it first
            done.append(f"{decision} {row.pk}")
            rows.append(row)
        for index, row in enumerate(rows):
            fresh = Span.objects.select_related("article__project", "label").get(pk=row.pk)
            try:
                if index % 3 == 0:
                    changed = span_update(
                        span=fresh, actor=user, version=fresh.version, end=fresh.end - 1
                    )
                    done.append(f"update {changed.pk}")
                elif index % 3 == 1:
                    span_delete(span=fresh, actor=user, version=fresh.version)
                    done.append(f"delete {fresh.pk}")
            except (Conflict, DomainError, Span.DoesNotExist):
                continue  # the twin thread changed or removed it first
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_every_concurrent_write_has_exactly_one_history_row():
    owner = make_user("owner")
    project = make_project(owner, name="Concurrent desk")
    text = " ".join(f"Sentence number {i} is here." for i in range(SENTENCES))
    article = make_article(project, text)
    suggestions = []
    offset = 0
    for i in range(SENTENCES):
        sentence = f"Sentence number {i} is here."
        start = text.index(sentence, offset)
        suggestions.append(make_suggestion(article, "claim", start, start + len(sentence)).pk)
        offset = start + len(sentence)
    editors = [make_user(f"ed{i}") for i in range(4)]
    for user in editors:
        membership_set(project=project, user=user, role="editor")
    # Editor 0 runs twice at once: the twins race for the same decisions and rows.
    plan = [(user.pk, suggestions) for user in editors] + [(editors[0].pk, suggestions)]
    done: list[str] = []
    barrier = threading.Barrier(len(plan))
    threads = [
        threading.Thread(target=_work, args=(user_id, ids, done, barrier)) for user_id, ids in plan
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    events = list(SpanEvent.objects.filter(article=article).order_by("created_at", "id"))
    assert sorted(f"{e.action} {e.span_ref}" for e in events) == sorted(done)
    # Each of the five threads' editors decided every suggestion exactly once.
    decisions = [e for e in events if e.action in ("accept", "reject")]
    assert len(decisions) == len(editors) * SENTENCES
    chains: dict[int, list[SpanEvent]] = defaultdict(list)
    for event in events:
        chains[event.span_ref].append(event)
    for span_ref, chain in chains.items():
        assert chain[0].before is None, span_ref
        for previous, event in itertools.pairwise(chain):
            assert event.before == previous.after, (span_ref, event.action)
        current = Span.objects.select_related("label").filter(pk=span_ref).first()
        if current is None:
            assert chain[-1].action == "delete" and chain[-1].after is None
        else:
            assert chain[-1].after == span_state(current)
    layer_rows = Span.objects.filter(article=article, annotator__isnull=False)
    assert set(layer_rows.values_list("pk", flat=True)) <= set(chains)
