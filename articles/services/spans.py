"""Span writes: creation, decisions on suggestions, edits, deletion, with history.

Rules, once:
- offsets are code points into ``article.text``; spans are trimmed of surrounding whitespace
  and ``text`` is the snapshot ``article.text[start:end]``;
- two accepted spans of the same label in one layer never overlap;
- a decision on a suggestion is a row of the actor's layer (``derived_from`` = suggestion);
  it is never overwritten: a second decision on the same suggestion is a ``Conflict``;
- every update carries the version the caller saw; a stale one is a ``Conflict``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from django.db import transaction
from django.db.models import Q

from articles.access import lock_article
from articles.attributes import attrs_check
from articles.errors import Conflict, DomainError, NotAllowed, Replaced
from articles.models import Article, Label, Role, Span, SpanEvent, layer_of
from articles.services.embeddings import embeddings_enqueue_for_span
from articles.services.history import span_record, span_state
from articles.spans import overlapping, span_bounds
from articles.types import User

Decision = Literal["accept", "reject"]


def _lock_for_write(article: Article, actor: User, *, gold: bool) -> None:
    """Check the actor's role and lock the article row, in one query (``lock_article``).

    The lock is why the inserts below need no savepoint to catch a race.
    """
    if gold:
        lock_article(actor, article, at_least=Role.REVIEWER, action="edit the gold layer")
    else:
        lock_article(actor, article, at_least=Role.EDITOR, action="edit spans")


def _still_there(suggestion: Span) -> None:
    """A re-run deletes undecided suggestions under the article lock; once we hold that lock,
    a suggestion loaded before it may be gone, and a decision pointing at it would fail
    its foreign key at commit (a 500)."""
    if not Span.objects.filter(pk=suggestion.pk).exists():
        raise _replaced()


def _replaced() -> Replaced:
    return Replaced(
        "The tagger was re-run on this article and replaced this suggestion; reload the "
        "article to see the new suggestions."
    )


def span_offsets(*, article: Article, start: int, end: int) -> tuple[int, int, str]:
    """Check and trim ``[start, end)`` against the article; return (start, end, text)."""
    start, end = span_bounds(article.text, start, end)
    return start, end, article.text[start:end]


def _check_label(article: Article, label: Label) -> None:
    if label.project_id != article.project_id:
        raise DomainError("The label belongs to another project.", field="label")


def _check_overlap(
    *,
    article: Article,
    label: Label,
    start: int,
    end: int,
    annotator: User,
    gold: bool,
    exclude: Iterable[int] = (),
) -> None:
    clash = (
        Span.objects.layer(annotator, gold=gold)
        .filter(overlapping(start, end), article=article, label=label, status=Span.Status.ACCEPTED)
        .exclude(pk__in=list(exclude))
        .first()
    )
    if clash is not None:
        raise _overlap_error(label, clash)


def _overlap_error(label: Label, clash: Span) -> DomainError:
    return DomainError(
        f"It overlaps your {label.name} span {clash.pk} [{clash.start}, {clash.end}); "
        "spans of one label never overlap.",
        field="start",
    )


@transaction.atomic
def span_create(
    *,
    article: Article,
    label: Label,
    start: int,
    end: int,
    actor: User,
    attrs: dict[str, Any] | None = None,
    note: str = "",
    gold: bool = False,
) -> Span:
    """A human span in the actor's layer. Preconditions: actor is an editor (reviewer for gold)."""
    _check_label(article, label)
    start, end, text = span_offsets(article=article, start=start, end=end)
    attrs_check(article.text, attrs or {}, label.attributes)
    _lock_for_write(article, actor, gold=gold)
    _check_overlap(article=article, label=label, start=start, end=end, annotator=actor, gold=gold)
    span = Span.objects.create(
        article=article,
        label=label,
        start=start,
        end=end,
        text=text,
        attrs=attrs or {},
        origin=Span.Origin.HUMAN,
        status=Span.Status.ACCEPTED,
        annotator=actor,
        gold=gold,
        note=note,
    )
    span_record(span, actor=actor, action=SpanEvent.Action.CREATE, before=None)
    embeddings_enqueue_for_span(span)
    return span


def _existing_decision(suggestion: Span, actor: User, gold: bool) -> Span | None:
    return (
        Span.objects.layer(actor, gold=gold)
        .select_related("label")
        .filter(derived_from=suggestion)
        .first()
    )


