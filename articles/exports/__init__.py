"""Export formats: one writer class per format behind a registry by name."""

from __future__ import annotations

from articles.exports.base import Writer, tokenize
from articles.exports.claimreview import ClaimReviewWriter
from articles.exports.conll import ConllWriter
from articles.exports.jsonl import JsonlWriter
from articles.exports.spacy import SpacyWriter
from articles.exports.tabular import CsvWriter
from articles.exports.webanno import WebAnnoWriter

WRITERS: dict[str, type[Writer]] = {
    writer.name: writer
    for writer in (
        JsonlWriter,
        ConllWriter,
        SpacyWriter,
        WebAnnoWriter,
        CsvWriter,
        ClaimReviewWriter,
    )
}


def get_writer(name: str) -> type[Writer]:
    """The writer class for a format name; ``KeyError`` for unknown names."""
    return WRITERS[name]


__all__ = ["WRITERS", "Writer", "get_writer", "tokenize"]
