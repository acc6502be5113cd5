"""Writes. Each public function is keyword-only, typed and atomic; rules live here once.

Split by entity; import from ``articles.services``. A function that takes an ``actor``
checks the actor's role itself (the command line calls services directly); an unchecked
twin, where a command needs one, says so in its name.
"""

from articles.services.articles import article_create, article_set_text
from articles.services.imports import (
    articles_import,
    articles_import_unchecked,
    import_one,
    import_upload,
    import_url,
)
from articles.services.labels import (
    label_create,
    label_delete,
    label_update,
    membership_change,
    project_update,
)
from articles.services.pretag import (
    article_pretag,
    article_pretag_request,
    articles_pretag,
    project_pretag,
)
from articles.services.projects import (
    membership_set,
    project_create,
    project_delete,
    project_delete_unchecked,
)
from articles.services.reviews import review_set_state
from articles.services.snapshots import snapshot_build, snapshot_request
from articles.services.spans import (
    span_create,
    span_decide,
    span_delete,
    span_update,
    spans_bulk_decide,
)

__all__ = [
    "article_create",
    "article_pretag",
    "article_pretag_request",
    "article_set_text",
    "articles_import",
    "articles_import_unchecked",
    "articles_pretag",
    "import_one",
    "import_upload",
    "import_url",
    "label_create",
    "label_delete",
    "label_update",
    "membership_change",
    "membership_set",
    "project_create",
    "project_delete",
    "project_delete_unchecked",
    "project_pretag",
    "project_update",
    "review_set_state",
    "snapshot_build",
    "snapshot_request",
    "span_create",
    "span_decide",
    "span_delete",
    "span_update",
    "spans_bulk_decide",
]
