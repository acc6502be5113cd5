"""CoNLL: one token a line with BIO tags, one tag column per label so overlaps survive.

Layout::

    # columns = TOKEN START END claim quote speculation
    -DOCSTART- 12
    # doc_id = 12
    Officials	0	9	B-claim	O	O
    ...
    (blank line between lines of the article text, i.e. paragraphs)

Columns are tab-separated; START/END are code-point offsets into the article text. Tokens come
from the documented tokenizer in ``articles.exports.base``. A span tags every token it overlaps
(B on the first); when two exported spans of one label overlap (different annotators), the
earlier span keeps the token and the later one is counted in ``stats["overlaps"]``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator

from articles.exports.base import Writer, tokenize
from articles.selectors.exports import ArticleRow


class ConllWriter(Writer):
    name = "conll"
    extension = "conll"
    content_type = "text/plain; charset=utf-8"
    description = "Tab-separated tokens with one BIO column per label; -DOCSTART- per article."

    def pieces(self, rows: Iterable[ArticleRow]) -> Iterator[str]:
        self.stats["overlaps"] = 0
        column = {name: position for position, name in enumerate(self.labels)}
        empty = "\t".join("O" for _ in self.labels)
        yield "# columns = TOKEN START END " + " ".join(self.labels) + "\n"
        for row in rows:
            text = row["text"]
            starts, ends, breaks = tokenize(text)
            tagged: dict[int, list[str]] = {}
            for span in row["spans"]:
                position = column.get(span["label"])
                if position is None:
                    continue
                first = bisect_right(ends, span["start"])
                last = bisect_left(starts, span["end"])
                for index in range(first, last):
                    tags = tagged.setdefault(index, ["O"] * len(self.labels))
                    if tags[position] != "O":
                        self.stats["overlaps"] += 1
                        break
                    prefix = "B-" if index == first else "I-"
                    tags[position] = prefix + span["label"]
            out = [f"-DOCSTART- {row['id']}\n# doc_id = {row['id']}\n"]
            break_at = set(breaks[1:])
            for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
                if index in break_at:
                    out.append("\n")
                tags = tagged.get(index)
                columns = empty if tags is None else "\t".join(tags)
                out.append(f"{text[start:end]}\t{start}\t{end}\t{columns}\n")
            out.append("\n")
            yield "".join(out)
