"""The parsed form of an incoming article, and the error a reader raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from articles.errors import DomainError


class ImportFormatError(DomainError):
    """A record cannot be read; the message names the file, line and field."""


class UploadTooLarge(ImportFormatError):
    """An upload, or what a zip unpacks to, exceeds ``IMPORT_MAX_UPLOAD_BYTES``."""

    status_code = 413


@dataclass
class Record:
    """A parsed article before validation. ``where`` is e.g. 'data.jsonl line 3'."""

    where: str
    text: Any
    title: Any = ""
    meta: Any = field(default_factory=dict)
    source_url: Any = ""
    author: Any = ""
    published_at: Any = None
    language: Any = "en"
    external_id: Any = None
    spans: Any = None
