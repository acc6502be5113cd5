"""Reads for exports: plain rows, fetched in keyset chunks so memory stays constant.

An export walks the project's article ids in chunks of ``CHUNK_SIZE`` (``id > last``, using
the ``(project, id)`` index) and fetches the spans of a whole chunk with one more query, so
the query count grows with the number of chunks, never with the number of articles.

The spans of a chunk are one queryset (``_chunk_spans``: the filters, once) read in one of two
ways: on PostgreSQL the database builds each article's span list as JSON (one row per article,
parsed in C or copied as is), elsewhere as plain rows. A third query per chunk reads the
chunk's review rows (``chunk_reviews``), so each article says who reviewed it and how far.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.aggregates.mixins import OrderableAggMixin
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Aggregate, Count, Exists, F, Func, OuterRef, Q, QuerySet, TextField
from django.db.models.expressions import OrderBy
from django.db.models.functions import Cast
from django.db.models.sql.compiler import SQLCompiler

from articles.errors import DomainError
from articles.models import TEXT_ORDER, Article, Label, Project, Review, Span, SpanEvent
from articles.selectors.articles import REVIEW_STATES

CHUNK_SIZE = 500

ArticleRow = dict[str, Any]
"""``{id, title, text, meta, reviews: [{annotator, state, updated_at}], spans: [{id, start,
end, label, text, attrs, origin, status, annotator, confidence, updated_at}]}``; every
``updated_at`` is ISO 8601 text (``IsoTimestamp``). ``reviews`` holds the article's review
rows (``in_progress`` or ``done``) by annotator name; an annotator without one has not opened
the article (``new``)."""


class IsoTimestamp(Func):
    """A timestamp as ISO 8601 text in UTC with microseconds, formatted by the database and
    the same on every database: ``2026-12-02T05:39:16.123456Z``.

    Exports spent most of their Python time parsing timestamps only to format them again;
    this keeps them as text end to end.
    """

    output_field = TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = (
            "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
        )
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django stores "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC and leaves out a zero fraction.
        # Doubled twice: once for the template, once for the backend's parameter style.
        template = (
            "(strftime('%%%%Y-%%%%m-%%%%dT%%%%H:%%%%M:%%%%S', %(expressions)s)"
            " || substr(%(expressions)s || '.000000', 20, 7) || 'Z')"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


# The span fields of an export row, in output order: one list for both readers.
SPAN_FIELDS: Mapping[str, str | Func] = {
    "id": "id",
    "start": "start",
    "end": "end",
    "label": "label__name",
    "text": "text",
    "attrs": "attrs",
    "origin": "origin",
    "status": "status",
    "annotator": "annotator__username",
    "confidence": "confidence",
    "updated_at": IsoTimestamp("updated_at"),
}


class _JsonObject(Func):
    """PostgreSQL ``json_build_object`` with constant keys in the given order (Django's
    ``JSONObject`` builds jsonb there, which reorders the keys)."""

    output_field = TextField()

    def __init__(self, fields: Mapping[str, str | Func]) -> None:
        self.keys = list(fields)
        super().__init__(*(F(v) if isinstance(v, str) else v for v in fields.values()))

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        parts: list[str] = []
        params: list[Any] = []
        for key, expression in zip(self.keys, self.get_source_expressions(), strict=True):
            sql, expression_params = compiler.compile(expression)
            parts.append(f"'{key}', {sql}")  # keys are the constants above, never input
            params.extend(expression_params)
        return f"json_build_object({', '.join(parts)})", tuple(params)


class _JsonAgg(OrderableAggMixin, Aggregate):
    """PostgreSQL ``json_agg`` in text order, as JSON text."""

    function = "json_agg"
    template = "%(function)s(%(expressions)s %(order_by)s)::text"
    output_field = TextField()

    def __init__(self, expression: Any) -> None:
        super().__init__(expression, order_by=[_ordered(name) for name in TEXT_ORDER])


def _ordered(name: str) -> OrderBy:
    return F(name[1:]).desc() if name.startswith("-") else F(name).asc()


_EMPTY_OBJECT = "{}"


def _attrs(text: str | None) -> dict[str, Any]:
    # Most spans have no attributes; skipping the parser for them halves decoding time.
    return {} if text is None or text == _EMPTY_OBJECT else json.loads(text)


# Layers of an export (``layer=``): whose rows it holds. Suggestions (nobody's rows) are
# kept whenever the status filter asks for them, whatever the layer.
LAYER_AUTO = "auto"  # the request default: gold where an article has any, else the editors'
LAYER_GOLD = "gold"
LAYER_ALL = "all"  # every layer, equal spans merged, each listing its annotators
LAYER_EDITOR = "editor:"  # + a username: that editor's own layer
LAYERS = (LAYER_AUTO, LAYER_GOLD, LAYER_ALL)


@dataclass(frozen=True)
class ExportFilters:
    """What goes into an export. Defaults: accepted spans of every layer (``layer`` "":
    no layer rule; requests default to ``auto``, see ``export_filters``)."""

    statuses: tuple[str, ...] = (Span.Status.ACCEPTED,)
    labels: tuple[str, ...] = ()
    annotator: str | None = None
    updated_since: datetime | None = None
    article_ids: tuple[int, ...] = ()
    gold: bool | None = None
    # Articles in this review state (``new``: no review row), by ``reviewed_by`` or by anyone.
    review_state: str | None = None
    reviewed_by: str | None = None
    layer: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "statuses": list(self.statuses),
            "labels": list(self.labels),
            "annotator": self.annotator,
            "updated_since": self.updated_since.isoformat() if self.updated_since else None,
            "article_ids": list(self.article_ids),
            "gold": self.gold,
            "review_state": self.review_state,
            "reviewed_by": self.reviewed_by,
            "layer": self.layer,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExportFilters:
        since = data.get("updated_since")
        return cls(
            statuses=tuple(data.get("statuses") or (Span.Status.ACCEPTED,)),
            labels=tuple(data.get("labels") or ()),
            annotator=data.get("annotator"),
            updated_since=datetime.fromisoformat(since) if since else None,
            article_ids=tuple(data.get("article_ids") or ()),
            gold=data.get("gold"),
            review_state=data.get("review_state"),
            reviewed_by=data.get("reviewed_by"),
            layer=data.get("layer") or "",
        )


def export_filters(
    *,
    project: Project,
    statuses: list[str] | None = None,
    include_rejected: bool = False,
    labels: list[str] | None = None,
    annotator: str | None = None,
    updated_since: datetime | None = None,
    article_ids: list[int] | None = None,
    gold: bool | None = None,
    review_state: str | None = None,
    reviewed_by: str | None = None,
    layer: str | None = None,
) -> ExportFilters:
    """The filters of an export or snapshot request; names must exist (400 otherwise).
    ``layer`` defaults to ``auto``: gold where an article has a gold layer, else the
    accepted spans of all editors.

    An unknown label or annotator would silently export nothing, which looks like an empty
    dataset rather than a typo. ``review_state`` alone means "by anyone" (``new``: nobody
    has opened the article); ``reviewed_by`` alone is refused, as it says no state.
    """
    known = set(project.labels.values_list("name", flat=True))
    unknown = [name for name in labels or () if name not in known]
    if unknown:
        raise DomainError(f"No label named {', '.join(unknown)} in this project.", field="labels")
    if annotator and not get_user_model().objects.filter(username=annotator).exists():
        raise DomainError(f"No user named {annotator!r}.", field="annotator")
    if review_state is not None and review_state not in REVIEW_STATES:
        raise DomainError(
            f"Unknown review state {review_state!r}; use {', '.join(REVIEW_STATES)}.",
            field="review_state",
        )
    if reviewed_by and not review_state:
        raise DomainError(
            f"reviewed_by needs a review_state to keep ({', '.join(REVIEW_STATES)}).",
            field="reviewed_by",
        )
    if reviewed_by and not get_user_model().objects.filter(username=reviewed_by).exists():
        raise DomainError(f"No user named {reviewed_by!r}.", field="reviewed_by")
    layer = layer or LAYER_AUTO
    if layer.startswith(LAYER_EDITOR):
        name = layer.removeprefix(LAYER_EDITOR)
        if not get_user_model().objects.filter(username=name).exists():
            raise DomainError(f"No user named {name!r}.", field="layer")
    elif layer not in LAYERS:
        raise DomainError("Give layer=auto, gold, all or editor:<username>.", field="layer")
    chosen = list(statuses or [Span.Status.ACCEPTED])
    if include_rejected and Span.Status.REJECTED not in chosen:
        chosen.append(Span.Status.REJECTED)
    return ExportFilters(
        statuses=tuple(chosen),
        labels=tuple(labels or ()),
        annotator=annotator or None,
        updated_since=updated_since,
        article_ids=tuple(article_ids or ()),
        gold=gold,
        review_state=review_state or None,
        reviewed_by=reviewed_by or None,
        layer=layer,
    )


def export_labels(project: Project, filters: ExportFilters) -> list[str]:
    """Label names in display order (the tag columns of CoNLL), narrowed by the filter."""
    names = list(
        Label.objects.filter(project=project)
        .order_by("order", "name")
        .values_list("name", flat=True)
    )
    return [name for name in names if not filters.labels or name in filters.labels]


def export_context(project: Project, *, site_url: str) -> dict[str, Any]:
    """What writers may need about the project besides its rows: its name, each label's
    attribute declarations (a claim's rating scale is its ``verdict`` choices), the site's
    address for links (``site_url``, no trailing slash; "" for none) and who publishes
    reviews (``CLAIMREVIEW_PUBLISHER_NAME``/``_URL``, by default the project and the site)."""
    attributes = dict(Label.objects.filter(project=project).values_list("name", "attributes"))
    return {
        "project_id": project.pk,
        "project_name": project.name,
        "label_attributes": attributes,
        "site_url": site_url,
        "publisher": {
            "name": settings.CLAIMREVIEW_PUBLISHER_NAME or project.name,
            "url": settings.CLAIMREVIEW_PUBLISHER_URL or site_url,
        },
    }


def export_articles(project: Project, filters: ExportFilters) -> QuerySet[Article]:
    articles = Article.objects.filter(project=project)
    if filters.updated_since is not None:
        articles = articles.filter(updated_at__gte=filters.updated_since)
    if filters.article_ids:
        articles = articles.filter(pk__in=filters.article_ids)
    if filters.review_state:
        reviews = Review.objects.filter(article=OuterRef("pk"))
        if filters.reviewed_by:
            reviews = reviews.filter(annotator__username=filters.reviewed_by)
        if filters.review_state == "new":
            articles = articles.filter(~Exists(reviews))
        else:
            articles = articles.filter(Exists(reviews.filter(state=filters.review_state)))
    return articles


def _span_condition(filters: ExportFilters) -> Q:
    condition = Q(status__in=filters.statuses)
    if filters.labels:
        condition &= Q(label__name__in=filters.labels)
    if filters.annotator:
        condition &= Q(annotator__username=filters.annotator)
    if filters.gold is not None:
        condition &= Q(gold=filters.gold)
    return condition & _layer_condition(filters.layer)


def _layer_condition(layer: str) -> Q:
    suggestion = Q(annotator__isnull=True)
    if layer == LAYER_GOLD:
        return suggestion | Q(gold=True)
    if layer.startswith(LAYER_EDITOR):
        return suggestion | Q(gold=False, annotator__username=layer.removeprefix(LAYER_EDITOR))
    if layer == LAYER_AUTO:
        has_gold = Span.objects.filter(article_id=OuterRef("article_id"), gold=True)
        return suggestion | Q(gold=True) | Q(Q(gold=False), ~Exists(has_gold))
    return Q()


def merge_layers(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Equal spans of several layers (label, offsets, status, attributes) as one, in text
    order, listing its ``annotators``; ``annotator`` names them comma-separated."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for span in spans:
        key = (
            span["label"],
            span["start"],
            span["end"],
            span["status"],
            json.dumps(span["attrs"], sort_keys=True),
        )
        kept = merged.setdefault(key, {**span, "annotators": []})
        if span["annotator"] and span["annotator"] not in kept["annotators"]:
            kept["annotators"].append(span["annotator"])
    for span in merged.values():
        span["annotators"].sort()
        span["annotator"] = ",".join(span["annotators"]) or None
    return list(merged.values())


def _chunk_spans(ids: list[int], filters: ExportFilters) -> QuerySet[Span]:
    """The exported spans of a chunk of articles: the one place their filters are applied."""
    return Span.objects.filter(_span_condition(filters), article_id__in=ids)


def export_count(project: Project, filters: ExportFilters) -> int:
    """How many articles an export holds (for progress of background snapshots only)."""
    return export_articles(project, filters).count()


def export_rows(
    project: Project,
    filters: ExportFilters,
    *,
    chunk_size: int = CHUNK_SIZE,
    on_chunk: Callable[[int], None] | None = None,
    raw_spans: bool = False,
    details: bool = False,
    timed_attrs: tuple[str, ...] = (),
) -> Iterator[ArticleRow]:
    """Yield one plain row per article in id order, three queries per chunk of articles.

    ``raw_spans``: on PostgreSQL, rows carry the span list as the JSON text the database
    built (``spans_json``) and its length (``span_count``) instead of ``spans``, for writers
    that copy it into their output unchanged. Other databases always give ``spans``.

    Writers that need more ask for it (one more query per chunk each): ``details`` adds the
    article's ``source_url``, ``author`` and ``published_at`` (ISO date or None);
    ``timed_attrs`` adds to each span holding one of these attributes ``attrs_set_at``:
    ``{name: when it got its current value}``, from the span history. Neither applies with
    ``raw_spans``.
    """
    articles = export_articles(project, filters).order_by("id")
    postgresql = connection.vendor == "postgresql"
    merged = filters.layer == LAYER_ALL
    raw_spans = raw_spans and not merged  # merging reads the spans
    last_id = 0
    done = 0
    while True:
        chunk = list(
            articles.filter(id__gt=last_id).values_list("id", "title", "text", "meta")[:chunk_size]
        )
        if not chunk:
            return
        last_id = chunk[-1][0]
        ids = [row[0] for row in chunk]
        reviews = chunk_reviews(ids)
        spans = _chunk_spans(ids, filters)
        if postgresql and raw_spans:
            raw = spans_as_json(spans)
            for article_id, title, text, meta in chunk:
                spans_json, span_count = raw.get(article_id, ("[]", 0))
                yield {
                    "id": article_id,
                    "title": title,
                    "text": text,
                    "meta": meta,
                    "reviews": reviews.get(article_id, []),
                    "spans_json": spans_json,
                    "span_count": span_count,
                }
        else:
            if postgresql:
                by_article = {
                    article_id: json.loads(spans_json)
                    for article_id, (spans_json, _) in spans_as_json(spans).items()
                }
            else:
                by_article = spans_as_rows(spans)
            if timed_attrs:
                _add_attrs_set_at(by_article, timed_attrs)
            about = article_details(ids) if details else {}
            for article_id, title, text, meta in chunk:
                spans_of = by_article.get(article_id, [])
                yield {
                    "id": article_id,
                    "title": title,
                    "text": text,
                    "meta": meta,
                    **about.get(article_id, {}),
                    "reviews": reviews.get(article_id, []),
                    "spans": merge_layers(spans_of) if merged else spans_of,
                }
        done += len(chunk)
        if on_chunk is not None:
            on_chunk(done)
        if len(chunk) < chunk_size:
            return


def article_details(ids: list[int]) -> dict[int, dict[str, Any]]:
    """``{article_id: {source_url, author, published_at}}``, the date as ISO text or None."""
    rows = Article.objects.filter(pk__in=ids).values_list(
        "id", "source_url", "author", "published_at"
    )
    return {
        article_id: {
            "source_url": source_url,
            "author": author,
            "published_at": published.isoformat() if published else None,
        }
        for article_id, source_url, author, published in rows
    }


def attrs_set_at(span_ids: list[int], names: tuple[str, ...]) -> dict[int, dict[str, str]]:
    """``{span_id: {name: ISO time}}``: when each named attribute last took a new non-empty
    value on each span, from the span history (one query).

    A row made from a suggestion records the suggestion as its ``before``, so an attribute
    carried over unchanged keeps no time of its own there; the caller falls back to the
    span's ``updated_at``.
    """
    events = (
        SpanEvent.objects.filter(span_id__in=span_ids)
        .order_by("span_id", "created_at", "id")
        .values_list("span_id", IsoTimestamp("created_at"), "before__attrs", "after__attrs")
    )
    times: dict[int, dict[str, str]] = {}
    for span_id, created_at, before, after in events:
        before, after = before or {}, after or {}
        for name in names:
            if after.get(name) and after.get(name) != before.get(name):
                times.setdefault(span_id, {})[name] = created_at
    return times


def _add_attrs_set_at(by_article: dict[int, list[dict[str, Any]]], names: tuple[str, ...]) -> None:
    timed = [
        span
        for spans in by_article.values()
        for span in spans
        if any(span["attrs"].get(name) for name in names)
    ]
    if not timed:
        return
    times = attrs_set_at([span["id"] for span in timed], names)
    for span in timed:
        known = times.get(span["id"], {})
        span["attrs_set_at"] = {
            name: known.get(name, span["updated_at"]) for name in names if span["attrs"].get(name)
        }


def chunk_reviews(ids: list[int]) -> dict[int, list[dict[str, str]]]:
    """``{article_id: [{annotator, state, updated_at}]}`` by annotator name, in one query.

    Every review row of the articles, whatever the span filters: whether an article was
    opened or finished is a fact about the article, not about the spans chosen for export.
    """
    rows = (
        Review.objects.filter(article_id__in=ids)
        .order_by("article_id", "annotator__username")
        .values_list("article_id", "annotator__username", "state", IsoTimestamp("updated_at"))
    )
    by_article: dict[int, list[dict[str, str]]] = {}
    for article_id, annotator, state, updated_at in rows:
        by_article.setdefault(article_id, []).append(
            {"annotator": annotator, "state": state, "updated_at": updated_at}
        )
    return by_article


def spans_as_rows(spans: QuerySet[Span]) -> dict[int, list[dict[str, Any]]]:
    """``{article_id: [span dict in SPAN_FIELDS order]}``, spans in text order (any database)."""
    columns = {**SPAN_FIELDS, "attrs": Cast("attrs", TextField())}
    names = list(columns)
    attrs_at = names.index("attrs")
    rows = spans.order_by("article_id", *TEXT_ORDER).values_list("article_id", *columns.values())
    by_article: dict[int, list[dict[str, Any]]] = {}
    for article_id, *values in rows:
        values[attrs_at] = _attrs(values[attrs_at])
        by_article.setdefault(article_id, []).append(dict(zip(names, values, strict=True)))
    return by_article


def spans_as_json(spans: QuerySet[Span]) -> dict[int, tuple[str, int]]:
    """The same spans as ``spans_as_rows``, with PostgreSQL building each article's list.

    One row per article instead of one per span: Python then parses one JSON array (in C),
    or copies it as is, rather than converting a dozen columns per span; this doubles export
    throughput. Returns ``{article_id: (json_text, span_count)}``.
    """
    rows = (
        spans.order_by()
        .values("article_id")
        .annotate(spans_json=_JsonAgg(_JsonObject(SPAN_FIELDS)), span_count=Count("id"))
        .values_list("article_id", "spans_json", "span_count")
    )
    return {article_id: (text, count) for article_id, text, count in rows}


def export_totals(
    project: Project, filters: ExportFilters, *, only_with_attr: str = ""
) -> tuple[int, int]:
    """How many articles and spans an export with these filters holds (two counts), for
    the export page to say before anyone downloads. ``only_with_attr``: the writer's
    (``Writer.only_with_attr``), counting only the spans it writes."""
    articles = export_articles(project, filters)
    spans = Span.objects.filter(_span_condition(filters), article__in=articles.values("pk"))
    if only_with_attr:
        declaring = [
            label_id
            for label_id, attributes in Label.objects.filter(project=project).values_list(
                "id", "attributes"
            )
            if any(attribute.get("name") == only_with_attr for attribute in attributes or ())
        ]
        key = f"attrs__{only_with_attr}"
        spans = (
            spans.filter(label_id__in=declaring, **{f"{key}__isnull": False})
            .exclude(status=Span.Status.REJECTED)
            .exclude(**{key: ""})
            .exclude(**{key: None})
        )
    return articles.count(), spans.count()
