"""Pre-tagging writes: store a tagger's suggestions without touching anyone's decisions.

Re-running a tagger replaces only machine suggestions nobody has decided on (suggestions
with no ``decisions`` rows). Decided suggestions stay (a decision row points at them), every
editor's layer stays, and a new suggestion equal in label/start/end to a rejected decision's
suggestion, or to a still-existing decided suggestion, is not stored again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from articles import queue
from articles.access import require_role
from articles.errors import DomainError
from articles.models import Article, Label, Project, Role, Span, SpanEmbedding, SpanEvent
from articles.services.embeddings import embeddings_enqueue_for_articles
from articles.services.heartbeat import Heartbeat, claimable, lost
from articles.services.rows import SpanRow, span_rows_insert
from articles.services.training import pretag_reports_store, project_tagger
from articles.spans import SpanRangeError, span_bounds
from articles.tagging import Suggestion, get_tagger
from articles.tagging.base import ReportingTagger, TaggerError, tagger_id
from articles.types import User

logger = logging.getLogger(__name__)

Key = tuple[int, int, int]  # label id, start, end


@dataclass(frozen=True)
class PretagResult:
    article_id: int
    tagger: str
    created: int
    removed: int
    skipped_decided: int
    skipped_invalid: int


def pretag_tagger_name(project: Project, tagger: str | None = None) -> str:
    """The tagger to use: an explicit name, else the project's, else the default."""
    name = tagger or project.tagger_name
    get_tagger(name)  # unknown names fail here, with a field message
    return name


def _blocked_keys(article_ids: Sequence[int]) -> dict[int, set[Key]]:
    """Per article, keys that must not be suggested again: decided suggestions and the
    suggestions of rejected decisions."""
    blocked: dict[int, set[Key]] = {}
    decided = (
        Span.objects.filter(
            article_id__in=article_ids, annotator__isnull=True, decisions__isnull=False
        )
        .values_list("article_id", "label_id", "start", "end")
        .distinct()
    )
    rejected = Span.objects.filter(
        article_id__in=article_ids, status=Span.Status.REJECTED, derived_from__isnull=False
    ).values_list(
        "article_id", "derived_from__label_id", "derived_from__start", "derived_from__end"
    )
    for article_id, label_id, start, end in [*decided, *rejected]:
        blocked.setdefault(article_id, set()).add((label_id, start, end))
    return blocked


def suggestions_to_rows(
    *,
    article_id: int,
    text: str,
    suggestions: Iterable[Suggestion],
    labels: dict[str, int],
    version: str,
    blocked: set[Key] | frozenset[Key] = frozenset(),
) -> tuple[list[SpanRow], int, int]:
    """Rows for new suggestions; returns (rows, skipped as decided, skipped as invalid).

    Offsets are trimmed like human spans; unknown labels, empty or out-of-range spans and
    same-key repeats are skipped rather than failing the article.
    """
    rows: list[SpanRow] = []
    seen: set[Key] = set()
    skipped_decided = skipped_invalid = 0
    for item in suggestions:
        label_id = labels.get(item.label)
        try:
            if label_id is None:
                raise SpanRangeError(f"Unknown label {item.label!r}.")
            start, end = span_bounds(text, item.start, item.end)
        except SpanRangeError:
            skipped_invalid += 1
            continue
        key = (label_id, start, end)
        if key in seen:
            skipped_invalid += 1
            continue
        if key in blocked:
            skipped_decided += 1
            continue
        seen.add(key)
        confidence = item.confidence
        if confidence is not None:
            confidence = min(1.0, max(0.0, float(confidence)))
        rows.append(
            {
                "article_id": article_id,
                "label_id": label_id,
                "start": start,
                "end": end,
                "text": text[start:end],
                "attrs": dict(item.attrs),
                "origin": Span.Origin.MACHINE,
                "status": Span.Status.SUGGESTED,
                "confidence": confidence,
                "tagger_version": version,
            }
        )
    return rows, skipped_decided, skipped_invalid


@dataclass
class _Tagged:
    article: Article
    version: str
    suggestions: list[Suggestion]
    report: dict[str, Any] | None = None


