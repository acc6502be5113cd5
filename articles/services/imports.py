"""Imports: validate records, drop duplicates, bulk-insert articles and spans, queue tagging.

One import is all or nothing: the first bad record stops it with its location and field, and
nothing of the batch is written. Duplicates (same normalised text already in the project, or
earlier in the same batch) are reported on the ``ImportJob``, not created. Pre-tagging is
queued after the import commits.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from articles.errors import DomainError, NotAllowed
from articles.importing import Record, fetch_article, read_upload, record_from_object
from articles.models import Article, ImportJob, Label, Project, Role, Span
from articles.services.pretag import pretag_enqueue
from articles.services.span_rows import SpanRow, span_rows_insert
from articles.text import content_hash, normalize_text, trim_span

SpansAs = Literal["machine", "human", "ignore"]
SPANS_AS = ("machine", "human", "ignore")
HASH_BATCH = 1000
IMPORTED_TAGGER = "import"


class UploadTooLarge(DomainError):
    status_code = 413


class TooManyArticles(DomainError):
    status_code = 400


@dataclass
class _Prepared:
    record: Record
    article: Article
    spans: list[dict[str, Any]]


def import_check_size(*, size: int, name: str = "file") -> None:
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size > limit:
        raise UploadTooLarge(
            f"{name} has {size} bytes; the limit is {limit} (IMPORT_MAX_UPLOAD_BYTES).",
            field="file",
        )


def _require_editor(project: Project, user: AbstractBaseUser | None) -> None:
    if user is not None and not project.allows(user, Role.EDITOR):
        raise NotAllowed("Your role in this project does not allow importing articles.")


def _string(record: Record, name: str, value: Any, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DomainError(f"{record.where}: field '{name}' must be a string.", field=name)
    value = normalize_text(value).strip()
    if len(value) > limit:
        raise DomainError(
            f"{record.where}: field '{name}' is longer than {limit} characters.", field=name
        )
    return value


def _date(record: Record, value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise DomainError(
        f"{record.where}: field 'published_at' must be a date like 2024-05-31.",
        field="published_at",
    )


def _prepare(record: Record, project: Project) -> Article:
    if not isinstance(record.text, str):
        raise DomainError(f"{record.where}: field 'text' must be a string.", field="text")
    text = normalize_text(record.text)
    if not text.strip():
        raise DomainError(f"{record.where}: field 'text' is empty.", field="text")
    if len(text) > settings.IMPORT_MAX_ARTICLE_CHARS:
        raise DomainError(
            f"{record.where}: field 'text' has {len(text)} characters; the limit is "
            f"{settings.IMPORT_MAX_ARTICLE_CHARS} (IMPORT_MAX_ARTICLE_CHARS).",
            field="text",
        )
    if not isinstance(record.meta, dict):
        raise DomainError(f"{record.where}: field 'meta' must be an object.", field="meta")
    meta = dict(record.meta)
    if record.external_id not in (None, ""):
        meta.setdefault("import_id", record.external_id)
    language = _string(record, "language", record.language, 20) or "en"
    return Article(
        project=project,
        title=_string(record, "title", record.title, 500),
        text=text,
        source_url=_string(record, "source_url", record.source_url, 2000),
        author=_string(record, "author", record.author, 300),
        published_at=_date(record, record.published_at),
        language=language,
        meta=meta,
        content_hash=content_hash(text),
    )


def _check_spans(
    record: Record, article: Article, labels: dict[str, Label], spans_as: SpansAs
) -> list[dict[str, Any]]:
    """Validated spans of a record: offsets trimmed, text checked, label known."""
    if spans_as == "ignore" or not record.spans:
        return []
    if not isinstance(record.spans, list):
        raise DomainError(f"{record.where}: field 'spans' must be a list.", field="spans")
    text = article.text
    checked = []
    for index, span in enumerate(record.spans):
        where = f"{record.where}: spans[{index}]"
        if not isinstance(span, dict):
            raise DomainError(f"{where} must be an object.", field="spans")
        start, end = span.get("start"), span.get("end")
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
            raise DomainError(f"{where}: 'start' and 'end' must be integers.", field="spans")
        if not 0 <= start < end <= len(text):
            raise DomainError(
                f"{where}: offsets must satisfy 0 <= start < end <= {len(text)} "
                f"(got {start}, {end}).",
                field="spans",
            )
        given = span.get("text")
        if given is not None and given != text[start:end]:
            # Only a mismatch pays for normalising: exported text is already NFC.
            expected = normalize_text(str(given))
            if expected != text[start:end]:
                raise DomainError(
                    f"{where}: 'text' does not match the article text at [{start}, {end}) "
                    f"(expected {text[start:end][:40]!r}, got {expected[:40]!r}).",
                    field="spans",
                )
        label = labels.get(str(span.get("label")))
        if label is None:
            raise DomainError(
                f"{where}: label {span.get('label')!r} does not exist in this project "
                f"(labels: {', '.join(sorted(labels))}).",
                field="spans",
            )
        start, end = trim_span(text, start, end)
        if start == end:
            raise DomainError(f"{where}: the span holds only whitespace.", field="spans")
        attrs = span.get("attrs") or {}
        if not isinstance(attrs, dict):
            raise DomainError(f"{where}: 'attrs' must be an object.", field="spans")
        confidence = span.get("confidence")
        if confidence is not None:
            if not isinstance(confidence, int | float) or not 0 <= confidence <= 1:
                raise DomainError(f"{where}: 'confidence' must be in [0, 1].", field="spans")
            confidence = float(confidence)
        checked.append(
            {
                "label": label,
                "start": start,
                "end": end,
                "attrs": attrs,
                "confidence": confidence,
                "tagger_version": str(span.get("tagger_version") or IMPORTED_TAGGER)[:100],
                "note": str(span.get("note") or ""),
                "where": where,
            }
        )
    if spans_as == "human":
        # The same invariant as span_create: one layer never holds two overlapping spans of
        # one label.
        by_label: dict[int, list[dict[str, Any]]] = {}
        for span in checked:
            by_label.setdefault(span["label"].pk, []).append(span)
        for spans in by_label.values():
            spans.sort(key=lambda s: (s["start"], s["end"]))
            for before, after in itertools.pairwise(spans):
                if after["start"] < before["end"]:
                    raise DomainError(
                        f"{after['where']}: it overlaps another {after['label'].name} span "
                        f"[{before['start']}, {before['end']}); spans of one label never "
                        "overlap in a layer.",
                        field="spans",
                    )
    else:
        seen: set[tuple[int, int, int]] = set()
        unique = []
        for span in checked:
            key = (span["label"].pk, span["start"], span["end"])
            if key not in seen:
                seen.add(key)
                unique.append(span)
        checked = unique
    return checked


def _existing_hashes(project: Project, hashes: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i in range(0, len(hashes), HASH_BATCH):
        rows = Article.objects.filter(
            project=project, content_hash__in=hashes[i : i + HASH_BATCH]
        ).values_list("content_hash", "pk")
        found.update(rows)
    return found


def articles_import(
    *,
    project: Project,
    records: Iterable[Record],
    user: AbstractBaseUser | None,
    source: str = "api",
    spans_as: SpansAs = "machine",
    pretag: bool = True,
) -> ImportJob:
    """Import records into ``project``; returns the finished ``ImportJob``.

    Raises ``DomainError`` (with the record's location and field) for the first bad record;
    the job is then stored as failed and no article of the batch exists. Articles whose
    machine spans were imported keep them as their suggestions and are not re-tagged.
    """
    _require_editor(project, user)
    if spans_as not in SPANS_AS:
        raise DomainError(f"spans_as must be one of {', '.join(SPANS_AS)}.", field="spans_as")
    job = ImportJob.objects.create(
        project=project, created_by=user, source=source[:500], state=ImportJob.State.RUNNING
    )
    try:
        _import_into(job, project, records, user, spans_as, pretag)
    except DomainError as error:
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJob.State.FAILED, error=error.message, finished_at=timezone.now()
        )
        job.refresh_from_db()
        error.import_job = job  # type: ignore[attr-defined]
        raise
    job.refresh_from_db()
    return job


def _records_limited(records: Iterable[Record]) -> Iterator[Record]:
    limit = settings.IMPORT_MAX_ARTICLES
    for count, record in enumerate(records, start=1):
        if count > limit:
            raise TooManyArticles(
                f"{record.where}: more than {limit} articles in one import "
                "(IMPORT_MAX_ARTICLES); split the file.",
                field="file",
            )
        yield record


@transaction.atomic
def _import_into(
    job: ImportJob,
    project: Project,
    records: Iterable[Record],
    user: AbstractBaseUser | None,
    spans_as: SpansAs,
    pretag: bool,
) -> None:
    labels = {label.name: label for label in Label.objects.filter(project=project)}
    if spans_as == "human" and user is None:
        raise DomainError("Human spans need an importing user.", field="spans_as")
    prepared: list[_Prepared] = []
    duplicates: list[dict[str, Any]] = []
    first_in_batch: dict[str, str] = {}
    total = 0
    for record in _records_limited(records):
        total += 1
        article = _prepare(record, project)
        spans = _check_spans(record, article, labels, spans_as)
        if article.content_hash in first_in_batch:
            duplicates.append(
                {
                    "where": record.where,
                    "title": article.title,
                    "duplicate_of": first_in_batch[article.content_hash],
                }
            )
            continue
        first_in_batch[article.content_hash] = record.where
        prepared.append(_Prepared(record, article, spans))
    existing = _existing_hashes(project, [p.article.content_hash for p in prepared])
    fresh = []
    for item in prepared:
        if item.article.content_hash in existing:
            duplicates.append(
                {
                    "where": item.record.where,
                    "title": item.article.title,
                    "article": existing[item.article.content_hash],
                }
            )
        else:
            item.article.import_job = job
            if item.spans and spans_as == "machine":
                item.article.pretag_state = Article.PretagState.DONE
                item.article.pretag_tagger = IMPORTED_TAGGER
                item.article.pretagged_at = timezone.now()
            fresh.append(item)
    _articles_insert([item.article for item in fresh], job)
    span_rows = [
        _span_row(item.article, span, spans_as, user) for item in fresh for span in item.spans
    ]
    span_rows_insert(span_rows)
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.DONE,
        total=total,
        created_count=len(fresh),
        duplicate_count=len(duplicates),
        duplicates=duplicates[:1000],
        finished_at=timezone.now(),
    )
    to_tag = [
        item.article.pk
        for item in fresh
        if item.article.pretag_state == Article.PretagState.PENDING
    ]
    if pretag and to_tag:
        pretag_enqueue(to_tag)


_ARTICLE_COLUMNS = (
    "project_id",
    "title",
    "text",
    "source_url",
    "author",
    "published_at",
    "language",
    "meta",
    "content_hash",
    "import_job_id",
    "pretag_state",
    "pretag_error",
    "pretag_tagger",
    "pretagged_at",
    "created_at",
    "updated_at",
)


def _articles_insert(articles: list[Article], job: ImportJob) -> None:
    """Insert and set ``pk`` on each. PostgreSQL gets ``COPY`` (megabytes of text go in
    several times faster than through INSERT parameters), then one query maps hashes to ids."""
    if not articles:
        return
    if connection.vendor != "postgresql":
        Article.objects.bulk_create(articles, batch_size=500)
        return
    now = timezone.now()
    table = connection.ops.quote_name(Article._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _ARTICLE_COLUMNS)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for a in articles:
            copy.write_row(
                (
                    a.project_id,
                    a.title,
                    a.text,
                    a.source_url,
                    a.author,
                    a.published_at,
                    a.language,
                    json.dumps(a.meta),
                    a.content_hash,
                    job.pk,
                    a.pretag_state,
                    a.pretag_error,
                    a.pretag_tagger,
                    a.pretagged_at,
                    now,
                    now,
                )
            )
    ids = dict(Article.objects.filter(import_job=job).values_list("content_hash", "pk"))
    for a in articles:
        a.pk = ids[a.content_hash]


def _span_row(
    article: Article, span: dict[str, Any], spans_as: SpansAs, user: AbstractBaseUser | None
) -> SpanRow:
    human = spans_as == "human"
    return SpanRow(
        article_id=article.pk,
        label_id=span["label"].pk,
        start=span["start"],
        end=span["end"],
        text=article.text[span["start"] : span["end"]],
        attrs=span["attrs"],
        origin=Span.Origin.HUMAN if human else Span.Origin.MACHINE,
        status=Span.Status.ACCEPTED if human else Span.Status.SUGGESTED,
        confidence=span["confidence"],
        tagger_version="" if human else span["tagger_version"],
        annotator_id=user.pk if human and user is not None else None,
        note=span["note"] if human else "",
    )


def import_upload(
    *,
    project: Project,
    name: str,
    data: bytes,
    user: AbstractBaseUser | None,
    spans_as: SpansAs = "machine",
    pretag: bool = True,
) -> ImportJob:
    """Import one uploaded file (JSONL, CSV, TXT, MD, HTML or a zip of them)."""
    _require_editor(project, user)
    import_check_size(size=len(data), name=name)
    records = read_upload(name, data, max_bytes=settings.IMPORT_MAX_UPLOAD_BYTES)
    return articles_import(
        project=project, records=records, user=user, source=name, spans_as=spans_as, pretag=pretag
    )


def import_url(*, project: Project, url: str, user: AbstractBaseUser | None) -> ImportJob:
    """Fetch a page, extract its article and import it."""
    _require_editor(project, user)
    record = fetch_article(url)
    return articles_import(project=project, records=[record], user=user, source=url)


def import_one(
    *, project: Project, data: dict[str, Any], user: AbstractBaseUser | None, spans_as: SpansAs
) -> ImportJob:
    """Import one article given as a JSON object (the JSONL record shape)."""
    record = record_from_object(data, where="article")
    return articles_import(
        project=project, records=[record], user=user, source="api", spans_as=spans_as
    )


def import_job_progress(job: ImportJob) -> dict[str, int]:
    """Counts of the job's articles per pre-tag state (every state present, zero if none)."""
    counts = dict.fromkeys(Article.PretagState.values, 0)
    rows = (
        Article.objects.filter(import_job=job)
        .order_by()
        .values("pretag_state")
        .annotate(n=Count("id"))
        .values_list("pretag_state", "n")
    )
    for state, count in rows:
        counts[state] = count
    return counts
