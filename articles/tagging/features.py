# ruff: noqa: RUF001  (typographic quote marks are the point here)
"""What a suggestion looks like, as named categorical features, for calibrating confidence.

``features(text, suggestion)`` is a pure function of the article text and one suggestion
(its label, offsets, ``attrs``, ``rule`` and ``cue``): the same inputs always give the same
features, and nothing else is read, so a model fitted on development data
(``calibration_fit``) or, later, on a project's own accept/reject decisions can reuse it.

Every feature is a short string value; a linear model sees each ``name=value`` pair as one
indicator. Values are coarse buckets on purpose: a few hundred examples cannot support fine
distinctions, and coarse values carry over to articles the fit has not seen.

- ``rule``: what produced the suggestion ("quote.indirect.that", "claim.sentence", …);
- ``cue``: the reporting verb or hedge word that fired it, lower-cased ("said", "may");
- ``cue_kind``: the hedge's family (modal, adverb, verb, frame, whether) for speculation;
- ``speaker``: none, pronoun, name, organisation, document, role or other (quotes only);
- ``words``: the span's length in words, bucketed; ``sentences``: one or several;
- ``ends``: how the span ends (period, question, colon, comma, other);
- ``position``: where the span starts in the article (start, early, late, end);
- ``marks``: whether quotation marks fall inside the span; ``digits``: whether it holds a
  number; ``first_person``: whether it speaks as I/we; ``paragraph``: whether the span is a
  whole paragraph or part of one.
"""

from __future__ import annotations

import re

from articles.tagging.base import Suggestion

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_FIRST_PERSON = re.compile(r"\b(?:I|we|We|our|Our|my|My|us|me)\b")
_SENTENCE_END = re.compile(r"[.!?…][\"”»’')\]]*\s+[\"“«‘'(\[]?[A-Z]")
_MARKS = re.compile('["“”«»„‘’]')
_DIGIT = re.compile(r"\d")
_MODALS = frozenset({"may", "might", "could", "would", "can"})
# Hedging adverbs: cues on their own (cues of the rules, and a feature).
HEDGE_ADVERBS = frozenset(
    {
        "perhaps",
        "probably",
        "possibly",
        "likely",
        "presumably",
        "maybe",
        "arguably",
        "conceivably",
        "apparently",
        "allegedly",
        "supposedly",
        "potentially",
        "unlikely",
    }
)
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "him", "her", "them"})
_ORGANISATION = re.compile(
    r"\b(?:ministry|agency|department|company|committee|office|court|police|government|"
    r"party|university|institute|commission|council|bank|organi[sz]ation|association|union|"
    r"board|cent(?:er|re)|administration|campaign|authority|authorities|bureau|service|"
    r"regulator|foundation|group|network|corporation|inc|ltd|times|post|news|press|cdc|who|"
    r"nato|un|eu|fbi|cia|fed|white house|kremlin|pentagon|congress|parliament|senate)\b",
    re.IGNORECASE,
)
_DOCUMENT = re.compile(
    r"\b(?:report|study|studies|survey|poll|polls|analysis|data|paper|letter|statement|"
    r"document|research|review|assessment|estimates?|figures|findings|article|memo|ruling|"
    r"filing|complaint|lawsuit|indictment|book|video|website|tweet|post)\b",
    re.IGNORECASE,
)
_ROLE_START = re.compile(
    r"^(?:the|a|an|his|her|their|its|our|my|one|some|many|most|several|two|three|other)\b",
    re.IGNORECASE,
)


def features(text: str, suggestion: Suggestion) -> dict[str, str]:
    """The calibration features of one suggestion over ``text`` (see the module docstring)."""
    span = text[suggestion.start : suggestion.end]
    words = len(_WORD.findall(span))
    result = {
        "rule": suggestion.rule or suggestion.label,
        "cue": (suggestion.cue or "").lower() or "none",
        "words": _words_bucket(words),
        "sentences": "several" if _SENTENCE_END.search(span) else "one",
        "ends": _ending(span),
        "position": _position(suggestion.start, len(text)),
        "marks": "yes" if _MARKS.search(span) else "no",
        "digits": "yes" if _DIGIT.search(span) else "no",
        "first_person": "yes" if _FIRST_PERSON.search(span) else "no",
        "paragraph": _paragraph_share(text, suggestion.start, suggestion.end),
    }
    if suggestion.label == "speculation":
        result["cue_kind"] = _cue_kind(result["cue"])
    if suggestion.label == "quote":
        result["speaker"] = speaker_kind(str(suggestion.attrs.get("speaker") or ""))
    return result


def speaker_kind(speaker: str) -> str:
    """none, pronoun, organisation, document, name, role or other."""
    speaker = speaker.strip()
    if not speaker:
        return "none"
    if speaker.lower() in _PRONOUNS:
        return "pronoun"
    if _ORGANISATION.search(speaker):
        return "organisation"
    if _DOCUMENT.search(speaker):
        return "document"
    if _ROLE_START.match(speaker):
        return "role"
    words = speaker.split()
    if all(w[:1].isupper() for w in words if len(w) > 3):
        return "name"
    return "other"


def _words_bucket(count: int) -> str:
    for limit, name in ((2, "1-2"), (5, "3-5"), (10, "6-10"), (20, "11-20"), (40, "21-40")):
        if count <= limit:
            return name
    return "41+"


def _ending(span: str) -> str:
    last = span.rstrip("\"”»’')]")[-1:]
    return {".": "period", "!": "period", "…": "period", "?": "question", ":": "colon"}.get(
        last, "comma" if last in ",;" else "other"
    )


def _position(start: int, length: int) -> str:
    share = start / length if length else 0.0
    if share < 0.1:
        return "start"
    if share < 0.5:
        return "early"
    return "late" if share < 0.9 else "end"


def _paragraph_share(text: str, start: int, end: int) -> str:
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para = text[para_start : len(text) if para_end < 0 else para_end]
    return "whole" if len(para.strip()) <= end - start + 2 else "part"


def _cue_kind(cue: str) -> str:
    first = cue.split()[0] if cue.split() else ""
    if first in _MODALS:
        return "modal" if " " not in cue else "frame"
    if first in HEDGE_ADVERBS:
        return "adverb"
    if first == "whether":
        return "whether"
    if first.startswith(("seem", "appear", "suggest", "indicat")):
        return "verb"
    return "frame"