def _store(tagged: list[_Tagged]) -> list[PretagResult]:
    """Replace the undecided suggestions of a batch of articles in one transaction."""
    if not tagged:
        return []
    ids = [item.article.pk for item in tagged]
    results: list[PretagResult] = []
    with transaction.atomic():
        # Row locks in id order: a decision being made waits for us, then is respected.
        texts = dict(
            Article.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", "text")
        )
        stale = list(
            Span.objects.filter(
                article_id__in=ids, annotator__isnull=True, decisions__isnull=True
            ).values_list("pk", "article_id")
        )
        removed: dict[int, int] = {}
        for _, article_id in stale:
            removed[article_id] = removed.get(article_id, 0) + 1
        stale_ids = [pk for pk, _ in stale]
        for i in range(0, len(stale_ids), 1000):
            chunk = stale_ids[i : i + 1000]
            SpanEvent.objects.filter(span_id__in=chunk).update(span=None)
            SpanEmbedding.objects.filter(span_id__in=chunk)._raw_delete(Span.objects.db)
            # Nothing references an undecided suggestion once events are detached.
            Span.objects.filter(pk__in=chunk)._raw_delete(Span.objects.db)
        blocked = _blocked_keys(ids)
        labels: dict[int, dict[str, int]] = {}
        rows: list[SpanRow] = []
        by_version: dict[str, list[int]] = {}
        for item in tagged:
            article = item.article
            if texts.get(article.pk) != article.text:
                continue  # deleted or re-texted meanwhile: the new text gets its own run
            if article.project_id not in labels:
                labels[article.project_id] = dict(
                    Label.objects.filter(project=article.project_id).values_list("name", "pk")
                )
            new, skipped_decided, skipped_invalid = suggestions_to_rows(
                article_id=article.pk,
                text=article.text,
                suggestions=item.suggestions,
                labels=labels[article.project_id],
                version=item.version,
                blocked=blocked.get(article.pk, frozenset()),
            )
            rows.extend(new)
            by_version.setdefault(item.version, []).append(article.pk)
            results.append(
                PretagResult(
                    article.pk,
                    item.version,
                    len(new),
                    removed.get(article.pk, 0),
                    skipped_decided,
                    skipped_invalid,
                )
            )
        span_rows_insert(rows)
        embeddings_enqueue_for_articles(
            article_ids=[pk for ids in by_version.values() for pk in ids]
        )
        pretag_reports_store(
            [(item.article.pk, item.version, item.report) for item in tagged if item.report]
        )
        now = timezone.now()
        for version, article_ids in by_version.items():
            Article.objects.filter(pk__in=article_ids).update(
                pretag_state=Article.PretagState.DONE,
                pretag_error="",
                pretag_tagger=version,
                pretagged_at=now,
                updated_at=now,
            )
    return results


def _run_tagger(article: Article, tagger: str | None) -> _Tagged:
    # The project's own tagger includes its active re-scorer; a named one runs as it is.
    engine = project_tagger(article.project, tagger)
    if isinstance(engine, ReportingTagger):
        suggestions, report = engine.tag_report(article.text)
        return _Tagged(article, tagger_id(engine), suggestions, report)
    return _Tagged(article, tagger_id(engine), engine.tag(article.text))


def article_pretag(*, article: Article, tagger: str | None = None) -> PretagResult:
    """Run a tagger on one article and replace its undecided suggestions.

    The tagger runs outside the transaction (it may be slow or remote). Raises
    ``TaggerUnavailable`` for transient backend failures (the task retries) and
    ``TaggerError``/``DomainError`` for failures a retry will not fix.
    """
    results = _store([_run_tagger(article, tagger)])
    if not results:
        raise DomainError("The article changed while it was being tagged.", field="text")
    return results[0]


def article_pretag_failed(*, article_id: int, error: str) -> None:
    """Record a failure that retrying did not (or cannot) fix."""
    articles_pretag_failed(article_ids=[article_id], error=error)


def articles_pretag_failed(*, article_ids: Sequence[int], error: str) -> None:
    """Record a failure on a batch; an article already done stays done (the failed task
    was a duplicate, or another run finished it)."""
    Article.objects.filter(pk__in=list(article_ids)).exclude(
        pretag_state=Article.PretagState.DONE
    ).update(pretag_state=Article.PretagState.FAILED, pretag_error=error[:2000])


