"""Assignments: which editors annotate which article, balanced by open workload.

The rule, once (``assignments_rebalance``), run when articles are imported, when the
project's ``annotators_per_article`` (k) or distribution changes, when the membership
changes and when an editor skips an article:

- the pool is the project's members with the role ``editor``;
- an assignment is *open* until its annotator marks the article done (their review) or
  skips it; open assignments of someone no longer in the pool go (an admin's hand-made
  assignment stays while its annotator may still edit);
- in round-robin mode every article has min(k, pool size) assignments that are done or
  open; missing ones go to the editors with the fewest open assignments who have never had
  the article (a skipped article is not given back to the one who skipped it), extra ones
  leave the busiest editors first;
- then open assignments nobody has started (no review, no span of that layer) and no admin
  chose move from the busiest to the least busy editor until open counts differ by at most
  one, so a newcomer gets a fair share at once;
- in manual mode only an admin assigns (``assignment_set``); nothing is filled or moved.

Each run locks the project row, so two runs (two imports) never plan on the same counts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from articles.access import require_role
from articles.errors import DomainError
from articles.models import (
    Article,
    Assignment,
    Distribution,
    Membership,
    Project,
    Review,
    ReviewState,
    Role,
    Span,
)
from articles.services.rows import rows_insert
from articles.types import User

# Project settings whose change re-runs the distribution.
ASSIGNMENT_SETTINGS = frozenset({"annotators_per_article", "distribution"})


@dataclass(eq=False)
class _Row:
    pk: int | None
    article_id: int
    annotator_id: int
    skipped: bool
    done: bool
    by_hand: bool
    started: bool

    @property
    def open(self) -> bool:
        return not (self.done or self.skipped)

    @property
    def movable(self) -> bool:
        return self.open and not self.started and not self.by_hand


@dataclass
class Rebalanced:
    created: int = 0
    moved: int = 0
    removed: int = 0


class _Plan:
    """The project's assignments in memory, and the changes worked out on them."""

    def __init__(self, rows: list[_Row], pool: list[int]) -> None:
        self.pool = pool
        self.by_article: dict[int, list[_Row]] = defaultdict(list)
        for row in rows:
            self.by_article[row.article_id].append(row)
        self.load = {user: 0 for user in pool}  # open assignments per editor
        self.total = {user: 0 for user in pool}  # every assignment per editor
        for row in rows:
            if row.annotator_id in self.load:
                self.total[row.annotator_id] += 1
                self.load[row.annotator_id] += row.open
        self.removed: list[_Row] = []
        self.moved: list[_Row] = []
        self.created: list[_Row] = []

    def active(self, article_id: int) -> list[_Row]:
        return [row for row in self.by_article[article_id] if not row.skipped]

    def remove(self, row: _Row) -> None:
        self.by_article[row.article_id].remove(row)
        if row.annotator_id in self.load:
            self.load[row.annotator_id] -= row.open
            self.total[row.annotator_id] -= 1
        if row.pk is not None:
            self.removed.append(row)
        else:
            self.created.remove(row)

    def least_busy(self, article_id: int, below: int | None = None) -> int | None:
        """The editor with the fewest open assignments who never had the article."""
        had = {row.annotator_id for row in self.by_article[article_id]}
        free = [user for user in self.pool if user not in had]
        if below is not None:
            free = [user for user in free if self.load[user] < below]
        if not free:
            return None
        return min(free, key=lambda user: (self.load[user], self.total[user], user))

    def add(self, article_id: int, user: int) -> None:
        row = _Row(None, article_id, user, False, False, False, False)
        self.by_article[article_id].append(row)
        self.created.append(row)
        self.load[user] += 1
        self.total[user] += 1

    def move(self, row: _Row, user: int) -> None:
        self.load[row.annotator_id] -= 1
        self.total[row.annotator_id] -= 1
        row.annotator_id = user
        self.load[user] += 1
        self.total[user] += 1
        if row.pk is not None and row not in self.moved:
            self.moved.append(row)


