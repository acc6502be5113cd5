from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from articles.errors import NotAllowed
from articles.models import Article, Review, Role


def review_set_state(
    *, article: Article, actor: AbstractBaseUser, state: Review.State | str
) -> Review:
    """Record an annotator's progress on an article (in progress / done)."""
    if not article.project.allows(actor, Role.EDITOR):
        raise NotAllowed("Only editors of this project can review its articles.")
    review, _ = Review.objects.update_or_create(
        article=article, annotator=actor, defaults={"state": Review.State(state)}
    )
    return review
