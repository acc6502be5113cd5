"""The stats page: the API's figures as server-drawn SVG charts and tables."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from articles import charts
from articles.models import Role
from articles.selectors import projects as project_selectors
from articles.selectors.quality import project_quality
from articles.types import SignedInHttpRequest

PROGRESS = (("done", "#15803d"), ("open", "#2563eb"), ("skipped", "#9ca3af"))
QUALITY = (
    ("accepted", "#15803d"),
    ("edited", "#b45309"),
    ("rejected", "#b91c1c"),
    ("missed", "#6b7280"),
)


def _charts(stats: dict[str, Any], colours: dict[str, str]) -> dict[str, Any]:
    weeks = stats["agreement_by_week"]
    names = sorted({name for week in weeks for name in week["labels"]})
    return {
        "progress": charts.stacked_bars(
            [(row["editor"], [(n, row[n], c) for n, c in PROGRESS]) for row in stats["progress"]],
            "Assignments per editor: done, open, skipped",
        ),
        "hours": charts.columns(
            [(p["hour"].replace("T", " "), p["count"]) for p in stats["decisions_per_hour"]],
            "Span changes per hour",
        ),
        "agreement": charts.lines(
            [week["week"] for week in weeks],
            [
                (
                    name,
                    [week["labels"].get(name, {}).get("f1_overlap") for week in weeks],
                    colours.get(name, "#6b7280"),
                )
                for name in names
            ],
            "Overlap F1 per label by week",
        ),
        "tagger": charts.stacked_bars(
            [
                (f"{row['label']} {row['tagger']}", [(n, row[n], c) for n, c in QUALITY])
                for row in stats["tagger"]
            ],
            "Machine suggestions: accepted, edited, rejected; human spans it missed",
        ),
    }


def _legend(entries: tuple[tuple[str, str], ...]) -> list[tuple[str, Any]]:
    return [(name, charts.swatch(colour)) for name, colour in entries]


@login_required
@require_safe
def stats_page(request: SignedInHttpRequest, project_id: int) -> HttpResponse:
    project = project_selectors.project_get(
        user=request.user,
        project_id=project_id,
        at_least=Role.REVIEWER,
        action="see its stats (reviewers)",
    )
    stats = project_quality(project=project)
    colours = dict(project.labels.values_list("name", "color"))
    return render(
        request,
        "articles/stats/stats.html",
        {
            "project": project,
            "stats": stats,
            "charts": _charts(stats, colours),
            "progress_legend": _legend(PROGRESS),
            "quality_legend": _legend(QUALITY),
            "label_colours": _legend(tuple(sorted(colours.items()))),
        },
    )
