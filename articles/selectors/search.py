"""Search the spans of a project: by text, label, speaker, verdict, status, layer, annotator
and article; best match first, in keyset pages.

Text search is PostgreSQL full text (English stemming, web-search syntax, ``ts_rank``; the
stored vector and GIN index of migration 0013) and, on other databases (SQLite in embedded
mode), the same syntax as case-insensitive substrings, unranked. Pages are ordered by rank,
then article and start; a cursor is the last row's key, so a page costs the same however
deep it is.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import F, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Greatest, Substr

from articles.access import readable_spans
from articles.errors import DomainError
from articles.models import Project, Span
from articles.search_text import CONTEXT_CHARS, parse_query, snippet
from articles.types import AnyUser

# The text search configuration of queries; migration 0013 stems span text with the same.
SEARCH_CONFIG = "english"
MAX_PAGE_SIZE = 100
Layer = Literal["machine", "human"]
Direction = Literal["next", "previous"]


@dataclass(frozen=True)
class SpanSearch:
    """What to look for; empty values mean any. ``layer``: ``machine`` the shared
    suggestions, ``human`` the rows of people's layers (decisions and drawn spans)."""

    q: str = ""
    labels: tuple[str, ...] = ()
    speaker: str = ""
    verdict: str = ""
    status: str = ""
    layer: Layer | None = None
    annotator: str = ""
    article_id: int | None = None


