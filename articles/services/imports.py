"""Imports: validate records, drop duplicates, bulk-insert articles and spans, queue tagging.

One import is all or nothing: the first bad record stops it with its location and field, and
nothing of the batch is written. Duplicates (same normalised text already in the project, or
earlier in the same batch) are reported on the ``ImportJob``, not created. Pre-tagging is
queued after the import commits.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles import queue
from articles.access import require_role
from articles.errors import DomainError
from articles.importing import Record, fetch_article, read_upload, record_from_object
from articles.importing.records import UploadTooLarge
from articles.models import Article, ImportJob, Label, Project, Role, Span
from articles.services.assignments import assignments_after_import
from articles.services.history import spans_record_created
from articles.services.rows import SpanRow, rows_insert, span_rows_insert
from articles.spans import first_overlap, span_bounds
from articles.storable import json_problem, text_problem
from articles.text import content_hash, normalize_text
from articles.types import User

logger = logging.getLogger(__name__)

SpansAs = Literal["machine", "human", "ignore"]
SPANS_AS = ("machine", "human", "ignore")
HASH_BATCH = 1000
DUPLICATES_KEPT = 1000  # reports of duplicates kept on a job; the count has them all
IMPORTED_TAGGER = "import"
_UNSTORABLE_IN_NAME = re.compile("[\x00-\x1f\ud800-\udfff]")


__all__ = ["SPANS_AS", "TooManyArticles", "UploadTooLarge"]  # UploadTooLarge: readers' too

# What an import job says when something other than a bad record stopped it (a bug, the
# database gone): the details go to the log, not to the importing user.
UNEXPECTED_FAILURE = "The import failed unexpectedly; nothing of it was stored."


class TooManyArticles(DomainError):
    status_code = 400


@dataclass
class _Prepared:
    record: Record
    article: dict[str, Any]  # the row's columns; "id" once inserted
    spans: list[dict[str, Any]]


def import_check_size(*, size: int, name: str = "file") -> None:
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size > limit:
        raise UploadTooLarge(
            f"{name} has {size} bytes; the limit is {limit} (IMPORT_MAX_UPLOAD_BYTES).",
            field="file",
        )


def _unstorable(where: str, name: str, problem: str | None) -> None:
    if problem:
        raise DomainError(f"{where}: field '{name}' {problem}.", field=name)


def _string(record: Record, name: str, value: Any, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DomainError(f"{record.where}: field '{name}' must be a string.", field=name)
    _unstorable(record.where, name, text_problem(value))
    value = normalize_text(value).strip()
    if len(value) > limit:
        raise DomainError(
            f"{record.where}: field '{name}' is longer than {limit} characters.", field=name
        )
    return value


def _date(record: Record, value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise DomainError(
        f"{record.where}: field 'published_at' must be a date like 2024-05-31.",
        field="published_at",
    )


def _prepare(record: Record, project: Project) -> dict[str, Any]:
    """The article row of a record (columns of ``Article``), checked."""
    if not isinstance(record.text, str):
        raise DomainError(f"{record.where}: field 'text' must be a string.", field="text")
    _unstorable(record.where, "text", text_problem(record.text))
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
    _unstorable(record.where, "meta", json_problem(meta))
    language = _string(record, "language", record.language, 20) or "en"
    return {
        "project_id": project.pk,
        "title": _string(record, "title", record.title, 500),
        "text": text,
        "source_url": _string(record, "source_url", record.source_url, 2000),
        "author": _string(record, "author", record.author, 300),
        "published_at": _date(record, record.published_at),
        "language": language,
        "meta": meta,
        "content_hash": content_hash(text),
    }


def _check_spans(
    record: Record, text: str, labels: dict[str, Label], spans_as: SpansAs
) -> list[dict[str, Any]]:
    """Validated spans of a record: offsets trimmed, text checked, label known."""
    if spans_as == "ignore" or not record.spans:
        return []
    if not isinstance(record.spans, list):
        raise DomainError(f"{record.where}: field 'spans' must be a list.", field="spans")
    checked: list[dict[str, Any]] = []
    for index, span in enumerate(record.spans):
        where = f"{record.where}: spans[{index}]"
        if not isinstance(span, dict):
            raise DomainError(f"{where} must be an object.", field="spans")
        start, end = span.get("start"), span.get("end")
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
            raise DomainError(f"{where}: 'start' and 'end' must be integers.", field="spans")
        try:
            bounds = span_bounds(text, start, end, where=where)
        except DomainError as error:
            raise DomainError(error.message, field="spans") from None
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
        start, end = bounds
        attrs = span.get("attrs") or {}
        if not isinstance(attrs, dict):
            raise DomainError(f"{where}: 'attrs' must be an object.", field="spans")
        for part in ("attrs", "note", "tagger_version"):
            value = span.get(part)
            if value is not None and value != {} and (problem := json_problem(value)):
                raise DomainError(f"{where}: '{part}' {problem}.", field="spans")
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
        # The same rule as for spans drawn in the editor: a layer never holds two
        # overlapping spans of one label.
        clash = first_overlap((s["label"].pk, s["start"], s["end"], s) for s in checked)
        if clash is not None:
            before, after = clash
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
    actor: User,
    source: str = "api",
    spans_as: SpansAs = "machine",
    pretag: bool = True,
) -> ImportJob:
    """Import records into ``project`` as ``actor``; returns the finished ``ImportJob``.

    Preconditions: ``actor`` is an editor of the project (checked here). The rest is
    ``articles_import_unchecked``'s.
    """
    require_role(actor, project, Role.EDITOR, "import articles")
    return articles_import_unchecked(
        project=project,
        records=records,
        importer=actor,
        source=source,
        spans_as=spans_as,
        pretag=pretag,
    )


def articles_import_unchecked(
    *,
    project: Project,
    records: Iterable[Record],
    importer: User | None,
    source: str = "api",
    spans_as: SpansAs = "machine",
    pretag: bool = True,
) -> ImportJob:
    """Import records without a role check: for the command line, whose operator may act
    without an account (``importer`` None); ``spans_as="human"`` needs an importer, whose
    layer receives the spans.

    Raises ``DomainError`` (with the record's location and field) for the first bad record;
    the job is then stored as failed and no article of the batch exists. Articles whose
    machine spans were imported keep them as their suggestions and are not re-tagged.
    """
    if spans_as not in SPANS_AS:
        raise DomainError(f"spans_as must be one of {', '.join(SPANS_AS)}.", field="spans_as")
    if spans_as == "human" and importer is None:
        raise DomainError("Human spans need an importing user.", field="spans_as")
    job = ImportJob.objects.create(
        project=project, created_by=importer, source=source[:500], state=ImportJob.State.RUNNING
    )
    try:
        _import_into(job, project, records, importer, spans_as, pretag)
    except DomainError as error:
        job_failed(job, error.message, error.field)
        error.import_job = job  # type: ignore[attr-defined]
        raise
    except BaseException:
        # Whatever stopped it, the job must not stay "running" for ever.
        logger.exception("Import job %s failed unexpectedly", job.pk)
        job_failed(job, UNEXPECTED_FAILURE)
        raise
    job.refresh_from_db()
    assignments_after_import(project=project, created=job.created_count)
    return job


_LINE = re.compile(r" line (\d+): ")


def job_failed(job: ImportJob, message: str, field: str | None = None) -> None:
    """Record why ``job`` failed: the message, and the field and line it names, if any."""
    line = _LINE.search(message)
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.FAILED,
        error=message,
        error_field=(field or "")[:100],
        error_line=int(line.group(1)) if line else None,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()


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


Progress = Callable[[int], None]  # called with the number of records handled so far


class _Writer:
    """Writes checked records of one import in batches of ``IMPORT_BATCH_SIZE``, inside the
    import's transaction: duplicates dropped (earlier in the import, or already in the
    project), articles and then their spans bulk-inserted per batch.

    What it keeps across batches is one entry per distinct text (its hash and where it was
    first seen, to name it in a duplicate's report), the ids to pre-tag, and at most
    ``DUPLICATES_KEPT`` duplicate reports: the records themselves go once written."""

    def __init__(
        self, job: ImportJob, project: Project, importer: User | None, spans_as: SpansAs
    ) -> None:
        self.job, self.project, self.importer, self.spans_as = job, project, importer, spans_as
        self.first_seen: dict[str, str] = {}
        self.batch: list[_Prepared] = []
        self.total = self.created = self.duplicate_count = 0
        self.duplicates: list[dict[str, Any]] = []
        self.to_tag: list[int] = []

    def add(self, item: _Prepared) -> None:
        self.total += 1
        digest = item.article["content_hash"]
        if digest in self.first_seen:
            self._duplicate(item, duplicate_of=self.first_seen[digest])
            return
        self.first_seen[digest] = item.record.where
        self.batch.append(item)
        if len(self.batch) >= settings.IMPORT_BATCH_SIZE:
            self.flush()

    def _duplicate(self, item: _Prepared, **of: Any) -> None:
        self.duplicate_count += 1
        if len(self.duplicates) < DUPLICATES_KEPT:
            self.duplicates.append(
                {"where": item.record.where, "title": item.article["title"], **of}
            )

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        existing = _existing_hashes(self.project, [p.article["content_hash"] for p in batch])
        fresh: list[_Prepared] = []
        now = timezone.now()
        for item in batch:
            if item.article["content_hash"] in existing:
                self._duplicate(item, article=existing[item.article["content_hash"]])
                continue
            item.article["import_job_id"] = self.job.pk
            if item.spans and self.spans_as == "machine":
                item.article.update(
                    pretag_state=Article.PretagState.DONE,
                    pretag_tagger=IMPORTED_TAGGER,
                    pretagged_at=now,
                )
            fresh.append(item)
        if not fresh:
            return
        rows_insert(Article, [item.article for item in fresh])
        hashes = [item.article["content_hash"] for item in fresh]
        ids: dict[str, int] = {}
        for i in range(0, len(hashes), HASH_BATCH):
            ids.update(
                Article.objects.filter(
                    import_job=self.job, content_hash__in=hashes[i : i + HASH_BATCH]
                ).values_list("content_hash", "pk")
            )
        for item in fresh:
            item.article["id"] = ids[item.article["content_hash"]]
        span_rows_insert(
            [
                _span_row(item.article, span, self.spans_as, self.importer)
                for item in fresh
                for span in item.spans
            ]
        )
        if self.spans_as == "human" and self.importer is not None:
            # Every create is in the history, imported layers included.
            created = Span.objects.layer(self.importer).filter(article_id__in=list(ids.values()))
            spans_record_created(created.select_related("label"), actor=self.importer)
        self.created += len(fresh)
        self.to_tag.extend(
            item.article["id"] for item in fresh if "pretag_state" not in item.article
        )


def _checked(records: Iterable[Record], project: Project, spans_as: SpansAs) -> Iterator[_Prepared]:
    """Each record checked and turned into its rows; the first bad one raises."""
    labels = {label.name: label for label in Label.objects.filter(project=project)}
    for record in _records_limited(records):
        article = _prepare(record, project)
        yield _Prepared(record, article, _check_spans(record, article["text"], labels, spans_as))


def records_validate(
    *, project: Project, records: Iterable[Record], spans_as: SpansAs, progress: Progress
) -> int:
    """Check every record as the import would, writing nothing; returns how many there are.
    Raises ``DomainError`` (location and field) for the first bad one."""
    count = 0
    for count, _ in enumerate(_checked(records, project, spans_as), start=1):
        progress(count)
    return count


@transaction.atomic
def _import_into(
    job: ImportJob,
    project: Project,
    records: Iterable[Record],
    importer: User | None,
    spans_as: SpansAs,
    pretag: bool,
    progress: Progress | None = None,
) -> None:
    writer = _Writer(job, project, importer, spans_as)
    for item in _checked(records, project, spans_as):
        writer.add(item)
        if progress is not None:
            progress(writer.total)
    writer.flush()
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.DONE,
        total=writer.total,
        processed=writer.total,
        created_count=writer.created,
        duplicate_count=writer.duplicate_count,
        duplicates=writer.duplicates,
        finished_at=timezone.now(),
    )
    if pretag and writer.to_tag:
        queue.enqueue_pretag(writer.to_tag)


def _span_row(
    article: dict[str, Any], span: dict[str, Any], spans_as: SpansAs, importer: User | None
) -> SpanRow:
    human = spans_as == "human"
    return {
        "article_id": article["id"],
        "label_id": span["label"].pk,
        "start": span["start"],
        "end": span["end"],
        "text": article["text"][span["start"] : span["end"]],
        "attrs": span["attrs"],
        "origin": Span.Origin.HUMAN if human else Span.Origin.MACHINE,
        "status": Span.Status.ACCEPTED if human else Span.Status.SUGGESTED,
        "confidence": span["confidence"],
        "tagger_version": "" if human else span["tagger_version"],
        "annotator_id": importer.pk if human and importer is not None else None,
        "note": span["note"] if human else "",
    }


def import_upload(
    *,
    project: Project,
    name: str,
    data: bytes,
    actor: User,
    spans_as: SpansAs = "machine",
    pretag: bool = True,
) -> ImportJob:
    """Import one uploaded file (JSONL, CSV, TXT, MD, HTML or a zip of them).

    Preconditions: ``actor`` is an editor of the project (checked here)."""
    require_role(actor, project, Role.EDITOR, "import articles")
    # The name is the client's: it goes into messages and the job, so it must be storable.
    name = _UNSTORABLE_IN_NAME.sub("\ufffd", name)[:500] or "upload"
    import_check_size(size=len(data), name=name)
    records = read_upload(name, data, max_bytes=settings.IMPORT_MAX_UPLOAD_BYTES)
    return articles_import_unchecked(
        project=project,
        records=records,
        importer=actor,
        source=name,
        spans_as=spans_as,
        pretag=pretag,
    )


def import_url(*, project: Project, url: str, actor: User) -> ImportJob:
    """Fetch a page, extract its article and import it. Preconditions: as ``import_upload``."""
    require_role(actor, project, Role.EDITOR, "import articles")
    record = fetch_article(url)
    return articles_import_unchecked(project=project, records=[record], importer=actor, source=url)


def import_one(
    *, project: Project, data: dict[str, Any], actor: User, spans_as: SpansAs
) -> ImportJob:
    """Import one article given as a JSON object (the JSONL record shape)."""
    record = record_from_object(data, where="article")
    return articles_import(
        project=project, records=[record], actor=actor, source="api", spans_as=spans_as
    )
