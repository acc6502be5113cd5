"""The learned re-scorer's writes: asking for a training, running it (the Celery task),
activating or rolling back a version, counting decisions towards the next training, and the
pre-tagger a project uses.

A training reads the project's decisions (``selectors.tagger.training_articles``), fits
with the pure trainer (``articles.tagging.training``) and stores one ``TaggerVersion``; the
version becomes active when its held-out figures are no worse than the rules alone
(``should_activate``). A project whose tagger is ``rules`` and that has an active version
pre-tags with the rules and that re-scorer; its suggestions carry ``rules@1.7+p12v3``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from articles import queue
from articles.access import require_role
from articles.errors import DomainError, NotFound
from articles.models import PretagReport, Project, Role, TaggerCounter, TaggerVersion
from articles.selectors.tagger import active_version, training_articles
from articles.tagging import Tagger, get_tagger
from articles.tagging.base import tagger_id
from articles.tagging.rescoring import RescoredTagger, Rescorer
from articles.tagging.rules import RulesTagger
from articles.tagging.training import TrainingUnavailable, should_activate, train
from articles.types import User

logger = logging.getLogger(__name__)

_UNFINISHED = (TaggerVersion.State.PENDING, TaggerVersion.State.RUNNING)
# Re-scorers already read, by version id, project and number: a version's numbers never change
# (the project and number too guard against ids reused after a database is emptied).
_LOADED: dict[tuple[int, int, int], RescoredTagger] = {}


def project_tagger(project: Project, tagger: str | None = None) -> Tagger:
    """The pre-tagger to run: an explicit ``tagger`` name as it is; else the project's, which
    for ``rules`` with an active version is the rules with that version's re-scorer."""
    name = tagger or project.tagger_name
    engine = get_tagger(name)
    if tagger or name != RulesTagger.name:
        return engine
    active = active_version(project_id=project.pk)
    if active is None:
        return engine
    version_id, number = active
    key = (version_id, project.pk, number)
    loaded = _LOADED.get(key)
    if loaded is None:
        numbers = TaggerVersion.objects.values_list("model", flat=True).get(pk=version_id)
        # An active version always has its numbers (a check constraint says so).
        loaded = RescoredTagger(Rescorer.from_dict(numbers or {}), f"p{project.pk}v{number}")
        _LOADED[key] = loaded
    if loaded.rescorer.base != tagger_id(engine):
        return engine  # fitted on other rules: stale until retrained
    return loaded


def _lost_before() -> datetime:
    return timezone.now() - timedelta(seconds=settings.TAGGER_TRAIN_LOST_SECONDS)


def _queue_training(
    project: Project, *, trigger: str, actor: User | None, articles: int | None = None
) -> TaggerVersion:
    """A pending version and its task, unless one is already under way (that one is
    returned). One left pending or running longer than ``TAGGER_TRAIN_LOST_SECONDS`` was lost
    (broker down, worker killed) and is marked failed."""
    Project.objects.select_for_update().filter(pk=project.pk).values_list("pk").first()
    versions = TaggerVersion.objects.filter(project=project)
    versions.filter(state__in=_UNFINISHED, created_at__lt=_lost_before()).update(
        state=TaggerVersion.State.FAILED,
        error="Lost: the training was never run or never finished.",
        finished_at=timezone.now(),
    )
    # Counting starts again now, whether this queues a training or one is already under way:
    # left at the threshold, every decision until that training finished would take this
    # slow path again (eight more queries each).
    TaggerCounter.objects.update_or_create(project=project, defaults={"since_training": 0})
    under_way = versions.filter(state__in=_UNFINISHED).order_by("-number").first()
    if under_way is not None:
        return under_way
    number = (versions.aggregate(last=Max("number"))["last"] or 0) + 1
    limit = settings.TAGGER_TRAIN_MAX_ARTICLES
    version = TaggerVersion.objects.create(
        project=project,
        number=number,
        base=tagger_id(RulesTagger()),
        trigger=trigger,
        created_by=actor,
        training_size={"limit": min(articles or limit, limit)},
    )
    queue.enqueue_training(version.pk)
    return version


@transaction.atomic
def training_request(
    *, project: Project, actor: User, articles: int | None = None
) -> TaggerVersion:
    """Queue a training now, on at most ``articles`` of the most recently decided articles
    (at most ``TAGGER_TRAIN_MAX_ARTICLES``). Preconditions: ``actor`` is an editor (checked
    here); the project has decisions to learn from."""
    require_role(actor, project, Role.EDITOR, "train its tagger")
    if project.tagger_name != RulesTagger.name:
        raise DomainError(
            f"The project's tagger is {project.tagger_name!r}; only the rules tagger is re-scored.",
            field="tagger",
        )
    decided = project.articles.filter(spans__annotator__isnull=False).exists()
    if not decided:
        raise DomainError(
            "Nothing to learn from yet: no one has decided a suggestion or drawn a span.",
            field="non_field_errors",
        )
    return _queue_training(
        project, trigger=TaggerVersion.Trigger.MANUAL, actor=actor, articles=articles
    )


