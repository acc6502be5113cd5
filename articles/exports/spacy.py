"""spaCy training data: a DocBin (``.spacy``) when spaCy is installed, else JSON Lines
(``.spacy.jsonl``, so the two never share a file name).

Spans go into span groups (a group allows overlapping labels): ``doc.spans["sc"]`` holds the
positives (accepted spans, and suggested ones when asked for), ``doc.spans["sc_rejected"]``
the spans an editor rejected, so a model trained on ``sc`` never learns a negative as a
positive. A span whose offsets do not fall on token boundaries cannot become a spaCy span; it
is never dropped silently: it is listed under ``misaligned`` (rejected ones under
``misaligned_rejected``) in the JSONL record or ``doc.user_data``, and counted in
``stats["misaligned"]``. Each article's review rows travel as ``reviews``
(``doc.user_data["reviews"]``): ``[{annotator, state, updated_at}]``.

Without spaCy the token boundaries are those of the documented tokenizer in
``articles.exports.base``; each line is ``{id, text, reviews, spans, spans_rejected,
misaligned, misaligned_rejected}``, every span as ``[start, end, label]``.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterable, Iterator
from typing import Any

from articles.exports.base import REJECTED, Writer, tokenize
from articles.selectors.exports import ArticleRow

# spaCy is optional and heavy; the fallback keeps the format usable without it. It is
# imported only when a DocBin is written: importing it imports torch where torch is
# installed (thinc does), and the web process must not carry torch for every request.
HAS_SPACY = importlib.util.find_spec("spacy") is not None

GROUP = "sc"
REJECTED_GROUP = "sc_rejected"
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _place(aligned: bool, rejected: bool) -> str:
    """Where a span goes in the JSONL record (and, misaligned, in ``user_data``)."""
    return ("spans" if aligned else "misaligned") + ("_rejected" if rejected else "")


def split_aligned(
    spans: list[dict[str, Any]], starts: Iterable[int], ends: Iterable[int]
) -> dict[str, list[list[Any]]]:
    """``[start, end, label]`` of each span under spans / spans_rejected / misaligned /
    misaligned_rejected, by whether it falls on token boundaries and was rejected."""
    start_set, end_set = set(starts), set(ends)
    placed: dict[str, list[list[Any]]] = {
        _place(aligned, rejected): [] for aligned in (True, False) for rejected in (False, True)
    }
    for span in spans:
        aligned = span["start"] in start_set and span["end"] in end_set
        placed[_place(aligned, span.get("status") == REJECTED)].append(
            [span["start"], span["end"], span["label"]]
        )
    return placed


class SpacyJsonlWriter(Writer):
    name = "spacy"
    extension = "spacy.jsonl"
    content_type = "application/jsonl; charset=utf-8"
    description = (
        "spaCy-style {text, reviews, spans: [[start, end, label]], spans_rejected, misaligned,"
        " misaligned_rejected} (no spaCy)."
    )

    def pieces(self, rows: Iterable[ArticleRow]) -> Iterator[str]:
        self.stats["misaligned"] = 0
        for row in rows:
            starts, ends, _ = tokenize(row["text"])
            placed = split_aligned(row["spans"], starts, ends)
            self.stats["misaligned"] += len(placed["misaligned"]) + len(
                placed["misaligned_rejected"]
            )
            record = {
                "id": row["id"],
                "text": row["text"],
                "reviews": row.get("reviews", []),
                **placed,
            }
            yield _encode(record) + "\n"


class SpacyDocBinWriter(Writer):
    name = "spacy"
    extension = "spacy"
    content_type = "application/octet-stream"
    description = (
        "spaCy DocBin: positives in doc.spans['sc'], rejected spans in doc.spans['sc_rejected'];"
        " reviews and misaligned spans in user_data."
    )

    def chunks(self, rows: Iterable[ArticleRow]) -> Iterator[bytes]:
        # A DocBin serialises as one blob, so this format is the one not written in chunks.
        self.stats["misaligned"] = 0
        import spacy
        from spacy.tokens import DocBin

        nlp = spacy.blank(self.context.get("language", "en"))
        docs = DocBin(attrs=["ORTH"], store_user_data=True)
        for row in self._counted(rows):
            doc = nlp.make_doc(row["text"])
            groups: dict[bool, list[Any]] = {False: [], True: []}
            misaligned: dict[bool, list[list[Any]]] = {False: [], True: []}
            for span in row["spans"]:
                rejected = span.get("status") == REJECTED
                made = doc.char_span(span["start"], span["end"], label=span["label"])
                if made is None:
                    misaligned[rejected].append([span["start"], span["end"], span["label"]])
                else:
                    groups[rejected].append(made)
            doc.spans[GROUP] = groups[False]
            doc.spans[REJECTED_GROUP] = groups[True]
            doc.user_data["id"] = row["id"]
            doc.user_data["reviews"] = row.get("reviews", [])
            doc.user_data["misaligned"] = misaligned[False]
            doc.user_data["misaligned_rejected"] = misaligned[True]
            self.stats["misaligned"] += len(misaligned[False]) + len(misaligned[True])
            docs.add(doc)
        yield docs.to_bytes()


SpacyWriter: type[Writer] = SpacyDocBinWriter if HAS_SPACY else SpacyJsonlWriter
