# ruff: noqa: RUF001  (typographic quote marks and dashes are the point here)
"""Paragraphs and sentences with exact code-point offsets.

Sentence splitting relies on syntok (https://github.com/fnl/syntok): a maintained,
pure-Python, rule-based segmenter that needs no model download, knows abbreviations
("Mr.", "Gen.", "U.S.", initials), keeps quote marks with their sentence and reports each
token's offset into the input, so a sentence is exactly ``text[start:end]``. pysbd also keeps
offsets but is slower still; blingfire is fast but reports UTF-8 byte offsets and needs numpy.

syntok costs about 20 ms on a 7 KB column, which alone would cap the tagger near 50
articles/s. Most paragraphs have no ambiguous full stop, so a linear regex splits those
(a boundary is terminal punctuation, optional closing marks, whitespace, then an opening
mark, capital or digit) and only paragraphs where a candidate boundary follows an
abbreviation, an initial or an initialism are decided with syntok's own lexicons
(abbreviations, sentence starters); the rare cases those cannot settle (abbreviated months)
go to syntok's full analysis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from syntok import segmenter
from syntok._segmentation_states import State as _SyntokState

_BOUNDARY = re.compile(r"[.!?…]+[\"”»’')\]]*(?=\s+[\"“«‘'(\[]?[A-Z0-9])")
_NEXT_WORD = re.compile(r"\s+[\"“«‘'(\[]?(\w+)")


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]


def paragraphs(text: str) -> list[Paragraph]:
    """Each non-blank line is a paragraph (stored text uses ``\\n`` line endings)."""
    result: list[Paragraph] = []
    position = 0
    for line in text.split("\n"):
        start = position
        position += len(line) + 1
        if not line.strip():
            continue
        result.append(Paragraph(start, start + len(line), tuple(sentences(line, start))))
    return result


def sentences(line: str, base: int = 0) -> list[tuple[int, int]]:
    """Sentence offsets in one paragraph, shifted by ``base``."""
    cuts: list[int] = []
    for match in _BOUNDARY.finditer(line):
        verdict = _abbreviation_verdict(line, match.start(), match.end())
        if verdict is None:
            return _syntok_sentences(line, base)
        if verdict:
            cuts.append(match.end())
    spans: list[tuple[int, int]] = []
    begin = 0
    for cut in [*cuts, len(line)]:
        start, end = _strip(line, begin, cut)
        if start < end:
            spans.append((base + start, base + end))
        begin = cut
    return spans


def _abbreviation_verdict(line: str, dot: int, cut: int) -> bool | None:
    """Split here? True/False, or None when only syntok's full analysis can tell.

    After an abbreviation, an initial or an initialism ("Gen.", "J.", "U.S.") syntok splits
    only before a word it knows to start sentences; the same lexicons decide here.
    """
    if line[dot] != ".":
        return True
    # The run of non-space before the dot, scanned backwards: a regex search from the line
    # start would rescan the whole paragraph for every full stop.
    begin = dot
    while begin > 0 and not line[begin - 1].isspace():
        begin -= 1
    if begin == dot:
        return True
    token = line[begin:dot].lstrip("\"“«‘'([")
    if token in _SyntokState.months:
        return None  # "Jan. 5" or a sentence ending in a month: syntok's full analysis
    if not (len(token) <= 1 or "." in token or token in _SyntokState.abbreviations):
        return True
    following = _NEXT_WORD.match(line, cut)
    return following is not None and following.group(1) in _SyntokState.starters


def _strip(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return start, end


def _syntok_sentences(line: str, base: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for para in segmenter.analyze(line):
        for sentence in para:
            if sentence:
                first, last = sentence[0], sentence[-1]
                spans.append((base + first.offset, base + last.offset + len(last.value)))
    return spans