def tagger_train(*, version_id: int) -> TaggerVersion | None:
    """Run one training (the Celery task). The fitting happens outside any transaction; a
    version that is no longer pending (run twice, or marked lost) is left alone."""
    claimed = TaggerVersion.objects.filter(pk=version_id, state=TaggerVersion.State.PENDING).update(
        state=TaggerVersion.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    version = TaggerVersion.objects.select_related("project").get(pk=version_id)
    limit = int(version.training_size.get("limit") or settings.TAGGER_TRAIN_MAX_ARTICLES)
    articles = training_articles(project=version.project, limit=limit)
    try:
        result = train(articles)
    except TrainingUnavailable as error:
        tagger_training_failed(version_id=version_id, error=str(error))
        version.refresh_from_db()
        return version
    with transaction.atomic():
        activate = should_activate(result.quality)
        if activate:
            TaggerVersion.objects.filter(project=version.project, active=True).update(active=False)
        version.model = result.rescorer.as_dict()
        version.base = result.rescorer.base
        version.training_size = {**result.size, "limit": limit}
        version.quality = result.quality
        version.state = TaggerVersion.State.DONE
        version.active = activate
        version.finished_at = timezone.now()
        version.save()
    logger.info(
        "Trained %s on %s examples (%s)",
        version.name,
        result.size["examples"],
        "activated" if activate else "kept inactive",
    )
    return version


def tagger_training_failed(*, version_id: int, error: str) -> None:
    TaggerVersion.objects.filter(pk=version_id, state__in=_UNFINISHED).update(
        state=TaggerVersion.State.FAILED, error=error[:2000], finished_at=timezone.now()
    )


@transaction.atomic
def tagger_activate(*, project: Project, actor: User, number: int | None) -> TaggerVersion | None:
    """Make version ``number`` the active one (roll back or forward), or none (``None``: the
    rules alone). Preconditions: ``actor`` is an admin (checked here)."""
    require_role(actor, project, Role.ADMIN, "choose its tagger version")
    Project.objects.select_for_update().filter(pk=project.pk).values_list("pk").first()
    versions = TaggerVersion.objects.filter(project=project)
    if number is None:
        versions.filter(active=True).update(active=False)
        return None
    version = versions.filter(number=number).first()
    if version is None:
        raise NotFound(f"No version {number} of this project's tagger.")
    if version.state != TaggerVersion.State.DONE:
        raise DomainError(f"Version {number} is {version.state}, not trained.", field="version")
    versions.filter(active=True).exclude(pk=version.pk).update(active=False)
    if not version.active:
        version.active = True
        version.save(update_fields=["active"])
    return version


def decision_noted(*, project_id: int) -> None:
    """Count one editor's decision towards the next training, once the current transaction
    commits (a rolled-back decision does not count); every ``TAGGER_RETRAIN_EVERY`` of them
    queue a training. A failure here is logged: it never undoes the decision.

    After the commit, not in the decision's transaction: there the counter's row, one per
    project, stayed locked until the commit, and every write of the project queued behind
    it (50 editors deciding once a second under gthread: median 68 ms became 506 ms).
    """
    if settings.TAGGER_RETRAIN_EVERY > 0:
        transaction.on_commit(lambda: _count(project_id), robust=True)


def _count(project_id: int) -> None:
    every = settings.TAGGER_RETRAIN_EVERY
    # The usual case is one UPDATE, outside any transaction: no lock held across requests.
    below = TaggerCounter.objects.filter(
        project_id=project_id, since_training__lt=every - 1
    ).update(since_training=F("since_training") + 1)
    if below:
        return
    with transaction.atomic():
        project = Project.objects.filter(pk=project_id).first()
        if project is None:
            return
        counter, _ = TaggerCounter.objects.select_for_update().get_or_create(project=project)
        if counter.since_training + 1 < every:
            counter.since_training += 1
            counter.save(update_fields=["since_training"])
            return
        if project.tagger_name != RulesTagger.name:
            counter.since_training = 0
            counter.save(update_fields=["since_training"])
            return
        _queue_training(project, trigger=TaggerVersion.Trigger.AUTO, actor=None)


def pretag_reports_store(reports: list[tuple[int, str, dict[str, Any]]]) -> None:
    """Keep what reporting taggers recorded, one row per article (its latest run)."""
    for article_id, tagger, report in reports:
        PretagReport.objects.update_or_create(
            article_id=article_id, defaults={"tagger": tagger, "report": report}
        )
