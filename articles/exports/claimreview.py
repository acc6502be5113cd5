"""schema.org ClaimReview: one review per claim span with a verdict, as fact-checkers publish it.

The file is a JSON array of self-contained ``ClaimReview`` objects, each with its own
``@context``. A publisher embeds a review in the ``<script type="application/ld+json">`` of
the page that carries the fact-check, usually one review per page: any object of the array
can be lifted out and pasted as it is, and the whole array is also valid markup for a page
reviewing several claims. A JSON-LD ``@graph`` would share one context between its nodes, so
no node would stand on its own once copied out.

Which spans: those of a label declaring a ``verdict`` attribute (the claim label), with a
verdict set, from the same layers and filters as every other format; rejected spans never (a
claim an editor rejected is not a claim to review). Each review has:

- ``claimReviewed``: the span's text;
- ``itemReviewed``: a ``Claim`` whose ``author`` is the speaker of a quote span containing
  the claim (a label declaring ``speaker``, preferably of the claim's own layer), else the
  article's author (``Person``), else the publication (``Organization``: the article's
  ``meta.publisher``, else its source URL's host); ``datePublished`` the article's date and
  ``appearance`` a ``CreativeWork`` with the article's URL, where known;
- ``reviewRating``: ``alternateName`` (and ``name``) the verdict; a verdict on the label's
  rating scale also gets ``ratingValue`` = its position counted from the worst (1) and
  ``bestRating``/``worstRating``, off-scale ones (``unverifiable``) none; the verdict
  explanation as ``ratingExplanation``;
- ``url``: the span's fact-check URL, else the span in the editor on the site;
- ``datePublished``: when the verdict got its value (span history), else the span's
  ``updated_at``;
- ``author``: the publisher ``Organization`` (the project, unless configured).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from articles.attributes import OFF_SCALE, is_http_url
from articles.exports.base import REJECTED, Writer
from articles.selectors.exports import ArticleRow

CONTEXT = "https://schema.org"
VERDICT = "verdict"
VERDICT_NOTE = "verdict_note"
FACT_CHECK_URL = "fact_check_url"
SPEAKER = "speaker"

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def rating_scales(label_attributes: dict[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    """``{label: its verdict choices, best to worst}`` for labels that declare a verdict (a
    verdict declared as free text has no scale: its values get no number)."""
    return {
        label: list(attribute.get("choices") or ())
        for label, attributes in label_attributes.items()
        for attribute in attributes or ()
        if attribute.get("name") == VERDICT
    }


def speaker_labels(label_attributes: dict[str, list[dict[str, Any]]]) -> set[str]:
    return {
        label
        for label, attributes in label_attributes.items()
        if any(attribute.get("name") == SPEAKER for attribute in attributes or ())
    }


def rating(verdict: str, scale: Sequence[str], note: str = "") -> dict[str, Any]:
    """A ``Rating``: the verdict as text, and its place on the scale where it has one.

    The scale runs best to worst; ``ratingValue`` counts from the worst on-scale verdict (1)
    up to the best (``bestRating``), so a higher number is a truer claim, as readers of
    ratings expect.
    """
    result: dict[str, Any] = {"@type": "Rating", "alternateName": verdict, "name": verdict}
    ranked = [choice for choice in scale if choice not in OFF_SCALE]
    if verdict in ranked:
        best = len(ranked)
        result.update(ratingValue=best - ranked.index(verdict), bestRating=best, worstRating=1)
    if note:
        result["ratingExplanation"] = note
    return result


def speaker_of(claim: dict[str, Any], quotes: Sequence[dict[str, Any]]) -> str:
    """The speaker of the narrowest quote containing the claim, the claim's own layer first."""
    containing = [
        quote
        for quote in quotes
        if quote["start"] <= claim["start"]
        and claim["end"] <= quote["end"]
        and isinstance(quote["attrs"].get(SPEAKER), str)
        and quote["attrs"][SPEAKER].strip()
    ]
    if not containing:
        return ""
    best = min(
        containing,
        key=lambda q: (q["annotator"] != claim["annotator"], q["end"] - q["start"], q["id"]),
    )
    return str(best["attrs"][SPEAKER]).strip()


