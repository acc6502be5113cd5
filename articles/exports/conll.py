"""CoNLL: one token a line with BIO tags, one tag column per label so overlaps survive.

Layout (tab-separated)::

    # columns = TOKEN claim quote speculation
    -DOCSTART- 12
    # doc_id = 12
    # review = teammate done 2026-12-02T05:39:16.123456Z
    Officials	B-claim	O	O
    said	I-claim	O	O
    ...
    (a blank line ends each line of the article text, i.e. each paragraph)

Each article's review rows follow its ``# doc_id`` line, one ``# review = ANNOTATOR STATE
UPDATED_AT`` comment per annotator who opened it (``in_progress``) or finished it (``done``);
an annotator without a line has not opened it.

When rejected spans are exported, every label gets a second column, ``LABEL:rejected``, after
all the label columns, and a second header line says so::

    # columns = TOKEN claim quote claim:rejected quote:rejected
    # rejected = the LABEL:rejected columns tag spans an editor rejected (negatives); ...
    Officials	O	O	B-claim:rejected	O

A rejected span is tagged only there, with ``B-``/``I-LABEL:rejected`` (``:`` cannot occur in
a label name), so a reader of the label columns never sees it as a positive.

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

from articles.exports.base import LINE, REJECTED, TOKEN, Writer
from articles.selectors.exports import ArticleRow

REJECTED_SUFFIX = ":rejected"
REJECTED_NOTE = (
    "# rejected = the LABEL:rejected columns tag spans an editor rejected (negatives);"
    " the label columns never hold them\n"
)

# A span with the tag it gets (its label, or LABEL:rejected).
Tagged = tuple[str, dict[str, Any]]


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
    description = (
        "Tab-separated tokens with one BIO column per label (and one LABEL:rejected column per"
        " label when rejected spans are exported); -DOCSTART- and # review lines per article."
    )

    def pieces(self, rows: Iterable[ArticleRow]) -> Iterator[str]:
        self.stats["overlaps"] = 0
        tags = list(self.labels)
        if self.rejected:
            tags += [name + REJECTED_SUFFIX for name in self.labels]
        self._width = len(tags)
        self._column = {tag: position for position, tag in enumerate(tags)}
        self._plain = "\t" + "\t".join("O" for _ in tags) + "\n"
        yield "# columns = TOKEN " + " ".join(tags) + "\n"
        if self.rejected:
            yield REJECTED_NOTE
        for row in rows:
            yield self._document(row)

    def _tagged(self, spans: list[dict[str, Any]]) -> list[Tagged]:
        tagged: list[Tagged] = []
        for span in spans:
            rejected = span.get("status") == REJECTED
            tag = span["label"] + REJECTED_SUFFIX if rejected else span["label"]
            if tag in self._column:
                tagged.append((tag, span))
            elif rejected and span["label"] in self._column:
                # Without its columns it would vanish silently, or worse, pass as a positive.
                raise ValueError(
                    "A rejected span reached a CoNLL writer whose statuses leave rejected out."
                )
        return tagged

    def _document(self, row: ArticleRow) -> str:
        text = row["text"]
        regions = self._regions(text, self._tagged(row["spans"]))
        started: set[int] = set()
        out = [f"-DOCSTART- {row['id']}\n# doc_id = {row['id']}\n"]
        for review in row.get("reviews", ()):
            out.append(
                f"# review = {review['annotator']} {review['state']} {review['updated_at']}\n"
            )
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

    def _regions(self, text: str, spans: list[Tagged]) -> list[list[Any]]:
        """Merged token-aligned stretches covered by spans: [start, end, [(tag, span)]]."""
        regions: list[list[Any]] = []
        for tagged in sorted(spans, key=lambda t: (t[1]["start"], -t[1]["end"])):
            start, end = _token_bounds(text, tagged[1]["start"], tagged[1]["end"])
            if regions and start < regions[-1][1]:
                regions[-1][1] = max(regions[-1][1], end)
                regions[-1][2].append(tagged)
            else:
                regions.append([start, end, [tagged]])
        return regions

    def _plain_tokens(self, text: str, start: int, end: int) -> str:
        tokens = TOKEN.findall(text, start, end)
        return self._plain.join(tokens) + self._plain if tokens else ""

    def _tagged_tokens(
        self,
        text: str,
        start: int,
        end: int,
        spans: list[Tagged],
        started: set[int],
    ) -> str:
        if len(spans) == 1:
            # The common case: the region is exactly one span's tokens, all tagged alike.
            tag, span = spans[0]
            tokens = TOKEN.findall(text, start, end)
            if not tokens:
                return ""
            column = self._column[tag]
            before = "\tO" * column
            after = "\tO" * (self._width - column - 1) + "\n"
            inside = before + "\tI-" + tag + after
            key = id(span)
            if key in started:
                return inside.join(tokens) + inside
            started.add(key)
            head = tokens[0] + before + "\tB-" + tag + after
            return head + inside.join(tokens[1:]) + inside if len(tokens) > 1 else head
        out = []
        for match in TOKEN.finditer(text, start, end):
            token_start, token_end = match.span()
            tags = ["O"] * self._width
            for tag, span in spans:
                if span["start"] < token_end and span["end"] > token_start:
                    column = self._column[tag]
                    if tags[column] != "O":
                        self.stats["overlaps"] += 1
                        continue
                    key = id(span)
                    tags[column] = ("I-" if key in started else "B-") + tag
                    started.add(key)
            out.append(match[0] + "\t" + "\t".join(tags) + "\n")
        return "".join(out)
