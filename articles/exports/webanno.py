"""W3C Web Annotation (JSON-LD): an AnnotationCollection with one page of annotations.

Each span is an Annotation whose target carries a TextPositionSelector (code points, as the
model's offsets) and a TextQuoteSelector (exact, and 32 characters of prefix and suffix).
The tagging body holds the label, an ``assessing`` body the span's status (``rejected`` for
the negatives, when asked for); attributes travel as a JSON ``describing`` body.

An article's review rows are annotations of their own, before its spans: motivation
``assessing``, the whole article as target, the state (``in_progress`` or ``done``) as body,
the annotator as creator and ``modified`` as when. An article nobody opened has none.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from articles.exports.base import Writer
from articles.selectors.exports import ArticleRow

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
QUOTE_CONTEXT = 32
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def review_annotation(row: ArticleRow, review: dict[str, str], base: str) -> dict[str, Any]:
    source = f"{base}articles/{row['id']}/"
    return {
        "id": f"{source}#review-{review['annotator']}",
        "type": "Annotation",
        "motivation": "assessing",
        "creator": {"type": "Person", "nickname": review["annotator"]},
        "modified": review["updated_at"],
        "body": {"type": "TextualBody", "purpose": "assessing", "value": review["state"]},
        "target": {"source": source},
    }


def annotation(row: ArticleRow, span: dict[str, Any], base: str) -> dict[str, Any]:
    text = row["text"]
    start, end = span["start"], span["end"]
    bodies: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "tagging", "value": span["label"]},
        # accepted / rejected / suggested: rejected spans are exported as negatives.
        {"type": "TextualBody", "purpose": "assessing", "value": span["status"]},
    ]
    if span["attrs"]:
        bodies.append(
            {
                "type": "TextualBody",
                "purpose": "describing",
                "format": "application/json",
                "value": json.dumps(span["attrs"], ensure_ascii=False, sort_keys=True),
            }
        )
    creator: dict[str, Any] = (
        {"type": "Person", "nickname": span["annotator"]}
        if span["annotator"]
        else {"type": "Software", "name": "pre-tagger"}
    )
    return {
        "id": f"{base}spans/{span['id']}/",
        "type": "Annotation",
        "motivation": "tagging",
        "creator": creator,
        "modified": span["updated_at"],
        "body": bodies,
        "target": {
            "source": f"{base}articles/{row['id']}/",
            "selector": [
                {"type": "TextPositionSelector", "start": start, "end": end},
                {
                    "type": "TextQuoteSelector",
                    "exact": text[start:end],
                    "prefix": text[max(0, start - QUOTE_CONTEXT) : start],
                    "suffix": text[end : end + QUOTE_CONTEXT],
                },
            ],
        },
    }


class WebAnnoWriter(Writer):
    name = "webanno"
    extension = "jsonld"
    content_type = "application/ld+json; charset=utf-8"
    description = (
        "W3C Web Annotation JSON-LD collection with position and quote selectors; the span"
        " status as an assessing body; review states as assessing annotations of the article."
    )

    def pieces(self, rows: Iterable[ArticleRow]) -> Iterator[str]:
        base = self.context.get("base_iri", "urn:x-opinion-annotator:")
        project = self.context.get("project_id", "")
        head = {
            "@context": CONTEXT,
            "id": f"{base}projects/{project}/export/",
            "type": "AnnotationCollection",
            "label": self.context.get("label", "Export"),
        }
        yield _encode(head)[:-1] + ',"first":{"type":"AnnotationPage","items":['
        first = True
        for row in rows:
            parts = []
            items = [review_annotation(row, review, base) for review in row.get("reviews", ())]
            items += [annotation(row, span, base) for span in row["spans"]]
            for item in items:
                parts.append(("" if first else ",") + _encode(item))
                first = False
            if parts:
                yield "".join(parts)
        yield "]}}\n"
