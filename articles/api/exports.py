"""Dataset exports: streamed downloads and frozen snapshots built in the background."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import exports
from articles.api.pagination import paginated
from articles.api.permissions import project_for
from articles.api.serializers import ExportQueryIn, SnapshotIn, SnapshotOut, validated
from articles.api.spans import ERRORS
from articles.models import Project, Snapshot, Span
from articles.selectors import api as selectors
from articles.selectors.exports import ExportFilters, export_labels, export_rows
from articles.services.snapshots import snapshot_request

EXPORT_TYPES = sorted({writer.content_type.split(";")[0] for writer in exports.WRITERS.values()})


class IgnoreFormatParameter(DefaultContentNegotiation):
    """``?format=`` names the export format here, not a DRF renderer."""

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        return renderers[0], renderers[0].media_type


def export_filters(project: Project, values: dict[str, Any]) -> ExportFilters:
    """The filters of an export or snapshot request; names must exist (400 otherwise).

    An unknown label or annotator would silently export nothing, which looks like an empty
    dataset rather than a typo.
    """
    errors: dict[str, list[str]] = {}
    known = set(project.labels.values_list("name", flat=True))
    unknown = [name for name in values.get("labels") or () if name not in known]
    if unknown:
        errors["labels"] = [f"No label named {', '.join(unknown)} in this project."]
    annotator = values.get("annotator")
    if annotator and not get_user_model().objects.filter(username=annotator).exists():
        errors["annotator"] = [f"No user named {annotator!r}."]
    if errors:
        raise ValidationError(errors)
    statuses = list(values.get("status") or [Span.Status.ACCEPTED])
    if values.get("include_rejected") and Span.Status.REJECTED not in statuses:
        statuses.append(Span.Status.REJECTED)
    return ExportFilters(
        statuses=tuple(statuses),
        labels=tuple(values.get("labels") or ()),
        annotator=values.get("annotator") or None,
        updated_since=values.get("updated_since"),
        article_ids=tuple(values.get("ids") or ()),
        gold=values.get("gold"),
    )


class ExportView(APIView):
    content_negotiation_class = IgnoreFormatParameter

    @extend_schema(
        operation_id="project_export",
        parameters=[ExportQueryIn],
        responses={
            **{(200, media): OpenApiTypes.BINARY for media in EXPORT_TYPES},
            **ERRORS,
        },
        summary="Stream the project's dataset in one format",
        description="Streams with constant memory. Formats: "
        + "; ".join(f"`{w.name}`: {w.description}" for w in exports.WRITERS.values())
        + ". For `spacy`, spans off token boundaries are listed per record (`misaligned`).",
    )
    def get(self, request: Request, project_id: int) -> StreamingHttpResponse:
        project = project_for(request, project_id)
        values = validated(ExportQueryIn, request.query_params)
        filters = export_filters(project, values)
        writer_class = exports.get_writer(values["format"])
        writer = writer_class(
            labels=export_labels(project, filters),
            context={
                "project_id": project.pk,
                "label": project.name,
                "base_iri": request.build_absolute_uri("/api/"),
            },
        )
        response = StreamingHttpResponse(
            writer.chunks(export_rows(project, filters, raw_spans=writer.raw_spans)),
            content_type=writer.content_type,
        )
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        filename = f"project-{project.pk}-{stamp}.{writer.extension}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response


class SnapshotListView(APIView):
    @extend_schema(
        operation_id="project_snapshots_list",
        responses={200: SnapshotOut(many=True), **ERRORS},
    )
    def get(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        return paginated(
            request, self, Snapshot.objects.filter(project=project), _snapshot_out(request)
        )

    @extend_schema(
        operation_id="project_snapshots_create",
        request=SnapshotIn,
        responses={202: SnapshotOut, **ERRORS},
        summary="Freeze a versioned export file, built by a background worker",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        values = validated(SnapshotIn, request.data)
        snapshot = snapshot_request(
            project=project,
            actor=request.user,
            format=values["format"],
            filters=export_filters(project, values),
        )
        body = SnapshotOut(snapshot, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


def _snapshot_out(request: Request) -> Any:
    def build(items: Any, many: bool = False) -> SnapshotOut:
        return SnapshotOut(items, many=many, context={"request": request})

    return build


def _snapshot_get(request: Request, snapshot_id: int) -> Snapshot:
    visible = selectors.project_list(user=request.user).values("pk")
    snapshot = Snapshot.objects.filter(pk=snapshot_id, project__in=visible).first()
    if snapshot is None:
        raise Http404("No such snapshot.")
    return snapshot


class SnapshotDetailView(APIView):
    @extend_schema(operation_id="snapshot_retrieve", responses={200: SnapshotOut, **ERRORS})
    def get(self, request: Request, snapshot_id: int) -> Response:
        snapshot = _snapshot_get(request, snapshot_id)
        return Response(SnapshotOut(snapshot, context={"request": request}).data)


class SnapshotDownloadView(APIView):
    content_negotiation_class = IgnoreFormatParameter

    @extend_schema(
        operation_id="snapshot_download",
        responses={
            200: OpenApiResponse(OpenApiTypes.BINARY, description="The frozen file"),
            409: OpenApiResponse(description="Not built yet"),
            **ERRORS,
        },
        summary="The snapshot file, byte for byte (sha256 in X-Checksum-SHA256)",
    )
    def get(self, request: Request, snapshot_id: int) -> FileResponse | Response:
        snapshot = _snapshot_get(request, snapshot_id)
        if snapshot.state != Snapshot.State.DONE or not snapshot.file:
            return Response(
                {"state": [f"The snapshot is {snapshot.state}, not ready for download."]},
                status=status.HTTP_409_CONFLICT,
            )
        writer = exports.get_writer(snapshot.format)
        response = FileResponse(
            snapshot.file.open("rb"),
            as_attachment=True,
            filename=f"project-{snapshot.project_id}-v{snapshot.version}.{writer.extension}",
            content_type=writer.content_type,
        )
        response["X-Checksum-SHA256"] = snapshot.sha256
        return response
