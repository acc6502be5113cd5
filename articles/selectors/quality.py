"""A project's progress and quality figures (assignments, agreement, the pre-tagger from
decisions): the quality page and its API read the same."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncHour

from articles.models import Assignment, Membership, Project, Role, Span, SpanEvent
from articles.selectors.agreement import agreement_by_week

HOURS = 168  # decisions per hour: the last week with activity


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def progress(project: Project) -> list[dict[str, Any]]:
    """Per editor (members from editor up, and anyone with assignments): assigned, done,
    skipped, open, flagged, and their accepted spans per label."""
    rows = Assignment.objects.filter(project=project).with_state()
    counts: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"assigned": 0, "done": 0, "skipped": 0, "open": 0, "flagged": 0, "spans": {}}
    )
    for member in (
        Membership.objects.filter(project=project, role=Role.EDITOR)
        .select_related("user")
        .order_by("user__username")
    ):
        counts[member.user.username]["assigned"] += 0  # a row even without assignments
    for name, state, flag in rows.values_list(  # type: ignore[misc]  # an annotation
        "annotator__username", "state", "flag_reason"
    ):
        entry = counts[name]
        entry["assigned"] += 1
        entry[{"done": "done", "skipped": "skipped"}.get(state, "open")] += 1
        entry["flagged"] += bool(flag)
    spans = (
        Span.objects.filter(article__project=project, gold=False, annotator__isnull=False)
        .filter(status=Span.Status.ACCEPTED)
        .values_list("annotator__username", "label__name")
        .annotate(n=Count("id"))
    )
    for name, label, n in spans:
        counts[name]["spans"][label] = n
    return [{"editor": name, **entry} for name, entry in sorted(counts.items())]


def flags(project: Project) -> list[dict[str, Any]]:
    rows = (
        Assignment.objects.filter(project=project)
        .exclude(flag_reason="")
        .select_related("annotator", "article")
        .order_by("-flagged_at")
    )
    return [
        {
            "article": row.article_id,
            "title": str(row.article),
            "editor": row.annotator.username,
            "reason": row.flag_reason,
            "at": row.flagged_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if row.flagged_at else None,
        }
        for row in rows
    ]


def decisions_per_hour(project: Project) -> list[dict[str, Any]]:
    """Span changes people made (decisions, drawings, edits, deletions) per hour, the
    last ``HOURS`` hours that had any, oldest first."""
    rows = (
        SpanEvent.objects.filter(article__project=project, actor__isnull=False)
        .annotate(hour=TruncHour("created_at"))
        .values("hour")
        .annotate(count=Count("id"))
        .order_by("-hour")[:HOURS]
    )
    return [
        {"hour": row["hour"].strftime("%Y-%m-%dT%H:00Z"), "count": row["count"]}
        for row in reversed(list(rows))
    ]


def tagger_quality(project: Project) -> list[dict[str, Any]]:
    """Per tagger version and label, from the editors' decisions on its suggestions:
    accepted as is, edited, rejected; and human spans drawn where it suggested nothing
    (counted for the tagger that pre-tagged the article)."""
    table: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {"accepted": 0, "edited": 0, "rejected": 0, "missed": 0}
    )
    editors = Span.objects.filter(article__project=project, gold=False, annotator__isnull=False)
    decided = (
        editors.filter(derived_from__isnull=False)
        .values_list("derived_from__tagger_version", "derived_from__label__name")
        .annotate(
            accepted=Count("id", filter=Q(status=Span.Status.ACCEPTED, origin=Span.Origin.MACHINE)),
            edited=Count("id", filter=Q(status=Span.Status.ACCEPTED, origin=Span.Origin.HUMAN)),
            rejected=Count("id", filter=Q(status=Span.Status.REJECTED)),
        )
    )
    for version, label, accepted, edited, rejected in decided:
        entry = table[version or "unknown", label]
        entry["accepted"] += accepted
        entry["edited"] += edited
        entry["rejected"] += rejected
    missed = (
        editors.filter(derived_from__isnull=True, status=Span.Status.ACCEPTED)
        .values_list("article__pretag_tagger", "label__name")
        .annotate(n=Count("id"))
    )
    for version, label, n in missed:
        table[version or "unknown", label]["missed"] += n
    out = []
    for (version, label), entry in sorted(table.items()):
        decided_count = entry["accepted"] + entry["edited"] + entry["rejected"]
        kept = entry["accepted"] + entry["edited"] + entry["missed"]
        out.append(
            {
                "tagger": version,
                "label": label,
                **entry,
                "decided": decided_count,
                "share_accepted": _share(entry["accepted"], decided_count),
                "share_edited": _share(entry["edited"], decided_count),
                "share_rejected": _share(entry["rejected"], decided_count),
                "share_missed": _share(entry["missed"], kept),
            }
        )
    return out


def project_quality(*, project: Project) -> dict[str, Any]:
    weeks = [
        {
            "week": week["week"],
            "labels": {
                name: {"f1_overlap": f["f1_overlap"], "alpha": f["alpha"]}
                for name, f in week["labels"].items()
            },
        }
        for week in agreement_by_week(project)
    ]
    return {
        "progress": progress(project),
        "flags": flags(project),
        "decisions_per_hour": decisions_per_hour(project),
        "agreement_by_week": weeks,
        "tagger": tagger_quality(project),
    }