def _rows(project: Project) -> list[_Row]:
    reviews = list(
        Review.objects.filter(article__project=project).values_list(
            "article_id", "annotator_id", "state"
        )
    )
    done = {(article, user) for article, user, state in reviews if state == ReviewState.DONE}
    started = {(article, user) for article, user, _ in reviews}
    started |= set(
        Span.objects.filter(article__project=project, annotator__isnull=False, gold=False)
        .values_list("article_id", "annotator_id")
        .distinct()
    )
    return [
        _Row(
            pk, article, user, skipped, (article, user) in done, by_hand, (article, user) in started
        )
        for pk, article, user, skipped, by_hand in Assignment.objects.filter(
            project=project
        ).values_list("pk", "article_id", "annotator_id", "skipped", "by_hand")
    ]


def _plan(project: Project, rows: list[_Row], members: dict[int, Role]) -> _Plan:
    pool = sorted(user for user, role in members.items() if role == Role.EDITOR)
    plan = _Plan(rows, pool)
    for row in rows:
        keeps = row.annotator_id in plan.load or (
            row.by_hand and members.get(row.annotator_id, Role.VIEWER).covers(Role.EDITOR)
        )
        if row.open and not keeps:
            plan.remove(row)
    if project.distribution != Distribution.ROUND_ROBIN:
        return plan
    k = project.annotators_per_article
    article_ids = list(Article.objects.filter(project=project).order_by("id").values_list("id"))
    for (article_id,) in article_ids:
        active = plan.active(article_id)
        extra = len(active) - k
        for row in sorted(
            (row for row in active if row.movable),
            key=lambda row: -plan.load.get(row.annotator_id, 0),
        ):
            if extra <= 0:
                break
            plan.remove(row)
            extra -= 1
        for _ in range(k - len(plan.active(article_id))):
            user = plan.least_busy(article_id)
            if user is None:
                break
            plan.add(article_id, user)
    _even_out(plan)
    return plan


def _even_out(plan: _Plan) -> None:
    """Move open, unstarted assignments from the busiest editors to the least busy ones
    until open counts differ by at most one (or nothing more can move)."""
    moved = True
    while moved and plan.pool:
        moved = False
        for busy in sorted(plan.pool, key=lambda user: -plan.load[user]):
            if plan.load[busy] - min(plan.load.values()) <= 1:
                break
            for row in [
                row
                for rows in plan.by_article.values()
                for row in rows
                if row.annotator_id == busy and row.movable
            ]:
                if plan.load[busy] - min(plan.load.values()) <= 1:
                    break
                target = plan.least_busy(row.article_id, below=plan.load[busy] - 1)
                if target is not None:
                    plan.move(row, target)
                    moved = True


