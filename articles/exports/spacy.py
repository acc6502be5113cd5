"""spaCy training data: a DocBin (``.spacy``) when spaCy is installed, else JSON Lines.

Spans go into ``doc.spans["sc"]`` (a span group allows overlapping labels). A span whose
offsets do not fall on token boundaries cannot become a spaCy span; it is never dropped
silently: it is listed under ``misaligned`` (JSONL record, or ``doc.user_data`` in the DocBin)
and counted in ``stats["misaligned"]``.

Without spaCy the token boundaries are those of the documented tokenizer in
``articles.exports.base``; each line is ``{id, text, spans: [[start, end, label]],
misaligned: [[start, end, label]]}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from articles.exports.base import Writer, tokenize
from articles.selectors.exports import ArticleRow

try:  # spaCy is optional and heavy; the fallback keeps the format usable without it.
    import spacy
    from spacy.tokens import DocBin
except ImportError:  # pragma: no cover - depends on the environment
    spacy = None  # type: ignore[assignment]
    DocBin = None  # type: ignore[assignment,misc]

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def split_aligned(
    spans: list[dict[str, Any]], starts: Iterable[int], ends: Iterable[int]
) -> tuple[list[list[Any]], list[list[Any]]]:
    start_set, end_set = set(starts), set(ends)
    aligned: list[list[Any]] = []
    misaligned: list[list[Any]] = []
    for span in spans:
        triple = [span["start"], span["end"], span["label"]]
        ok = span["start"] in start_set and span["end"] in end_set
        (aligned if ok else misaligned).append(triple)
    return aligned, misaligned


class SpacyJsonlWriter(Writer):
    name = "spacy"
    extension = "jsonl"
    content_type = "application/jsonl; charset=utf-8"
    description = "spaCy-style {text, spans: [[start, end, label]], misaligned} (no spaCy)."

    def pieces(self, rows: Iterable[ArticleRow]) -> Iterator[str]:
        self.stats["misaligned"] = 0
        for row in rows:
            starts, ends, _ = tokenize(row["text"])
            aligned, misaligned = split_aligned(row["spans"], starts, ends)
            self.stats["misaligned"] += len(misaligned)
            record = {"id": row["id"], "text": row["text"], "spans": aligned}
            record["misaligned"] = misaligned
            yield _encode(record) + "\n"


class SpacyDocBinWriter(Writer):
    name = "spacy"
    extension = "spacy"
    content_type = "application/octet-stream"
    description = "spaCy DocBin with spans in doc.spans['sc']; misaligned in user_data."

    def chunks(self, rows: Iterable[ArticleRow]) -> Iterator[bytes]:
        # A DocBin serialises as one blob, so this format is the one not written in chunks.
        self.stats["misaligned"] = 0
        nlp = spacy.blank(self.context.get("language", "en"))
        docs = DocBin(attrs=["ORTH"], store_user_data=True)
        for row in self._counted(rows):
            doc = nlp.make_doc(row["text"])
            good = []
            misaligned = []
            for span in row["spans"]:
                made = doc.char_span(span["start"], span["end"], label=span["label"])
                if made is None:
                    misaligned.append([span["start"], span["end"], span["label"]])
                else:
                    good.append(made)
            doc.spans["sc"] = good
            doc.user_data["id"] = row["id"]
            doc.user_data["misaligned"] = misaligned
            self.stats["misaligned"] += len(misaligned)
            docs.add(doc)
        yield docs.to_bytes()


SpacyWriter: type[Writer] = SpacyDocBinWriter if spacy is not None else SpacyJsonlWriter
