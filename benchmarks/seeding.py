"""Seeding: throw-away users and projects, articles of generated or given text, spans.

Everything a benchmark creates goes through a ``Scratch``, which removes it at the end
(unless asked to keep it). The only app internals used are the models and the services
named in the import block below.
"""

from __future__ import annotations

import argparse
import random
import secrets
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from articles.models import (
    Article,
    Label,
    Project,
    Review,
    Snapshot,
    Span,
    SpanEmbedding,
    SpanEvent,
)
from articles.services import article_create, membership_set, project_create
from articles.text import content_hash, normalize_text
from articles.types import User
from benchmarks.errors import BenchmarkError

# ---- text ---------------------------------------------------------------------------------

# (label the pre-tagger would give it, sentence); one emoji so offsets are not all ASCII.
TAGGED_SENTENCES = (
    ("claim", "The council approved the new budget on Monday after a long debate."),
    ("speculation", "Perhaps the vote will be reopened when the spring session begins."),
    ("quote", "We are ready to rebuild the bridge before the winter storms arrive."),
    ("claim", "Traffic on the river crossing fell by twelve percent last year 🌉."),
    ("speculation", "It may turn out that the subsidy costs more than anyone expected."),
)
FILLER = "Residents gathered outside the hall while reporters waited for the results. "

_VOCABULARY = (
    "the council said taxes may rise next year according to officials who spoke on condition "
    "of anonymity while critics argued that the bridge project was late and over budget and "
    "residents could face higher fares unless the minister intervenes before the election"
)
_WORDS = _VOCABULARY.split(" ")


def tagged_text(words: int) -> tuple[str, list[tuple[str, str]]]:
    """Text of about ``words`` words and the (label, sentence) pairs to suggest, in order.

    Speculation and quotes get a nested claim (their last five words), so the editor has
    overlapping spans of different labels to draw.
    """
    parts: list[str] = []
    tagged: list[tuple[str, str]] = []
    count = 0
    i = 0
    while count < words:
        label, sentence = TAGGED_SENTENCES[i % len(TAGGED_SENTENCES)]
        parts.append(sentence + " ")
        tagged.append((label, sentence))
        if label in ("speculation", "quote"):
            tagged.append(("claim", " ".join(sentence.split()[-5:])))
        count += len(sentence.split())
        if i % 4 == 3:
            parts.append(FILLER + "\n\n")
            count += len(FILLER.split())
        i += 1
    return "".join(parts).strip(), tagged


def random_text(rng: random.Random, size: int) -> str:
    """About ``size`` characters of news-like sentences, some quoted, in paragraphs."""
    parts: list[str] = []
    length = 0
    while length < size:
        sentence = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 22)))
        sentence = sentence[0].upper() + sentence[1:] + rng.choice([".", ".", "?", ","])
        if rng.random() < 0.15:
            sentence = f'"{sentence}" said {rng.choice(["Ana Lima", "the mayor", "a spokesman"])}.'
        parts.append(sentence)
        length += len(sentence) + 1
        if rng.random() < 0.12:
            parts.append("\n\n")
    return normalize_text(" ".join(parts).replace(" \n\n ", "\n\n"))


def read_text(path: str | Path) -> str:
    """A UTF-8 text file as the app stores text (NFC, ``\\n``); OSError when unreadable."""
    with open(path, encoding="utf-8-sig") as handle:
        return normalize_text(handle.read())


def word_ranges(text: str, count: int) -> list[tuple[int, int]]:
    """Up to ``count`` non-overlapping, word-aligned ranges spread evenly over ``text``."""
    positions = []
    step = len(text) // count
    for index in range(count):
        start = index * step
        while start < len(text) and (
            text[start].isspace() or (start and text[start - 1].isalnum())
        ):
            start += 1
        end = min(start + min(60, step - 10), (index + 1) * step - 1)
        while end > start and (
            text[end - 1].isspace() or (end < len(text) and text[end].isalnum())
        ):
            end -= 1
        if end - start >= 2:
            positions.append((start, end))
    return positions


def corpus_arguments(parser: argparse.ArgumentParser, *, again: str) -> None:
    """The options of a benchmark that measures at a corpus size, then at a larger one."""
    parser.add_argument("--articles", type=int, default=1_000, help="Articles seeded first.")
    parser.add_argument(
        "--more-articles",
        type=int,
        default=0,
        help=f"Then add this many and {again} (e.g. 99000 for 100,000).",
    )
    parser.add_argument("--spans", type=int, default=25, help="Accepted spans per article.")


