"""A decision racing a tagger re-run (issue 9): the re-run deletes the undecided suggestion
while the decision on it waits for the article lock. The decision must then be a 409 saying
so, not a 500 from the foreign key of a row pointing at a deleted suggestion."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from articles.errors import Replaced
from articles.models import Article, Span
from articles.selectors.spans import span_get
from articles.services import span_decide, span_update
from articles.services.pretag import article_pretag
from tests.factories import make_suggestion

REPLACED = (
    "The tagger was re-run on this article and replaced this suggestion; reload the article "
    "to see the new suggestions."
)


@pytest.fixture
def suggestion(article):
    # Not what the rules tagger finds in this text, so the re-run removes it for good.
    return make_suggestion(article, "claim", 0, 9)


@pytest.mark.parametrize("write", ["decide", "edit"])
def test_a_suggestion_replaced_after_it_was_loaded_is_a_409(teammate, article, suggestion, write):
    loaded = span_get(user=teammate, span_id=suggestion.pk)
    result = article_pretag(article=Article.objects.get(pk=article.pk))
    assert result.removed == 1
    with pytest.raises(Replaced, match=r"^The tagger was re-run") as caught:
        if write == "decide":
            span_decide(span=loaded, actor=teammate, decision="accept")
        else:
            span_update(span=loaded, actor=teammate, version=loaded.version, end=20)
    assert caught.value.status_code == 409
    assert not Span.objects.filter(annotator=teammate).exists()


def _in_thread(work: Callable[[], Any], pids: dict[str, int], name: str) -> threading.Thread:
    """Run ``work`` on a connection of its own, recording that connection's backend pid."""
    results: dict[str, Any] = {}

    def run() -> None:
        try:
            connection.ensure_connection()
            pids[name] = connection.connection.info.backend_pid
            results["value"] = work()
        except BaseException as error:  # reported by the test, not lost in the thread
            results["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name)
    thread.results = results  # type: ignore[attr-defined]
    thread.start()
    return thread


def _wait_until_blocked(pids: dict[str, int], name: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        pid = pids.get(name)
        if pid is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
                row = cursor.fetchone()
            if row and row[0] == "Lock":
                return
        time.sleep(0.02)
    raise AssertionError(f"{name} never waited for the article lock")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_decision_racing_a_rerun_on_postgresql_is_409(client_for, teammate, article, suggestion):
    """Three connections: one holds the article lock (a writer in progress); the re-run
    queues for it, then the decision request (which has already loaded the suggestion)
    queues behind the re-run. Released, the re-run deletes the suggestion and commits;
    then the decision gets the lock."""
    pids: dict[str, int] = {}
    locked, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        with transaction.atomic():
            Article.objects.select_for_update().get(pk=article.pk)
            locked.set()
            release.wait(20)

    def rerun() -> Any:
        return article_pretag(article=Article.objects.get(pk=article.pk))

    def decide() -> Any:
        return client_for(teammate).post(
            f"/api/spans/{suggestion.pk}/decision/", {"decision": "accept"}
        )

    holder = _in_thread(hold_lock, pids, "holder")
    assert locked.wait(20)
    tagger = _in_thread(rerun, pids, "rerun")
    _wait_until_blocked(pids, "rerun")
    decision = _in_thread(decide, pids, "decision")
    _wait_until_blocked(pids, "decision")
    release.set()
    for thread in (holder, tagger, decision):
        thread.join(30)
        assert "error" not in thread.results, thread.results.get("error")  # type: ignore[attr-defined]

    assert tagger.results["value"].removed == 1  # type: ignore[attr-defined]
    response = decision.results["value"]  # type: ignore[attr-defined]
    assert response.status_code == 409
    assert response.json() == {"span": [REPLACED]}
    assert not Span.objects.filter(pk=suggestion.pk).exists()
    assert not Span.objects.filter(annotator=teammate).exists()
