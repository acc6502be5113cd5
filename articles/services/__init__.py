"""Writes. Each public function is keyword-only, typed and atomic; rules live here once.

Split by entity; import from ``articles.services``.
"""

from articles.services.articles import article_create, article_set_text
from articles.services.labels import (
    label_create,
    label_delete,
    label_update,
    membership_change,
    project_update,
)
from articles.services.projects import membership_set, project_create
from articles.services.reviews import review_set_state
from articles.services.spans import (
    span_create,
    span_decide,
    span_delete,
    span_update,
    spans_bulk_decide,
)

__all__ = [
    "article_create",
    "article_set_text",
    "label_create",
    "label_delete",
    "label_update",
    "membership_change",
    "membership_set",
    "project_create",
    "project_update",
    "review_set_state",
    "span_create",
    "span_decide",
    "span_delete",
    "span_update",
    "spans_bulk_decide",
]
