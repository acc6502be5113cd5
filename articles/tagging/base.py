"""The tagger protocol and the suggestion it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One pre-tag: ``[start, end)`` in code points over the text the tagger was given.

    ``rule`` names what produced it ("quote.indirect.that", "claim.sentence") and ``cue`` the
    word that fired the rule (a reporting verb, a hedge); both feed the calibration features
    (``articles.tagging.features``) and are not part of the stored span.
    """

    label: str
    start: int
    end: int
    attrs: dict[str, Any] = field(default_factory=dict)
    confidence: float | None = None
    rule: str | None = None
    cue: str | None = None

    def key(self) -> tuple[str, int, int]:
        return (self.label, self.start, self.end)

    def as_span(self, text: str, tagger_version: str | None = None) -> dict[str, Any]:
        """The span record of the export/import JSONL shape, as an unreviewed suggestion."""
        span = {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "text": text[self.start : self.end],
            "attrs": self.attrs,
            "origin": "machine",
            "status": "suggested",
            "annotator": None,
            "confidence": self.confidence,
        }
        if tagger_version is not None:
            span["tagger_version"] = tagger_version
        return span


@runtime_checkable
class Tagger(Protocol):
    """A pre-tagger. ``tag`` must be a pure function of the text (same text, same output)."""

    name: str
    version: str

    def tag(self, text: str) -> list[Suggestion]: ...


@runtime_checkable
class ReportingTagger(Tagger, Protocol):
    """A tagger with something to record about each run (the LLM tagger: tokens, spans it
    could not find in the text), stored beside the article's suggestions."""

    def tag_report(self, text: str) -> tuple[list[Suggestion], dict[str, Any]]: ...


def tagger_id(tagger: Tagger) -> str:
    """``name@version``, stored on each suggestion and on the article."""
    return f"{tagger.name}@{tagger.version}"


class TaggerUnavailable(Exception):
    """A tagger's backend cannot be reached now (retry later), or it is not installed."""


class TaggerError(Exception):
    """A tagger failed on this text in a way a retry will not fix."""
