"""Pre-tagging writes: store a tagger's suggestions without touching anyone's decisions.

Re-running a tagger replaces only machine suggestions nobody has decided on (suggestions
with no ``decisions`` rows). Decided suggestions stay (a decision row points at them), every
editor's layer stays, and a new suggestion equal in label/start/end to a rejected decision's
suggestion, or to a still-existing decided suggestion, is not stored again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles.errors import DomainError
from articles.models import Article, Label, Project, Span
from articles.tagging import Suggestion, get_tagger
from articles.tagging.base import TaggerError, tagger_id

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


def _blocked_keys(article: Article) -> set[Key]:
    """Keys that must not be suggested again: decided suggestions and rejected decisions."""
    decided = Span.objects.filter(
        article=article, annotator__isnull=True, decisions__isnull=False
    ).values_list("label_id", "start", "end")
    rejected = Span.objects.filter(
        article=article, status=Span.Status.REJECTED, derived_from__isnull=False
    ).values_list("derived_from__label_id", "derived_from__start", "derived_from__end")
    return set(decided) | set(rejected)


def suggestions_to_spans(
    *,
    article: Article,
    suggestions: Iterable[Suggestion],
    labels: dict[str, Label],
    version: str,
    blocked: set[Key] = frozenset(),  # type: ignore[assignment]
) -> tuple[list[Span], int, int]:
    """Unsaved suggestion rows; returns (rows, skipped as decided, skipped as invalid).

    Offsets are trimmed like human spans; unknown labels, empty or out-of-range spans and
    same-key repeats are skipped rather than failing the article.
    """
    text = article.text
    rows: list[Span] = []
    seen: set[Key] = set()
    skipped_decided = skipped_invalid = 0
    for item in suggestions:
        label = labels.get(item.label)
        start, end = item.start, item.end
        while start < end and start < len(text) and text[start].isspace():
            start += 1
        while end > start and end <= len(text) and text[end - 1].isspace():
            end -= 1
        if label is None or not 0 <= start < end <= len(text):
            skipped_invalid += 1
            continue
        key = (label.pk, start, end)
        if key in blocked:
            skipped_decided += 1
            continue
        if key in seen:
            skipped_invalid += 1
            continue
        seen.add(key)
        confidence = item.confidence
        if confidence is not None:
            confidence = min(1.0, max(0.0, float(confidence)))
        rows.append(
            Span(
                article=article,
                label=label,
                start=start,
                end=end,
                text=text[start:end],
                attrs=dict(item.attrs),
                origin=Span.Origin.MACHINE,
                status=Span.Status.SUGGESTED,
                confidence=confidence,
                tagger_version=version,
            )
        )
    return rows, skipped_decided, skipped_invalid


def article_pretag(*, article: Article, tagger: str | None = None) -> PretagResult:
    """Run a tagger on one article and replace its undecided suggestions.

    The tagger runs outside the transaction (it may be slow or remote); the replacement is
    atomic under a row lock on the article, so a decision made meanwhile is respected.
    Raises ``TaggerUnavailable`` for transient backend failures (the task retries) and
    ``TaggerError``/``DomainError`` for failures a retry will not fix.
    """
    name = pretag_tagger_name(article.project, tagger)
    engine = get_tagger(name)
    version = tagger_id(engine)
    suggestions = engine.tag(article.text)
    labels = {label.name: label for label in Label.objects.filter(project=article.project_id)}
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if locked.text != article.text:
            raise DomainError("The article text changed while it was being tagged.", field="text")
        stale = Span.objects.filter(article=locked, annotator__isnull=True, decisions__isnull=True)
        removed, _ = stale.delete()
        rows, skipped_decided, skipped_invalid = suggestions_to_spans(
            article=locked,
            suggestions=suggestions,
            labels=labels,
            version=version,
            blocked=_blocked_keys(locked),
        )
        Span.objects.bulk_create(rows, batch_size=1000)
        Article.objects.filter(pk=locked.pk).update(
            pretag_state=Article.PretagState.DONE,
            pretag_error="",
            pretag_tagger=version,
            pretagged_at=timezone.now(),
            updated_at=timezone.now(),
        )
    return PretagResult(locked.pk, version, len(rows), removed, skipped_decided, skipped_invalid)


def article_pretag_failed(*, article_id: int, error: str) -> None:
    """Record a failure that retrying did not (or cannot) fix."""
    Article.objects.filter(pk=article_id).update(
        pretag_state=Article.PretagState.FAILED, pretag_error=error[:2000]
    )


def articles_pretag(*, article_ids: Sequence[int], tagger: str | None = None) -> list[PretagResult]:
    """Tag a batch. Per-article failures that a retry cannot fix are recorded on the article
    and the batch goes on; transient errors propagate so the task can retry the batch."""
    results = []
    articles = Article.objects.select_related("project").filter(pk__in=list(article_ids))
    pending = [a for a in articles if a.pretag_state != Article.PretagState.DONE or tagger]
    Article.objects.filter(pk__in=[a.pk for a in pending]).update(
        pretag_state=Article.PretagState.RUNNING
    )
    for article in pending:
        try:
            results.append(article_pretag(article=article, tagger=tagger))
        except (TaggerError, DomainError) as error:
            article_pretag_failed(article_id=article.pk, error=str(error))
    return results


def pretag_enqueue(article_ids: Sequence[int], *, tagger: str | None = None) -> int:
    """Queue pre-tagging after the current transaction commits, in batches of
    ``PRETAG_BATCH_SIZE`` ids. Returns the number of tasks queued."""
    from articles.tasks.pretag import pretag_articles

    ids = list(article_ids)
    size = getattr(settings, "PRETAG_BATCH_SIZE", 50)
    batches = [ids[i : i + size] for i in range(0, len(ids), size)]
    for batch in batches:
        transaction.on_commit(
            lambda batch=batch: pretag_articles.delay(batch, tagger), robust=False
        )
    return len(batches)


@transaction.atomic
def project_pretag(*, project: Project, tagger: str | None = None) -> int:
    """Re-run a tagger over every article of a project (e.g. after a tagger upgrade)."""
    pretag_tagger_name(project, tagger)
    ids = list(project.articles.order_by("id").values_list("id", flat=True))
    Article.objects.filter(pk__in=ids).update(
        pretag_state=Article.PretagState.PENDING, pretag_error=""
    )
    pretag_enqueue(ids, tagger=tagger)
    return len(ids)


@transaction.atomic
def article_pretag_request(*, article: Article, tagger: str | None = None) -> None:
    """Queue a re-run for one article."""
    pretag_tagger_name(article.project, tagger)
    Article.objects.filter(pk=article.pk).update(
        pretag_state=Article.PretagState.PENDING, pretag_error=""
    )
    pretag_enqueue([article.pk], tagger=tagger)
