"""CoNLL: one token a line with BIO tags, one tag column per label so overlaps survive.

Layout (tab-separated)::

    # columns = TOKEN claim quote speculation
    -DOCSTART- 12
    # doc_id = 12
    Officials	B-claim	O	O
    said	I-claim	O	O
    ...
    (a blank line ends each line of the article text, i.e. each paragraph)

Tokens come from the documented tokenizer in ``articles.exports.base``, so re-tokenizing the
article text gives back each token's code-point offsets. A span tags every token it overlaps
(B on the first). When two exported spans of one label overlap (different annotators), the
earlier span keeps the token and the clash is counted in ``stats["overlaps"]``.

Speed: stretches of text without spans are written by joining the tokenizer's matches in C;
only tokens under spans go through per-token Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from articles.exports.base import LINE, TOKEN, Writer
from articles.selectors.exports import ArticleRow


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _token_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole tokens (a span may cut a word)."""
    while 0 < start < len(text) and _is_word(text[start - 1]) and _is_word(text[start]):
        start -= 1
    while 0 < end < len(text) and _is_word(text[end - 1]) and _is_word(text[end]):
        end += 1
    return start, end


class ConllWriter(Writer):
    name = "conll"
    extension = "conll"
    content_type = "text/plain; charset=utf-8"
    description = "Tab-separated tokens with one BIO column per label; -DOCSTART- per article."

    def pieces(self, rows: Iterable[ArticleRow]) -> Iterator[str]:
        self.stats["overlaps"] = 0
        self._column = {name: position for position, name in enumerate(self.labels)}
        self._plain = "\t" + "\t".join("O" for _ in self.labels) + "\n"
        yield "# columns = TOKEN " + " ".join(self.labels) + "\n"
        for row in rows:
            yield self._document(row)

    def _document(self, row: ArticleRow) -> str:
        text = row["text"]
        spans = [s for s in row["spans"] if s["label"] in self._column]
        regions = self._regions(text, spans)
        started: set[int] = set()
        out = [f"-DOCSTART- {row['id']}\n# doc_id = {row['id']}\n"]
        first_region = 0
        for line in LINE.finditer(text):
            line_start, line_end = line.span()
            while first_region < len(regions) and regions[first_region][1] <= line_start:
                first_region += 1
            position = line_start
            index = first_region
            while index < len(regions) and regions[index][0] < line_end:
                region_start = max(regions[index][0], line_start)
                region_end = min(regions[index][1], line_end)
                if region_start > position:
                    out.append(self._plain_tokens(text, position, region_start))
                out.append(
                    self._tagged_tokens(text, region_start, region_end, regions[index][2], started)
                )
                position = region_end
                index += 1
            if position < line_end:
                out.append(self._plain_tokens(text, position, line_end))
            out.append("\n")
        return "".join(out)

    def _regions(self, text: str, spans: list[dict[str, Any]]) -> list[list[Any]]:
        """Merged token-aligned stretches covered by spans: [start, end, [spans]]."""
        regions: list[list[Any]] = []
        for span in sorted(spans, key=lambda s: (s["start"], -s["end"])):
            start, end = _token_bounds(text, span["start"], span["end"])
            if regions and start < regions[-1][1]:
                regions[-1][1] = max(regions[-1][1], end)
                regions[-1][2].append(span)
            else:
                regions.append([start, end, [span]])
        return regions

    def _plain_tokens(self, text: str, start: int, end: int) -> str:
        tokens = TOKEN.findall(text, start, end)
        return self._plain.join(tokens) + self._plain if tokens else ""

    def _tagged_tokens(
        self,
        text: str,
        start: int,
        end: int,
        spans: list[dict[str, Any]],
        started: set[int],
    ) -> str:
        if len(spans) == 1:
            # The common case: the region is exactly one span's tokens, all tagged alike.
            span = spans[0]
            tokens = TOKEN.findall(text, start, end)
            if not tokens:
                return ""
            column = self._column[span["label"]]
            before = "\tO" * column
            after = "\tO" * (len(self.labels) - column - 1) + "\n"
            inside = before + "\tI-" + span["label"] + after
            key = id(span)
            if key in started:
                return inside.join(tokens) + inside
            started.add(key)
            head = tokens[0] + before + "\tB-" + span["label"] + after
            return head + inside.join(tokens[1:]) + inside if len(tokens) > 1 else head
        out = []
        for match in TOKEN.finditer(text, start, end):
            token_start, token_end = match.span()
            tags = ["O"] * len(self.labels)
            for span in spans:
                if span["start"] < token_end and span["end"] > token_start:
                    column = self._column[span["label"]]
                    if tags[column] != "O":
                        self.stats["overlaps"] += 1
                        continue
                    key = id(span)
                    tags[column] = ("I-" if key in started else "B-") + span["label"]
                    started.add(key)
            out.append(match[0] + "\t" + "\t".join(tags) + "\n")
        return "".join(out)