def _own_row(span: Span, actor: User) -> Span:
    """Lock a row of the actor's layer for update."""
    if span.annotator_id != actor.pk:
        raise NotAllowed("This span belongs to another annotator's layer.")
    # Only the span's row: without ``of`` the joined label would be locked too, and every
    # other write that commits a span of that label (its foreign key check shares the
    # label's row) would wait for this one.
    row = (
        Span.objects.select_for_update(of=("self",))
        .select_related("label", "article")
        .get(pk=span.pk)
    )
    row.annotator = actor  # checked above: the answer names them without a query
    return row


def _check_version(row: Span, version: int | None) -> None:
    if version is None or row.version != version:
        raise Conflict(
            f"The span changed since you loaded it (your version {version}, now {row.version}).",
            current=row,
        )


def _decide_suggestion(suggestion: Span, *, actor: User, decision: Decision, gold: bool) -> Span:
    status = Span.Status.ACCEPTED if decision == "accept" else Span.Status.REJECTED
    # One query, under the article lock, finds whether the suggestion is still there (see
    # ``_still_there``) and both reasons to refuse: an earlier decision on it, and (for an
    # accept) an accepted span of the same label that it would overlap. No join on the
    # label: a refusal is rare, and its answer loads the one label then.
    refusals = Q(derived_from=suggestion)
    if status == Span.Status.ACCEPTED:
        refusals |= overlapping(suggestion.start, suggestion.end) & Q(
            label_id=suggestion.label_id, status=Span.Status.ACCEPTED
        )
    found = list(
        Span.objects.filter(
            Q(pk=suggestion.pk) | (layer_of(actor, gold=gold) & refusals),
            article_id=suggestion.article_id,
        ).order_by("start", "id")
    )
    if not any(row.pk == suggestion.pk for row in found):
        raise _replaced()
    blocking = [row for row in found if row.pk != suggestion.pk]
    for row in blocking:
        if row.derived_from_id == suggestion.pk:
            raise Conflict("You already decided on this suggestion.", current=row)
    if blocking:
        raise _overlap_error(suggestion.label, blocking[0])
    row = Span.objects.create(
        article=suggestion.article,
        label=suggestion.label,
        start=suggestion.start,
        end=suggestion.end,
        text=suggestion.text,
        attrs=suggestion.attrs,
        origin=Span.Origin.MACHINE,
        status=status,
        confidence=suggestion.confidence,
        tagger_version=suggestion.tagger_version,
        annotator=actor,
        gold=gold,
        derived_from=suggestion,
    )
    span_record(row, actor=actor, action=decision, before=None)
    embeddings_enqueue_for_span(row)
    return row


@transaction.atomic
def span_decide(
    *,
    span: Span,
    actor: User,
    decision: Decision,
    version: int | None = None,
    gold: bool = False,
) -> Span:
    """Accept or reject. On a suggestion this adds the decision to the actor's layer;
    on a row of the actor's layer it changes its status (``version`` required)."""
    if decision not in ("accept", "reject"):
        raise DomainError("Decision must be 'accept' or 'reject'.", field="decision")
    _lock_for_write(span.article, actor, gold=gold if span.is_suggestion else span.gold)
    if span.is_suggestion:
        return _decide_suggestion(span, actor=actor, decision=decision, gold=gold)
    row = _own_row(span, actor)
    _check_version(row, version)
    status = Span.Status.ACCEPTED if decision == "accept" else Span.Status.REJECTED
    if row.status == status:
        return row
    if status == Span.Status.ACCEPTED:
        _check_overlap(
            article=row.article,
            label=row.label,
            start=row.start,
            end=row.end,
            annotator=actor,
            gold=row.gold,
            exclude=[row.pk],
        )
    before = span_state(row)
    row.status = status
    row.version += 1
    row.save(update_fields=["status", "version", "updated_at"])
    span_record(row, actor=actor, action=decision, before=before)
    return row


