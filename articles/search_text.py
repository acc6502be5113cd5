"""Search text, pure: a web-search query read the way PostgreSQL's ``websearch_to_tsquery``
reads it (for the ``icontains`` fallback on SQLite), where its terms fall in a text (for
highlighting) and the context snippet around a span.

Syntax: words are all required, ``"a phrase"`` must appear as written, ``-word`` must not
appear, ``or`` between two groups takes either. Upper or lower case does not matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# How many characters of the article each side of a span the snippet shows at most.
CONTEXT_CHARS = 80

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_EDGES = re.compile(r"^\W+|\W+$")
# Endings cut before highlighting, so "buses" lights up "bus" and "spending" "spent"'s
# stem "spen…" does not (the English stemmer's matches are close enough for a highlight).
_ENDINGS = ("ing", "es", "ed", "s")


@dataclass(frozen=True)
class Term:
    text: str
    negated: bool = False
    phrase: bool = False


def parse_query(query: str) -> list[list[Term]]:
    """``query`` as alternatives (``or``) of terms that must all hold; [] for a blank one.

    A lone ``-``, empty quotes and a stray ``or`` are dropped, as PostgreSQL drops them."""
    groups: list[list[Term]] = [[]]
    for match in _TOKEN.finditer(query):
        minus, phrase, word = match.groups()
        if word is not None:
            if word.lower() == "or":
                if groups[-1]:
                    groups.append([])
                continue
            negated = word.startswith("-")
            text = _EDGES.sub("", word)
            if text:
                groups[-1].append(Term(text=text, negated=negated))
        else:
            text = " ".join(phrase.split())
            if text:
                groups[-1].append(Term(text=text, negated=bool(minus), phrase=True))
    return [group for group in groups if group]


def _stem(word: str) -> str:
    lowered = word.lower()
    for ending in _ENDINGS:
        if len(lowered) - len(ending) >= 3 and lowered.endswith(ending):
            return lowered[: -len(ending)]
    return lowered


def match_ranges(text: str, query: str) -> list[tuple[int, int]]:
    """Where the query's wanted terms appear in ``text``: sorted, non-overlapping
    ``[start, end)`` ranges. A word matches a word of the text that starts with its stem; a
    phrase matches where it appears whole."""
    ranges: list[tuple[int, int]] = []
    for group in parse_query(query):
        for term in group:
            if term.negated:
                continue
            if term.phrase:
                pattern = r"\b" + r"\W+".join(re.escape(w) for w in term.text.split()) + r"\w*"
            else:
                pattern = r"\b" + re.escape(_stem(term.text)) + r"\w*"
            ranges.extend(m.span() for m in re.finditer(pattern, text, re.IGNORECASE))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class Snippet:
    """A span in its paragraph's context: ``text`` with the span at ``span`` and the query's
    matches in it at ``matches`` (code-point offsets into ``text``). ``cut_before`` and
    ``cut_after``: the paragraph goes on beyond the snippet."""

    text: str
    span: tuple[int, int]
    matches: list[tuple[int, int]]
    cut_before: bool
    cut_after: bool


def snippet(*, before: str, span_text: str, after: str, start: int, query: str) -> Snippet:
    """The snippet of a span from up to ``CONTEXT_CHARS`` characters of the article before
    it (it starts at ``start``) and up to ``CONTEXT_CHARS + 1`` after it (one more than shown
    tells whether there is more). The context stops at a paragraph break and, where cut,
    at a word boundary."""
    cut_before = start > len(before)
    if "\n" in before:
        before, cut_before = before[before.rindex("\n") + 1 :], False
    elif cut_before and (space := before.find(" ")) != -1:
        before = before[space + 1 :]
    cut_after = len(after) > CONTEXT_CHARS
    after = after[:CONTEXT_CHARS]
    if "\n" in after:
        after, cut_after = after[: after.index("\n")], False
    elif cut_after and (space := after.rfind(" ")) != -1:
        after = after[:space]
    offset = len(before)
    matches = [(offset + s, offset + e) for s, e in match_ranges(span_text, query)]
    return Snippet(
        text=before + span_text + after,
        span=(offset, offset + len(span_text)),
        matches=matches,
        cut_before=cut_before,
        cut_after=cut_after,
    )