@transaction.atomic
def assignments_rebalance(*, project: Project) -> Rebalanced:
    """Bring the project's assignments in line with its settings and members (see the
    module's docstring). Unchecked: it follows from changes already allowed."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    members = {
        user: Role(role)
        for user, role in Membership.objects.filter(project=locked).values_list("user_id", "role")
    }
    plan = _plan(locked, _rows(locked), members)
    Assignment.objects.filter(pk__in=[row.pk for row in plan.removed]).delete()
    moves = [
        Assignment(pk=row.pk, annotator_id=row.annotator_id, updated_at=timezone.now())
        for row in plan.moved
    ]
    Assignment.objects.bulk_update(moves, ["annotator", "updated_at"], batch_size=1000)
    rows_insert(
        Assignment,
        [
            {
                "project_id": locked.pk,
                "article_id": row.article_id,
                "annotator_id": row.annotator_id,
            }
            for row in plan.created
        ],
    )
    return Rebalanced(created=len(plan.created), moved=len(moves), removed=len(plan.removed))


def assignments_after_import(*, project: Project, created: int) -> Rebalanced:
    """Give the ``created`` newly imported articles their editors (the import calls this once
    it has committed). The whole project is rebalanced: the same rule as every change."""
    if not created or project.distribution != Distribution.ROUND_ROBIN:
        return Rebalanced()
    return assignments_rebalance(project=project)


def assignments_after_membership(*, project: Project) -> Rebalanced:
    """A member joined, left or changed role: their open work moves, newcomers get theirs."""
    return assignments_rebalance(project=project)


@transaction.atomic
def assignment_set(
    *,
    project: Project,
    actor: User,
    article: Article,
    annotator: User,
    replace: User | None = None,
) -> Assignment:
    """An admin gives ``article`` to ``annotator`` by hand, taking it from ``replace``'s open
    assignment when given. Automatic balancing never moves a hand-made assignment."""
    require_role(actor, project, Role.ADMIN, "assign articles")
    if article.project_id != project.pk:
        raise DomainError("The article belongs to another project.", field="article")
    role = (
        Membership.objects.filter(project=project, user=annotator)
        .values_list("role", flat=True)
        .first()
    )
    if role is None or not Role(role).covers(Role.EDITOR):
        raise DomainError(
            f"{annotator.get_username()} is not an editor of this project.", field="annotator"
        )
    rows = {
        row.annotator_id: row
        for row in Assignment.objects.select_for_update()
        .with_state()
        .filter(article=article, annotator__in=[u for u in (annotator, replace) if u])
    }
    mine = rows.get(annotator.pk)
    if mine is not None and not mine.skipped:
        raise DomainError(
            f"The article is already assigned to {annotator.get_username()}.", field="annotator"
        )
    if replace is not None:
        old = rows.get(replace.pk)
        if old is None or replace.pk == annotator.pk:
            raise DomainError(
                f"The article is not assigned to {replace.get_username()}.", field="replace"
            )
        if old.state == Assignment.State.DONE:  # type: ignore[attr-defined]
            raise DomainError(
                f"{replace.get_username()} has finished this article; their work stays theirs.",
                field="replace",
            )
        old.delete()
    if mine is not None:
        mine.skipped, mine.skip_reason, mine.by_hand = False, "", True
        mine.save(update_fields=["skipped", "skip_reason", "by_hand", "updated_at"])
        return mine
    return Assignment.objects.create(
        project=project, article=article, annotator=annotator, by_hand=True
    )


def _own_assignment(article: Article, actor: User) -> Assignment:
    row = (
        Assignment.objects.select_for_update()
        .with_state()
        .filter(article=article, annotator=actor)
        .first()
    )
    if row is None:
        raise DomainError("This article is not assigned to you.", field="article")
    return row


@transaction.atomic
def assignment_skip(*, article: Article, actor: User, reason: str = "") -> Assignment:
    """The editor leaves the article to someone else; round robin gives it to another."""
    require_role(actor, article.project, Role.EDITOR, "skip articles")
    row = _own_assignment(article, actor)
    if row.state == Assignment.State.DONE:  # type: ignore[attr-defined]
        raise DomainError("You marked this article done; it cannot be skipped.", field="article")
    row.skipped, row.skip_reason = True, reason.strip()
    row.save(update_fields=["skipped", "skip_reason", "updated_at"])
    if article.project.distribution == Distribution.ROUND_ROBIN:
        assignments_rebalance(project=article.project)
    return row


@transaction.atomic
def assignment_flag(*, article: Article, actor: User, reason: str) -> Assignment:
    """The editor reports a problem with the article to the project's admins."""
    require_role(actor, article.project, Role.EDITOR, "flag articles")
    if not reason.strip():
        raise DomainError("Say what is wrong with the article.", field="reason")
    row = _own_assignment(article, actor)
    row.flag_reason, row.flagged_at = reason.strip(), timezone.now()
    row.save(update_fields=["flag_reason", "flagged_at", "updated_at"])
    return row
