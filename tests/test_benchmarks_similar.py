"""``python -m benchmarks similar`` end to end on tiny sizes: every figure printed, nothing
left behind, the HNSW index it rebuilds still there."""

from __future__ import annotations

import pytest
from django.db import connection

from articles import embeddings
from articles.models import SpanEmbedding
from tests.test_benchmarks import assert_figures, assert_nothing_left, run_benchmark
from tests.test_similar_paraphrases import needs_embeddings


@pytest.mark.django_db
def test_similar_benchmark_prints_every_figure_and_cleans_up():
    needs_embeddings()
    status, lines = run_benchmark(
        "similar", "--claims", "4", "--spans", "30", "--lookups", "3"
    )  # fmt: skip
    assert status == 0
    search = "pgvector HNSW" if embeddings.pgvector_column() else "brute force"
    assert_figures(
        lines,
        [
            rf"database: {connection.vendor}; search: {search}; model all-MiniLM-L6-v2@.+",
            r"seeded 30 claim spans in {N} s",
            r"model load: {N} s",
            r"embed 4 claims \(real model, stored\): {N} s = {N} claims/s",
            r"derived 26 vectors \(real ones plus noise sigma=0.03, not the model's\) in {N} s",
            r"similar lookup at 30 claim spans \(3 lookups, limit 10\): median {N} ms, "
            r"p95 {N} ms, {N} results per lookup",
            r"paraphrase set \(40 claims\): precision at 1 embedding {N}, lexical {N}",
        ],
    )
    assert_nothing_left()
    assert not SpanEmbedding.objects.exists()
    if embeddings.pgvector_column():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'span_embedding_hnsw'")
            assert cursor.fetchone() is not None


def test_similar_benchmark_refuses_bad_sizes():
    needs_embeddings()
    assert run_benchmark("similar", "--claims", "10", "--spans", "5")[0] == 2
