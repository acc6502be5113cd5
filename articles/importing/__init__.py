"""Readers that turn uploaded files and fetched pages into plain article records.

Readers parse only; ``articles.services.imports`` validates, deduplicates and writes.
"""

from articles.importing.readers import (
    SUPPORTED_EXTENSIONS,
    read_stored,
    read_upload,
    record_from_object,
)
from articles.importing.records import ImportFormatError, Record
from articles.importing.web import fetch_article

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "ImportFormatError",
    "Record",
    "fetch_article",
    "read_stored",
    "read_upload",
    "record_from_object",
]