@dataclass(frozen=True)
class Cursor:
    """A position between rows: after (``next``) or before (``previous``) the row ``key``."""

    direction: Direction
    key: tuple[Any, ...]

    def encode(self) -> str:
        raw = json.dumps([self.direction[0], *self.key], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        try:
            raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            kind, *key = raw
            direction = {"n": "next", "p": "previous"}[kind]
            ranked = len(key) == 4
            if len(key) not in (3, 4) or not all(
                isinstance(value, int) and not isinstance(value, bool)
                for value in key[1 if ranked else 0 :]
            ):
                raise ValueError(key)
            if ranked and not isinstance(key[0], int | float):
                raise ValueError(key)
        except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
            raise DomainError("Not a cursor this search gave.", field="cursor") from None
        return cls(direction=cast(Direction, direction), key=tuple(key))


@dataclass
class SearchPage:
    rows: list[dict[str, Any]] = field(default_factory=list)
    next: Cursor | None = None
    previous: Cursor | None = None
    method: Literal["full_text", "substring"] = "substring"


def full_text_available(using: str = "default") -> bool:
    """Whether the database does PostgreSQL full text search."""
    return connections[using].vendor == "postgresql"


def _text_filter(query: str) -> Q:
    """The fallback: the web-search syntax as case-insensitive substrings of the span text."""
    alternatives = Q()
    for group in parse_query(query):
        wanted = Q()
        for term in group:
            contains = Q(text__icontains=term.text)
            wanted &= ~contains if term.negated else contains
        alternatives |= wanted
    return alternatives


def search_spans(
    *, user: AnyUser, project: Project, search: SpanSearch, full_text: bool | None = None
) -> QuerySet[Span]:
    """The matching spans the user may read, unordered; ranked (``rank``) when the text
    is searched in full text. ``full_text=False`` forces the fallback (to test it on
    PostgreSQL); None picks by database."""
    spans = readable_spans(Span.objects.filter(article__project=project), user)
    if search.labels:
        known = set(project.labels.filter(name__in=search.labels).values_list("name", flat=True))
        if unknown := [name for name in search.labels if name not in known]:
            raise DomainError(
                f"No label named {', '.join(map(repr, unknown))} in this project.", field="label"
            )
        spans = spans.filter(label__name__in=search.labels)
    if search.speaker:
        spans = spans.filter(attrs__speaker__icontains=search.speaker)
    if search.verdict:
        spans = spans.filter(attrs__verdict__iexact=search.verdict)
    if search.status:
        spans = spans.filter(status=search.status)
    if search.layer is not None:
        spans = spans.filter(annotator__isnull=search.layer == "machine")
    if search.annotator:
        spans = spans.filter(annotator__username=search.annotator)
    if search.article_id is not None:
        spans = spans.filter(article_id=search.article_id)
    query = search.q.strip()
    if not query:
        return spans
    if full_text is None:
        full_text = full_text_available(spans.db)
    if not full_text:
        return spans.filter(_text_filter(query))
    return full_text_match(spans, query)


def full_text_match(spans: QuerySet[Span], query: str) -> QuerySet[Span]:
    """The spans whose text matches the web-search ``query``, ranked (``rank``): on the
    ``search_vector`` column migration 0013 adds on PostgreSQL (not a model field)."""
    vector = RawSQL(f'"{Span._meta.db_table}"."search_vector"', [], SearchVectorField())
    terms = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    # ts_rank is a float4; as a double it survives the trip through a cursor exactly.
    rank = Cast(SearchRank(vector, terms), FloatField())
    return spans.annotate(search=vector, rank=rank).filter(search=terms)


def _key(row: dict[str, Any], ranked: bool) -> tuple[Any, ...]:
    plain = (row["article_id"], row["start"], row["id"])
    return (row["rank"], *plain) if ranked else plain


def _beyond(key: tuple[Any, ...], ranked: bool, *, after: bool) -> Q:
    """Rows after (or before) ``key`` in the order rank desc, article, start, id."""
    names = ["article_id", "start", "id"]
    values = list(key[1:] if ranked else key)
    if ranked:
        names.insert(0, "rank")
        values.insert(0, key[0])
    condition = Q()
    # Built from the last column up: (a > x) or (a = x and (rest beyond)).
    for position in reversed(range(len(names))):
        name, value = names[position], values[position]
        descending = name == "rank"
        lookup = "gt" if after != descending else "lt"
        strictly = Q(**{f"{name}__{lookup}": value})
        condition = (
            strictly if position == len(names) - 1 else strictly | (Q(**{name: value}) & condition)
        )
    return condition


def span_search(
    *,
    user: AnyUser,
    project: Project,
    search: SpanSearch,
    cursor: Cursor | None = None,
    page_size: int = 20,
    full_text: bool | None = None,
) -> SearchPage:
    """One page of the search, each row with its article, editor link and snippet."""
    if full_text is None:
        full_text = full_text_available()
    spans = search_spans(user=user, project=project, search=search, full_text=full_text)
    ranked = "rank" in spans.query.annotations
    if cursor is not None and len(cursor.key) != (4 if ranked else 3):
        raise DomainError("Not a cursor of this search.", field="cursor")
    backwards = cursor is not None and cursor.direction == "previous"
    if cursor is not None:
        spans = spans.filter(_beyond(cursor.key, ranked, after=not backwards))
    order = ["article_id", "start", "id"]
    if ranked:
        order.insert(0, "-rank")
    if backwards:
        order = [name[1:] if name.startswith("-") else f"-{name}" for name in order]
    # The page's keys first, the columns after: PostgreSQL computes a row's whole select
    # list before sorting, so cutting the article text in the sorted query would read the
    # text of every match, not only of the page's rows.
    key_names = ["id", "article_id", "start", *(["rank"] if ranked else [])]
    keys = list(spans.order_by(*order).values(*key_names)[: page_size + 1])
    more = len(keys) > page_size
    keys = keys[:page_size]
    if backwards:
        keys.reverse()
    page = SearchPage(method="full_text" if full_text else "substring")
    if keys:
        # Going forward, more rows mean a next page and a cursor means a previous one;
        # going back, the other way round.
        has_next, has_previous = (
            (cursor is not None, more) if backwards else (more, cursor is not None)
        )
        if has_next:
            page.next = Cursor("next", _key(keys[-1], ranked))
        if has_previous:
            page.previous = Cursor("previous", _key(keys[0], ranked))
    found = {row["id"]: row for row in _values(Span.objects.filter(pk__in=[k["id"] for k in keys]))}
    page.rows = [
        _row({**found[key["id"]], "rank": key.get("rank")}, search.q, ranked)
        for key in keys
        if key["id"] in found
    ]
    return page


def _values(spans: QuerySet[Span]) -> QuerySet[Span, dict[str, Any]]:
    """The columns of a row, with the article text only around the span (SQL ``substr`` is
    1-based and counts characters on both databases, as span offsets do)."""
    before_from = Greatest(F("start") - CONTEXT_CHARS, 0)
    columns = spans.annotate(
        before=Substr("article__text", before_from + 1, F("start") - before_from),
        after=Substr("article__text", F("end") + 1, CONTEXT_CHARS + 1),
    )
    names = ["id", "text", "start", "end", "status", "origin", "attrs", "article_id"]
    names += ["label__name", "annotator__username", "article__title", "before", "after"]
    return columns.values(*names)


def _row(row: dict[str, Any], query: str, ranked: bool) -> dict[str, Any]:
    shown = snippet(
        before=row["before"] or "",
        span_text=row["text"],
        after=row["after"] or "",
        start=row["start"],
        query=query,
    )
    return {
        "id": row["id"],
        "text": row["text"],
        "start": row["start"],
        "end": row["end"],
        "label": row["label__name"],
        "status": row["status"],
        "origin": row["origin"],
        "annotator": row["annotator__username"],
        "attrs": row["attrs"],
        "rank": round(row["rank"], 6) if ranked else None,
        "article": {"id": row["article_id"], "title": row["article__title"]},
        "editor_url": f"/articles/{row['article_id']}/#span-{row['id']}",
        "snippet": {
            "text": shown.text,
            "span": list(shown.span),
            "matches": [list(match) for match in shown.matches],
            "cut_before": shown.cut_before,
            "cut_after": shown.cut_after,
        },
    }


def verdict_choices(project: Project) -> list[str]:
    """The verdicts the project's labels declare (its rating scale), in scale order."""
    seen: dict[str, None] = {}
    for attributes in project.labels.order_by("order", "name").values_list("attributes", flat=True):
        for declared in attributes or []:
            if declared.get("name") == "verdict" and declared.get("type") == "choice":
                seen.update(dict.fromkeys(declared.get("choices", [])))
    return list(seen)
