"""Span search on one throw-away project of ``--articles`` times ``--spans`` accepted spans
(default 2,000 x 50 = 100,000), removed afterwards (unless ``--keep``).

Prints, per query through the real API view (``GET /api/projects/{id}/spans/search/``,
Django's test client, first page of 20), the median and p90 of ``--requests`` requests and
how many spans the query matches; then the tenth page of a common word (keyset pages cost
the same at any depth), the search page, and on PostgreSQL the rare-word query without the
GIN index of migration 0013 (dropped inside a transaction that is rolled back).

The generated text has a 45-word vocabulary, so a common word is in about one span in
five: a worst case for ranking, which scores every match before taking the first page.

Coupling to the app: the search URLs, ``search_spans`` (for the match counts) and the
index name ``span_search_vector``.
"""

from __future__ import annotations

import argparse
import random
from functools import partial
from urllib.parse import urlencode

from django.db import connection, transaction
from django.test import Client

from articles.models import Project
from articles.selectors.search import SpanSearch, search_spans
from articles.serving import served_like_development
from benchmarks import seeding
from benchmarks.cli import Output
from benchmarks.errors import BenchmarkError
from benchmarks.timing import repeat

QUERIES: tuple[tuple[str, dict[str, str]], ...] = (
    ("no words, label=claim", {"label": "claim"}),
    ("common word (council)", {"q": "council"}),
    ("two words (minister intervenes)", {"q": "minister intervenes"}),
    ('phrase ("bridge project")', {"q": '"bridge project"'}),
    ("words or words", {"q": "minister or election -council"}),
    ("speaker=lima", {"speaker": "lima"}),
    ("common word, status and label", {"q": "council", "status": "accepted", "label": "quote"}),
)


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--spans", type=int, default=50, help="Accepted spans per article.")
    parser.add_argument("--requests", type=int, default=30, help="Requests per query.")
    parser.add_argument("--keep", action="store_true", help="Keep the throwaway project.")


def run(options: argparse.Namespace, out: Output) -> None:
    if options.articles < 1 or options.spans < 1 or options.requests < 1:
        raise BenchmarkError("--articles, --spans and --requests must be positive.")
    out(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    with (
        seeding.scratch(keep=options.keep) as made,
        served_like_development(ALLOWED_HOSTS=["*"], DEBUG=False),
    ):
        owner = made.user()
        project = made.project("search", admin=owner)
        seconds = seeding.accepted_corpus(
            project,
            count=options.articles,
            spans=options.spans,
            annotator=owner.user,
            text=None,
            rng=random.Random(13),
        )
        total = search_spans(user=owner.user, project=project, search=SpanSearch()).count()
        out(f"seeded {options.articles:,} articles, {total:,} spans in {seconds:.1f} s")
        client = Client()
        client.force_login(owner.user)
        for name, params in QUERIES:
            _query(client, project, owner, name, params, options.requests, out)
        _deep_page(client, project, options.requests, out)
        page = f"/projects/{project.pk}/search/?q=council"
        samples = repeat(partial(_get, client, page), options.requests)
        out(f"search page (q=council): median {samples.median:.1f} ms, p90 {samples.p90:.1f} ms")
        if connection.vendor == "postgresql":
            _without_index(client, project, options.requests, out)


def _url(project: Project, params: dict[str, str]) -> str:
    return f"/api/projects/{project.pk}/spans/search/?{urlencode(params)}"


def _get(client: Client, url: str) -> dict[str, object]:
    response = client.get(url)
    if response.status_code != 200:
        raise BenchmarkError(f"{url} answered {response.status_code}: {response.content[:200]!r}")
    if response.get("Content-Type", "").startswith("application/json"):
        body: dict[str, object] = response.json()
        return body
    return {}


def _query(
    client: Client,
    project: Project,
    owner: seeding.BenchUser,
    name: str,
    params: dict[str, str],
    requests: int,
    out: Output,
) -> None:
    search = SpanSearch(
        q=params.get("q", ""),
        labels=tuple(filter(None, [params.get("label", "")])),
        speaker=params.get("speaker", ""),
        status=params.get("status", ""),
    )
    matches = search_spans(user=owner.user, project=project, search=search).count()
    _get(client, _url(project, params))  # warm: plan caches, the first read of the pages
    samples = repeat(partial(_get, client, _url(project, params)), requests)
    out(f"{name}: median {samples.median:.1f} ms, p90 {samples.p90:.1f} ms ({matches:,} matches)")


def _deep_page(client: Client, project: Project, requests: int, out: Output) -> None:
    """The tenth page of a common word, or the last one when there are fewer."""
    url, number = _url(project, {"q": "council"}), 1
    while number < 10 and isinstance(link := _get(client, url)["next"], str):
        url, number = link.replace("http://testserver", ""), number + 1
    samples = repeat(partial(_get, client, url), requests)
    out(f"page {number} (q=council): median {samples.median:.1f} ms, p90 {samples.p90:.1f} ms")


def _without_index(client: Client, project: Project, requests: int, out: Output) -> None:
    url = _url(project, {"q": "minister intervenes"})
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS span_search_vector")
        samples = repeat(partial(_get, client, url), requests)
        transaction.set_rollback(True)
    out(
        f"two words without the GIN index: median {samples.median:.1f} ms, p90 {samples.p90:.1f} ms"
    )
