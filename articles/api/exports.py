"""Dataset exports: streamed downloads and frozen snapshots built in the background."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import exports
from articles.access import access_snapshot, reads_every_layer, role_in
from articles.api.pagination import PageQuery, page_of, paginated
from articles.api.serializers import (
    BODY_ERRORS,
    ERRORS,
    StrictInput,
    csv_list,
    error_response,
    id_field,
    validated,
)
from articles.errors import NotAllowed, NotFound
from articles.models import Project, Snapshot, Span
from articles.selectors import projects as project_selectors
from articles.selectors.articles import REVIEW_STATES
from articles.selectors.exports import (
    LAYER_EDITOR,
    ExportFilters,
    export_context,
    export_filters,
    export_labels,
    export_rows,
)
from articles.services.snapshots import snapshot_request
from articles.types import SignedInRequest, User

LAYER_HELP = (
    "auto (default: gold where an article has it, else every editor's accepted spans), "
    "gold, all (equal spans of every layer merged, listing their annotators) or "
    "editor:<username>. In a blind project an editor exports only their own layer."
)
EXPORT_TYPES = sorted({writer.content_type.split(";")[0] for writer in exports.WRITERS.values()})
FORMATS = list(exports.WRITERS)


class ExportQueryIn(StrictInput):
    """Export filters; lists are comma-separated in the query string."""

    format = serializers.ChoiceField(choices=FORMATS)
    status = serializers.CharField(
        required=False, help_text="accepted (default), rejected, suggested; comma-separated."
    )
    include_rejected = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Add rejected spans (negatives), marked as rejected in every format.",
    )
    labels = serializers.CharField(required=False, help_text="Label names, comma-separated.")
    annotator = serializers.CharField(required=False, help_text="Only this user's layer.")
    gold = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Only (or no) gold rows."
    )
    layer = serializers.CharField(required=False, help_text=LAYER_HELP)
    updated_since = serializers.DateTimeField(required=False)
    ids = serializers.CharField(required=False, help_text="Article ids, comma-separated.")
    review_state = serializers.ChoiceField(
        choices=REVIEW_STATES,
        required=False,
        help_text="Only articles in this review state: by reviewed_by, else by anyone"
        " (new: nobody has opened it).",
    )
    reviewed_by = serializers.CharField(
        required=False, help_text="Whose review state review_state means (a username)."
    )

    def validate_status(self, value: str) -> list[str]:
        statuses = csv_list(value)
        unknown = [s for s in statuses if s not in Span.Status.values]
        if unknown:
            raise serializers.ValidationError(f"Unknown status: {', '.join(unknown)}.")
        return statuses

    def validate_labels(self, value: str) -> list[str]:
        return csv_list(value)

    def validate_ids(self, value: str) -> list[int]:
        field = id_field()
        try:
            ids = [field.run_validation(item) for item in csv_list(value)]
        except serializers.ValidationError:
            ids = []
        if not ids:
            raise serializers.ValidationError("Give article ids as comma-separated integers.")
        return ids


class SnapshotIn(StrictInput):
    format = serializers.ChoiceField(choices=FORMATS)
    status = serializers.ListField(
        child=serializers.ChoiceField(choices=Span.Status.choices),
        required=False,
        help_text="Default: accepted.",
    )
    include_rejected = serializers.BooleanField(required=False, default=False)
    labels = serializers.ListField(child=serializers.CharField(), required=False)
    annotator = serializers.CharField(required=False)
    gold = serializers.BooleanField(required=False, allow_null=True, default=None)
    layer = serializers.CharField(required=False, help_text=LAYER_HELP)
    updated_since = serializers.DateTimeField(required=False)
    ids = serializers.ListField(child=id_field(), required=False)
    review_state = serializers.ChoiceField(choices=REVIEW_STATES, required=False)
    reviewed_by = serializers.CharField(required=False)


class SnapshotOut(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Snapshot
        fields = [
            "id",
            "project",
            "version",
            "format",
            "filters",
            "state",
            "progress",
            "article_count",
            "span_count",
            "size_bytes",
            "sha256",
            "error",
            "download_url",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, snapshot: Snapshot) -> str | None:
        if snapshot.state != Snapshot.State.DONE:
            return None
        path = f"/api/snapshots/{snapshot.pk}/download/"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


def _filters(project: Project, values: dict[str, Any], user: User) -> ExportFilters:
    layer = values.get("layer")
    if not reads_every_layer(project, role_in(user, project)):
        # A blind project's editor: their own layer (and the suggestions), nothing else.
        own = _own_layer(user)
        if layer not in (None, own) or values.get("annotator") not in (None, user.username):
            raise NotAllowed(
                "In a blind project editors export only their own layer.", field="layer"
            )
        layer = own
    return export_filters(
        project=project,
        statuses=values.get("status"),
        include_rejected=values.get("include_rejected", False),
        labels=values.get("labels"),
        annotator=values.get("annotator"),
        updated_since=values.get("updated_since"),
        article_ids=values.get("ids"),
        gold=values.get("gold"),
        review_state=values.get("review_state"),
        reviewed_by=values.get("reviewed_by"),
        layer=layer,
    )


class ExportView(APIView):
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
        + ". For `spacy`, spans off token boundaries are listed per record (`misaligned`)."
        " Every article carries its review state per annotator (`reviews`).",
    )
    def get(self, request: SignedInRequest, project_id: int) -> StreamingHttpResponse:
        project = project_selectors.project_get(user=request.user, project_id=project_id)
        values = validated(ExportQueryIn, request.query_params)
        filters = _filters(project, values, request.user)
        writer_class = exports.get_writer(values["format"])
        site_url = settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")
        writer = writer_class(
            labels=export_labels(project, filters),
            statuses=filters.statuses,
            context={
                **export_context(project, site_url=site_url),
                "label": project.name,
                "base_iri": request.build_absolute_uri("/api/"),
            },
        )
        rows = export_rows(
            project,
            filters,
            raw_spans=writer.raw_spans,
            details=writer.details,
            timed_attrs=writer.timed_attrs,
        )
        response = StreamingHttpResponse(
            writer.chunks(rows),
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
        parameters=[PageQuery],
        responses={200: page_of(SnapshotOut), **ERRORS},
        summary="The project's snapshots (cursor-paginated)",
    )
    def get(self, request: SignedInRequest, project_id: int) -> Response:
        validated(PageQuery, request.query_params)
        project = project_selectors.project_get(user=request.user, project_id=project_id)
        snapshots = Snapshot.objects.filter(project=project)
        if not reads_every_layer(project, role_in(request.user, project)):
            snapshots = snapshots.filter(filters__layer=_own_layer(request.user))
        return paginated(request, self, snapshots, _snapshot_out(request))

    @extend_schema(
        operation_id="project_snapshots_create",
        request=SnapshotIn,
        responses={202: SnapshotOut, **ERRORS, **BODY_ERRORS},
        summary="Freeze a versioned export file, built by a background worker",
    )
    def post(self, request: SignedInRequest, project_id: int) -> Response:
        project = project_selectors.project_get(user=request.user, project_id=project_id)
        values = validated(SnapshotIn, request.data)
        snapshot = snapshot_request(
            project=project,
            actor=request.user,
            format=values["format"],
            filters=_filters(project, values, request.user),
        )
        body = SnapshotOut(snapshot, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


def _snapshot_out(request: SignedInRequest) -> Any:
    def build(items: Any, many: bool = False) -> SnapshotOut:
        return SnapshotOut(items, many=many, context={"request": request})

    return build


def _own_layer(user: User) -> str:
    return f"{LAYER_EDITOR}{user.get_username()}"


def _snapshot_get(request: SignedInRequest, snapshot_id: int) -> Snapshot:
    snapshot, role = access_snapshot(request.user, snapshot_id)
    if not reads_every_layer(snapshot.project, role) and snapshot.filters.get(
        "layer"
    ) != _own_layer(request.user):
        # Frozen from other layers: to a blind project's editor, not there.
        raise NotFound("No such snapshot.")
    return snapshot


class SnapshotDetailView(APIView):
    @extend_schema(operation_id="snapshot_retrieve", responses={200: SnapshotOut, **ERRORS})
    def get(self, request: SignedInRequest, snapshot_id: int) -> Response:
        snapshot = _snapshot_get(request, snapshot_id)
        return Response(SnapshotOut(snapshot, context={"request": request}).data)


class SnapshotDownloadView(APIView):
    @extend_schema(
        operation_id="snapshot_download",
        responses={
            200: OpenApiResponse(OpenApiTypes.BINARY, description="The frozen file"),
            409: error_response('Not built yet: {"state": [...]}'),
            **ERRORS,
        },
        summary="The snapshot file, byte for byte (sha256 in X-Checksum-SHA256)",
    )
    def get(self, request: SignedInRequest, snapshot_id: int) -> FileResponse | Response:
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


urlpatterns = [
    path("projects/<int:project_id>/export/", ExportView.as_view(), name="api-export"),
    path(
        "projects/<int:project_id>/snapshots/",
        SnapshotListView.as_view(),
        name="api-project-snapshots",
    ),
    path("snapshots/<int:snapshot_id>/", SnapshotDetailView.as_view(), name="api-snapshot"),
    path(
        "snapshots/<int:snapshot_id>/download/",
        SnapshotDownloadView.as_view(),
        name="api-snapshot-download",
    ),
]
