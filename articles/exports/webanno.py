"""W3C Web Annotation (JSON-LD): an AnnotationCollection with one page of annotations.

Each span is an Annotation whose target carries a TextPositionSelector (code points, as the
model's offsets) and a TextQuoteSelector (exact, and 32 characters of prefix and suffix).
The tagging body holds the label; attributes travel as a JSON ``describing`` body.
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
    description = "W3C Web Annotation JSON-LD collection with position and quote selectors."

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
            for span in row["spans"]:
                parts.append(("" if first else ",") + _encode(annotation(row, span, base)))
                first = False
            if parts:
                yield "".join(parts)
        yield "]}}\n"
