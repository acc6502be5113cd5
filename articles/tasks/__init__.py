"""Celery tasks: take ids, call one service, retry only on named transient errors.

Each submodule registers its tasks when imported here (Celery autodiscovers this package).
"""

from articles.tasks import (
    embeddings,  # noqa: F401
    imports,  # noqa: F401
    pretag,  # noqa: F401
    snapshots,  # noqa: F401
    sweep,  # noqa: F401
    training,  # noqa: F401
)
