from __future__ import annotations

from articles.access import require_role
from articles.models import Article, Review, ReviewState, Role
from articles.types import User


def review_set_state(*, article: Article, actor: User, state: ReviewState | str) -> Review:
    """Record an annotator's progress on an article (in progress / done).

    Preconditions: ``actor`` is an editor of the project (checked here)."""
    require_role(actor, article.project, Role.EDITOR, "review its articles")
    review, _ = Review.objects.update_or_create(
        article=article, annotator=actor, defaults={"state": Review.State(state)}
    )
    return review