def _claim(article_ids: Sequence[int], takeover: bool) -> list[int]:
    """Mark the batch's claimable articles running, with a first heartbeat; returns them.

    Articles done, or being tagged by a live worker, are left out: a message delivered twice
    (a sweep's re-send, the broker's redelivery) tags nothing twice.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Article.objects.select_for_update()
            .filter(claimable("pretag_", now=now, takeover=takeover), pk__in=list(article_ids))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Article.objects.filter(pk__in=ids).update(
            pretag_state=Article.PretagState.RUNNING, pretag_heartbeat=now
        )
    return ids


def _release(article_ids: Sequence[int]) -> None:
    """Hand a batch that met a transient error back as pending (its task's retry is queued
    next), so the retry can claim it at once."""
    Article.objects.filter(
        pk__in=list(article_ids), pretag_state=Article.PretagState.RUNNING
    ).update(
        pretag_state=Article.PretagState.PENDING,
        pretag_queued_at=timezone.now(),
        pretag_heartbeat=None,
    )


def articles_pretag(
    *, article_ids: Sequence[int], tagger: str | None = None, takeover: bool = False
) -> list[PretagResult]:
    """Tag a batch, then store it in one transaction.

    Only articles that are pending, failed or abandoned by a dead worker are tagged (with
    ``takeover``, running ones too: the broker redelivered the batch because the worker
    holding it died); the run beats a heartbeat while it tags. Failures a retry cannot fix
    are recorded on their article and the batch goes on; transient errors hand the batch
    back as pending and propagate so the task retries it (nothing is stored before every
    article is tagged).
    """
    claimed = _claim(article_ids, takeover)
    if not claimed:
        return []
    running = Article.objects.filter(pk__in=claimed, pretag_state=Article.PretagState.RUNNING)
    beat = Heartbeat(lambda now: running.update(pretag_heartbeat=now))
    articles = Article.objects.select_related("project").filter(pk__in=claimed).order_by("pk")
    try:
        tagged = []
        for article in articles:
            beat()
            try:
                tagged.append(_run_tagger(article, tagger))
            except (TaggerError, DomainError) as error:
                article_pretag_failed(article_id=article.pk, error=str(error))
        return _store(tagged)
    except Exception:
        try:
            _release(claimed)
        except Exception:  # the database itself may be the transient error
            logger.warning("Could not hand articles %s back as pending", claimed, exc_info=True)
        raise


def pretag_lost_ids(*, project: Project | None = None, dead_after: int | None = None) -> list[int]:
    """Ids of articles whose pre-tagging nobody is doing (``heartbeat.lost``): sending
    failed, the message was sent long ago and never started, or the worker died."""
    articles = Article.objects.filter(lost("pretag_", dead_after=dead_after))
    if project is not None:
        articles = articles.filter(project=project)
    return list(articles.order_by("id").values_list("id", flat=True))


def pretag_sweep(
    *, project: Project | None = None, dead_after: int | None = None
) -> tuple[int, int]:
    """Send the articles of ``pretag_lost_ids`` again, in batches; returns (articles, tasks).

    Each batch is first marked pending and queued, but only where it is still lost: a sweep
    running at the same time (another worker starting) finds nothing left to send. Sending
    twice is harmless anyway: a task skips articles done or being tagged. Broker errors
    propagate (the articles not sent are marked unsent, for the next sweep).
    """
    ids = pretag_lost_ids(project=project, dead_after=dead_after)
    articles = tasks = 0
    for group in queue.batches(ids):
        now = timezone.now()
        still_lost = lost("pretag_", now=now, dead_after=dead_after)
        marked = Article.objects.filter(still_lost, pk__in=group).update(
            pretag_state=Article.PretagState.PENDING, pretag_queued_at=now, pretag_heartbeat=None
        )
        if not marked:
            continue
        tasks += queue.send_pretag(group)
        articles += marked
    return articles, tasks


@transaction.atomic
def project_pretag(*, project: Project, actor: User, tagger: str | None = None) -> int:
    """Re-run a tagger over every article of a project (e.g. after a tagger upgrade).

    Preconditions: ``actor`` is an editor of the project (checked here)."""
    require_role(actor, project, Role.EDITOR, "pre-tag")
    pretag_tagger_name(project, tagger)
    ids = list(project.articles.order_by("id").values_list("id", flat=True))
    Article.objects.filter(pk__in=ids).update(
        pretag_state=Article.PretagState.PENDING, pretag_error="", pretag_queued_at=timezone.now()
    )
    queue.enqueue_pretag(ids, tagger=tagger)
    return len(ids)


@transaction.atomic
def article_pretag_request(*, article: Article, actor: User, tagger: str | None = None) -> None:
    """Queue a re-run for one article. Preconditions: ``actor`` is an editor (checked here)."""
    require_role(actor, article.project, Role.EDITOR, "pre-tag")
    pretag_tagger_name(article.project, tagger)
    Article.objects.filter(pk=article.pk).update(
        pretag_state=Article.PretagState.PENDING, pretag_error="", pretag_queued_at=timezone.now()
    )
    queue.enqueue_pretag([article.pk], tagger=tagger)