def publication(row: ArticleRow) -> str:
    """The publication's name: ``meta.publisher`` if an import gave one, else the host."""
    publisher = (row.get("meta") or {}).get("publisher")
    if isinstance(publisher, str) and publisher.strip():
        return publisher.strip()
    host = urlsplit(row.get("source_url") or "").hostname or ""
    return host.removeprefix("www.")


def claim_author(
    row: ArticleRow, claim: dict[str, Any], quotes: Sequence[dict[str, Any]]
) -> dict[str, Any] | None:
    speaker = speaker_of(claim, quotes)
    if speaker:
        return {"@type": "Person", "name": speaker}
    if (row.get("author") or "").strip():
        return {"@type": "Person", "name": row["author"].strip()}
    name = publication(row)
    return {"@type": "Organization", "name": name} if name else None


def claim_item(
    row: ArticleRow, claim: dict[str, Any], quotes: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    item: dict[str, Any] = {"@type": "Claim"}
    author = claim_author(row, claim, quotes)
    if author is not None:
        item["author"] = author
    if row.get("published_at"):
        item["datePublished"] = row["published_at"]
    if row.get("source_url"):
        appearance: dict[str, Any] = {"@type": "CreativeWork", "url": row["source_url"]}
        if row.get("title"):
            appearance["headline"] = row["title"]
        item["appearance"] = appearance
    return item


def publisher_of(context: dict[str, Any]) -> dict[str, Any]:
    publisher = context.get("publisher") or {}
    name = publisher.get("name") or context.get("project_name") or context.get("label") or ""
    result: dict[str, Any] = {"@type": "Organization", "name": name}
    if publisher.get("url"):
        result["url"] = publisher["url"]
    return result


def claim_review(
    row: ArticleRow,
    claim: dict[str, Any],
    *,
    scale: Sequence[str],
    quotes: Sequence[dict[str, Any]],
    site_url: str,
    publisher: dict[str, Any],
) -> dict[str, Any]:
    attrs = claim["attrs"]
    verdict = str(attrs[VERDICT])
    fact_check = attrs.get(FACT_CHECK_URL)
    # Checked when set in the editor, but an imported layer may carry anything.
    if isinstance(fact_check, str) and is_http_url(fact_check):
        url = fact_check
    else:
        url = f"{site_url}/articles/{row['id']}/#span-{claim['id']}"
    published = (claim.get("attrs_set_at") or {}).get(VERDICT) or claim["updated_at"]
    return {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "claimReviewed": claim["text"],
        "itemReviewed": claim_item(row, claim, quotes),
        "reviewRating": rating(verdict, scale, str(attrs.get(VERDICT_NOTE) or "")),
        "url": url,
        "datePublished": published,
        "author": publisher,
    }


class ClaimReviewWriter(Writer):
    name = "claimreview"
    extension = "claimreview.jsonld"
    content_type = "application/ld+json; charset=utf-8"
    description = (
        "schema.org ClaimReview JSON-LD, one per claim with a verdict (the quote's speaker or"
        " the article's author as the claim's author, the verdict on the rating scale); claims"
        " without a verdict are left out."
    )
    details = True
    timed_attrs = (VERDICT,)
    only_with_attr = VERDICT

    def pieces(self, rows: Iterable[ArticleRow]) -> Iterator[str]:
        attributes = self.context.get("label_attributes") or {}
        scales = rating_scales(attributes)
        quote_labels = speaker_labels(attributes)
        site_url = str(self.context.get("site_url") or "")
        publisher = publisher_of(self.context)
        first = True
        yield "["
        for row in rows:
            kept = [span for span in row["spans"] if span["status"] != REJECTED]
            quotes = [span for span in kept if span["label"] in quote_labels]
            parts: list[str] = []
            for span in kept:
                if span["label"] not in scales or not span["attrs"].get(VERDICT):
                    continue
                review = claim_review(
                    row,
                    span,
                    scale=scales[span["label"]],
                    quotes=quotes,
                    site_url=site_url,
                    publisher=publisher,
                )
                parts.append(("\n" if first else ",\n") + _encode(review))
                first = False
            self.stats["spans"] += len(parts)
            if parts:
                yield "".join(parts)
        yield "]\n" if first else "\n]\n"

    def _counted(self, rows: Iterable[ArticleRow]) -> Iterator[ArticleRow]:
        # Only the reviews written count as spans here (``pieces``), not every span read.
        for row in rows:
            self.stats["articles"] += 1
            yield row
