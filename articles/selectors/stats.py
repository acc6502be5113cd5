"""Counts of a project: what its stats page shows and what deleting it would remove."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef

from articles.models import (
    Article,
    ImportJob,
    Label,
    Membership,
    Project,
    Review,
    Role,
    Snapshot,
    Span,
)
from articles.selectors.articles import count_per


@dataclass(frozen=True)
class LabelCounts:
    name: str
    color: str
    by_status: dict[str, int]  # every span status, zero when none

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class AnnotatorCounts:
    username: str
    by_state: dict[str, int]  # new, in_progress, done: articles by this member's review


@dataclass(frozen=True)
class ProjectStats:
    articles: int
    by_pretag: dict[str, int]  # every pre-tag state, zero when none
    annotators: list[AnnotatorCounts]  # members who can annotate, by username
    labels: list[LabelCounts]  # in display order

    @property
    def span_total(self) -> int:
        return sum(label.total for label in self.labels)


def project_stats(project: Project) -> ProjectStats:
    """Articles per pre-tag state, each annotating member's articles per review state, and
    spans per label and status (suggestions and every layer). Five queries, six when someone
    who reviewed here has left the project."""
    by_pretag = dict.fromkeys(Article.PretagState.values, 0)
    rows = (
        Article.objects.filter(project=project)
        .order_by()
        .values_list("pretag_state")
        .annotate(n=Count("id"))
    )
    for state, count in rows:
        by_pretag[state] = count
    total = sum(by_pretag.values())

    reviews: dict[int, dict[str, int]] = {}
    review_rows = (
        Review.objects.filter(article__project=project)
        .order_by()
        .values_list("annotator_id", "state")
        .annotate(n=Count("id"))
    )
    for annotator_id, state, count in review_rows:
        reviews.setdefault(annotator_id, {})[state] = count
    # Members who annotate, and anyone else who reviewed here (a former member).
    people = dict(
        Membership.objects.filter(project=project)
        .exclude(role=Role.VIEWER)
        .values_list("user_id", "user__username")
    )
    former = set(reviews) - set(people)
    if former:
        people.update(get_user_model().objects.filter(pk__in=former).values_list("pk", "username"))
    annotators = []
    for pk, username in sorted(people.items(), key=lambda item: item[1]):
        states = reviews.get(pk, {})
        in_progress = states.get(Review.State.IN_PROGRESS, 0)
        done = states.get(Review.State.DONE, 0)
        annotators.append(
            AnnotatorCounts(
                username,
                {"new": total - in_progress - done, "in_progress": in_progress, "done": done},
            )
        )

    labels = list(Label.objects.filter(project=project).order_by("order", "name", "id"))
    counts: dict[int, dict[str, int]] = {}
    span_rows = (
        Span.objects.filter(article__project=project)
        .order_by()
        .values_list("label_id", "status")
        .annotate(n=Count("id"))
    )
    for label_id, status, count in span_rows:
        counts.setdefault(label_id, {})[status] = count
    return ProjectStats(
        articles=total,
        by_pretag=by_pretag,
        annotators=annotators,
        labels=[
            LabelCounts(
                label.name,
                label.color,
                {s: counts.get(label.pk, {}).get(s, 0) for s in Span.Status.values},
            )
            for label in labels
        ],
    )


def project_contents(project: Project) -> dict[str, int]:
    """What deleting the project removes, by kind, in one query."""
    here = OuterRef("pk")
    counts = (
        Project.objects.filter(pk=project.pk)
        .annotate(
            article_count=count_per(Article.objects.filter(project=here), "project_id"),
            span_count=count_per(Span.objects.filter(article__project=here), "article__project_id"),
            member_count=count_per(Membership.objects.filter(project=here), "project_id"),
            label_count=count_per(Label.objects.filter(project=here), "project_id"),
            import_count=count_per(ImportJob.objects.filter(project=here), "project_id"),
            snapshot_count=count_per(Snapshot.objects.filter(project=here), "project_id"),
        )
        .values(
            "article_count",
            "span_count",
            "member_count",
            "label_count",
            "import_count",
            "snapshot_count",
        )
        .get()
    )
    row: dict[str, Any] = dict(counts)
    # article_count → articles: the names a template reads.
    return {f"{name.removesuffix('_count')}s": int(value) for name, value in row.items()}
