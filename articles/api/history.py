"""``/api/projects/{id}/history/``: the audit trail (reviewers and admins), filterable by
article, span, person, action and time; ``…/history/export/?format=csv|jsonl`` downloads it.
History is read-only: there is no write here, nor anywhere."""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.api.pagination import PageQuery, paginated
from articles.api.serializers import ERRORS, StrictInput, id_field, validated
from articles.models import Project, Role, SpanEvent
from articles.selectors import projects as project_selectors
from articles.selectors.history import (
    HistoryFilters,
    event_row,
    history_csv,
    history_events,
    history_jsonl,
)
from articles.types import SignedInRequest


class HistoryFilterIn(StrictInput):
    article = id_field(required=False)
    span = id_field(required=False, help_text="Span id (kept after a deletion).")
    actor = serializers.CharField(required=False, help_text="Username.")
    action = serializers.ChoiceField(choices=SpanEvent.Action.choices, required=False)
    since = serializers.DateTimeField(required=False, help_text="From this time (inclusive).")
    until = serializers.DateTimeField(required=False, help_text="Before this time.")


class HistoryQueryIn(HistoryFilterIn, PageQuery):
    """The filters and the page."""


class HistoryExportIn(HistoryFilterIn):
    format = serializers.ChoiceField(choices=["csv", "jsonl"])


class HistoryOut(serializers.BaseSerializer):
    def to_representation(self, instance: SpanEvent) -> dict[str, Any]:
        return event_row(instance)


def history_filters(values: dict[str, Any]) -> HistoryFilters:
    return HistoryFilters(**{k: v for k, v in values.items() if k in HistoryFilterIn().fields})


def _project(request: SignedInRequest, project_id: int) -> Project:
    return project_selectors.project_get(
        user=request.user,
        project_id=project_id,
        at_least=Role.REVIEWER,
        action="read the audit trail (reviewers)",
    )


class HistoryView(APIView):
    @extend_schema(
        operation_id="project_history",
        parameters=[HistoryQueryIn],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
        summary="The audit trail: who, when, what, before and after (cursor-paginated)",
    )
    def get(self, request: SignedInRequest, project_id: int) -> Response:
        project = _project(request, project_id)
        filters = history_filters(validated(HistoryQueryIn, request.query_params))
        events = history_events(project=project, filters=filters)
        return paginated(request, self, events, HistoryOut)


class HistoryExportView(APIView):
    @extend_schema(
        operation_id="project_history_export",
        parameters=[HistoryExportIn],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, "application/jsonl"): OpenApiTypes.BINARY,
            **ERRORS,
        },
        summary="Download the audit trail as CSV or JSON Lines (streamed)",
    )
    def get(self, request: SignedInRequest, project_id: int) -> StreamingHttpResponse:
        project = _project(request, project_id)
        values = validated(HistoryExportIn, request.query_params)
        events = history_events(project=project, filters=history_filters(values))
        csv_wanted = values["format"] == "csv"
        response = StreamingHttpResponse(
            history_csv(events) if csv_wanted else history_jsonl(events),
            content_type="text/csv; charset=utf-8"
            if csv_wanted
            else "application/jsonl; charset=utf-8",
        )
        name = f"project-{project.pk}-history.{values['format']}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response


urlpatterns = [
    path("projects/<int:project_id>/history/", HistoryView.as_view(), name="api-history"),
    path(
        "projects/<int:project_id>/history/export/",
        HistoryExportView.as_view(),
        name="api-history-export",
    ),
]