@transaction.atomic
def span_update(
    *,
    span: Span,
    actor: User,
    version: int | None,
    label: Label | None = None,
    start: int | None = None,
    end: int | None = None,
    attrs: dict[str, Any] | None = None,
    note: str | None = None,
    gold: bool = False,
) -> Span:
    """Change label, boundaries, attributes or note.

    On a suggestion the edit becomes a human span of the actor's layer that records which
    suggestion it came from; on the actor's own row it updates in place. Changing label,
    boundaries or attributes makes the row ``origin=human`` (an edit), and an edited row is
    accepted.
    """
    _lock_for_write(span.article, actor, gold=gold if span.is_suggestion else span.gold)
    if span.is_suggestion:
        _still_there(span)
        existing = _existing_decision(span, actor, gold)
        if existing is not None:
            raise Conflict("You already decided on this suggestion.", current=existing)
        _check_version(span, version)
        base, layer_gold = span, gold
    else:
        base = _own_row(span, actor)
        _check_version(base, version)
        layer_gold = base.gold

    new_label = label or base.label
    _check_label(base.article, new_label)
    new_start, new_end, new_text = span_offsets(
        article=base.article,
        start=base.start if start is None else start,
        end=base.end if end is None else end,
    )
    new_attrs = base.attrs if attrs is None else attrs
    if attrs is not None:
        attrs_check(base.article.text, attrs, new_label.attributes)
    content_changed = (
        new_label.pk != base.label_id
        or (new_start, new_end) != (base.start, base.end)
        or new_attrs != base.attrs
    )
    ends_accepted = span.is_suggestion or content_changed or base.status == Span.Status.ACCEPTED
    if ends_accepted:
        _check_overlap(
            article=base.article,
            label=new_label,
            start=new_start,
            end=new_end,
            annotator=actor,
            gold=layer_gold,
            exclude=[] if span.is_suggestion else [base.pk],
        )

    if span.is_suggestion:
        row = Span.objects.create(
            article=base.article,
            label=new_label,
            start=new_start,
            end=new_end,
            text=new_text,
            attrs=new_attrs,
            origin=Span.Origin.HUMAN if content_changed else Span.Origin.MACHINE,
            status=Span.Status.ACCEPTED,
            confidence=base.confidence,
            tagger_version=base.tagger_version,
            annotator=actor,
            gold=layer_gold,
            derived_from=base,
            note=note or "",
        )
        span_record(row, actor=actor, action=SpanEvent.Action.CREATE, before=span_state(base))
        embeddings_enqueue_for_span(row)
        return row

    before = span_state(base)
    re_embed = (new_text, new_label.pk) != (base.text, base.label_id)
    base.label, base.start, base.end, base.text, base.attrs = (
        new_label,
        new_start,
        new_end,
        new_text,
        new_attrs,
    )
    if note is not None:
        base.note = note
    if content_changed:
        base.origin = Span.Origin.HUMAN
        base.status = Span.Status.ACCEPTED
    base.version += 1
    base.save()
    span_record(base, actor=actor, action=SpanEvent.Action.UPDATE, before=before)
    if re_embed:
        embeddings_enqueue_for_span(base)
    return base


@transaction.atomic
def span_delete(*, span: Span, actor: User, version: int | None) -> None:
    """Remove a row of the actor's own layer (a decision is undone, the suggestion returns).

    Machine suggestions are never deleted by people: reject them instead.
    """
    if span.is_suggestion:
        raise NotAllowed("Suggestions are rejected, not deleted.")
    _lock_for_write(span.article, actor, gold=span.gold)
    row = _own_row(span, actor)
    _check_version(row, version)
    before = span_state(row)
    span_record(row, actor=actor, action=SpanEvent.Action.DELETE, before=before)
    row.delete()


@transaction.atomic
def spans_bulk_decide(
    *,
    spans: Iterable[Span],
    actor: User,
    decision: Decision,
    gold: bool = False,
) -> tuple[list[Span], list[tuple[Span, str]]]:
    """Decide many suggestions at once. Returns (decided rows, [(span, reason skipped)]).

    Suggestions already decided by the actor and accepts that would overlap are skipped
    with a reason rather than failing the whole batch.
    """
    done: list[Span] = []
    skipped: list[tuple[Span, str]] = []
    for span in spans:
        if not span.is_suggestion:
            skipped.append((span, "not a suggestion"))
            continue
        try:
            with transaction.atomic():
                done.append(span_decide(span=span, actor=actor, decision=decision, gold=gold))
        except (Conflict, DomainError) as error:
            if isinstance(error, NotAllowed):
                raise
            skipped.append((span, error.message))
    return done, skipped