# ---- the throw-away workspace ---------------------------------------------------------------


@dataclass
class BenchUser:
    user: User
    password: str | None  # None: the user cannot log in with a password (force_login only)

    @property
    def username(self) -> str:
        return self.user.get_username()


@dataclass
class Scratch:
    """Users and projects a benchmark made; ``remove`` deletes them and all they hold."""

    project_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)

    def user(self, *, can_log_in: bool = False) -> BenchUser:
        password = secrets.token_urlsafe(12) if can_log_in else None
        user = get_user_model().objects.create_user(
            username=f"bench-{secrets.token_hex(4)}", password=password
        )
        self.user_ids.append(user.pk)
        return BenchUser(user, password)

    def project(
        self,
        purpose: str,
        *,
        admin: BenchUser | None = None,
        editors: Sequence[BenchUser] = (),
    ) -> Project:
        project = project_create(
            name=f"Benchmark: {purpose} {secrets.token_hex(4)}",
            created_by=admin.user if admin else None,
        )
        self.project_ids.append(project.pk)
        for editor in editors:
            membership_set(project=project, user=editor.user, role="editor")
        return project

    def remove(self, project: Project | None = None) -> None:
        """Delete one project now, or (without an argument) everything made so far."""
        if project is not None:
            _delete([project.pk], [])
            self.project_ids.remove(project.pk)
            return
        _delete(self.project_ids, self.user_ids)
        self.project_ids.clear()
        self.user_ids.clear()


@contextmanager
def scratch(*, keep: bool = False) -> Iterator[Scratch]:
    """A ``Scratch`` whose contents are deleted on leaving, even after an error."""
    made = Scratch()
    try:
        yield made
    finally:
        if not keep:
            made.remove()


def _delete(project_ids: list[int], user_ids: list[int]) -> None:
    # Raw deletes, inner rows first: the ORM's cascade would load every span to honour
    # RESTRICT (decisions point at suggestions) and PROTECT (labels, annotators).
    for snapshot in Snapshot.objects.filter(project_id__in=project_ids).exclude(file=""):
        snapshot.file.delete(save=False)
    articles = f"SELECT id FROM {Article._meta.db_table} WHERE project_id = %s"
    span, event, review = (Span._meta.db_table, SpanEvent._meta.db_table, Review._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        for project_id in project_ids:
            for statement in (
                f"DELETE FROM {SpanEmbedding._meta.db_table} WHERE project_id = %s",
                f"DELETE FROM {event} WHERE article_id IN ({articles})",
                f"DELETE FROM {review} WHERE article_id IN ({articles})",
                f"DELETE FROM {span} WHERE derived_from_id IS NOT NULL "
                f"AND article_id IN ({articles})",
                f"DELETE FROM {span} WHERE article_id IN ({articles})",
                f"DELETE FROM {Article._meta.db_table} WHERE project_id = %s",
            ):
                cursor.execute(statement, [project_id])
        Project.objects.filter(pk__in=project_ids).delete()
        get_user_model().objects.filter(pk__in=user_ids).delete()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # What autovacuum would do, at once, so the next benchmark meets a settled database.
        # An HNSW index keeps deleted vectors until a vacuum: a later pgvector lookup's
        # nearest neighbours were mostly dead rows and it missed live ones. Dead index
        # entries of spans and articles made the planner probe thousands of pages per
        # join (6 ms of planning for a 0.2 ms span lookup). (VACUUM cannot run in a
        # transaction, as inside a test.)
        tables = (SpanEmbedding, SpanEvent, Review, Span, Article)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {', '.join(m._meta.db_table for m in tables)}")


# ---- articles and spans -----------------------------------------------------------------------


def article(project: Project, text: str, title: str) -> Article:
    """One article, created the way the app creates it."""
    return article_create(project=project, text=text, title=title)


def suggest(article: Article, tagged: list[tuple[str, str]], limit: int) -> int:
    """Store machine suggestions for the first ``limit`` tagged sentences, as the pre-tagger
    would (in bulk, without the tagger); returns how many."""
    labels = {label.name: label for label in Label.objects.filter(project=article.project)}
    text = article.text
    rows = []
    at = 0
    for n, (label, sentence) in enumerate(tagged[:limit]):
        start = text.index(sentence, at)
        end = start + len(sentence)
        at = start
        attrs = {"cue": sentence.split()[0]} if label in ("speculation", "quote") else {}
        rows.append(
            Span(
                article=article,
                label=labels[label],
                start=start,
                end=end,
                text=text[start:end],
                attrs=attrs,
                origin=Span.Origin.MACHINE,
                status=Span.Status.SUGGESTED,
                confidence=round(0.35 + (n % 13) / 20, 2),
                tagger_version="bench@1",
            )
        )
    Span.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def work_article(
    project: Project, title: str, *, suggestions: int = 25, ranges: int = 25
) -> tuple[Article, list[int], list[tuple[int, int]]]:
    """A seed-sized article for an editor to work on: ``suggestions`` fresh machine
    suggestions (in a shuffled order, seeded by the title) and ``ranges`` free word ranges
    after them to draw spans on. The title is in the text, so each article is new."""
    text, tagged = tagged_text(suggestions * 10)
    free = "\n\n".join(FILLER * 3 for _ in range(ranges // 3 + 1))
    head = f"{title}.\n\n{text}\n\n"
    made = article(project, head + free, title)
    if suggest(made, tagged, suggestions) < suggestions:
        raise BenchmarkError(f"{title}: fewer suggestions than asked")
    ids = suggestion_ids(made)
    random.Random(title).shuffle(ids)
    found = [(len(head) + s, len(head) + e) for s, e in word_ranges(free, ranges)]
    if len(found) < ranges:
        raise BenchmarkError(f"{title}: fewer free ranges than asked")
    return made, ids, found


def suggestion_ids(article: Article) -> list[int]:
    return list(Span.objects.filter(article=article).order_by("start").values_list("pk", flat=True))


def span_count() -> int:
    """Spans in the whole database (what the decision figures are measured against)."""
    return Span.objects.count()


def short_suggestions(article: Article, count: int) -> list[Span]:
    """``count`` two-character suggestions at the start of the article, for decisions."""
    label = Label.objects.filter(project=article.project).order_by("order").first()
    if label is None:
        raise BenchmarkError(f"Project {article.project_id} has no labels.")
    return [
        Span.objects.create(
            article=article,
            label=label,
            start=index * 3,
            end=index * 3 + 2,
            text=article.text[index * 3 : index * 3 + 2],
            origin=Span.Origin.MACHINE,
            status=Span.Status.SUGGESTED,
            confidence=0.5,
        )
        for index in range(count)
    ]


def first_article(project: Project) -> Article:
    article = Article.objects.filter(project=project).order_by("id").first()
    if article is None:
        raise LookupError(f"project {project.pk} has no article")
    return article


def accepted_corpus(
    project: Project,
    *,
    count: int,
    spans: int,
    annotator: User,
    text: str | None,
    rng: random.Random,
    offset: int = 0,
) -> float:
    """``count`` articles (``text``, or ~7 KB of ``random_text``) with ``spans`` accepted human
    spans each, inserted in bulk; returns the seconds it took.

    Numbered from ``offset`` so a second call adds to the same project without duplicates.
    """
    labels = list(Label.objects.filter(project=project))
    began = time.perf_counter()
    batch = 500
    for first in range(offset, offset + count, batch):
        articles = []
        for number in range(first, min(first + batch, offset + count)):
            body = f"Article {number}.\n\n{text or random_text(rng, 7000)}"
            articles.append(
                Article(
                    project=project,
                    title=f"Benchmark article {number}",
                    text=body,
                    content_hash=content_hash(body),
                    meta={"n": number},
                )
            )
        with transaction.atomic():
            Article.objects.bulk_create(articles, batch_size=batch)
            rows = [
                Span(
                    article=item,
                    label=labels[index % len(labels)],
                    start=start,
                    end=end,
                    text=item.text[start:end],
                    origin=Span.Origin.HUMAN,
                    status=Span.Status.ACCEPTED,
                    annotator=annotator,
                    attrs={"speaker": "Ana Lima"} if index % 5 == 0 else {},
                )
                for item in articles
                for index, (start, end) in enumerate(word_ranges(item.text, spans))
            ]
            Span.objects.bulk_create(rows, batch_size=5000)
    if connection.vendor == "postgresql":
        # Autovacuum would do this shortly after a bulk load; measure the settled state.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Article._meta.db_table}, {Span._meta.db_table}")
    return time.perf_counter() - began
