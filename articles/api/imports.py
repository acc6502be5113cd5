"""``/api/projects/{id}/imports/`` and ``/api/imports/{id}/``: import a file or a URL, and
follow the import and the pre-tagging of its articles.

A file, sent as multipart or as a raw JSON Lines body (``Content-Type:
application/x-ndjson``, options in the query string), is stored as it arrives and imported
in the background: the answer is 202 with the pending job, whose ``url`` shows its progress
and then its result (a bad record: ``failed`` with the line and field in ``error``). A URL
is fetched and imported at once (201). Editors and admins of a project may import; other
members get 403, outsiders 404. Bad input leaves as ``{field: [messages]}`` with 400 (413
for a too large upload), and nothing of a failed import is stored.
"""

from __future__ import annotations

import io
from typing import IO, Any

from django.conf import settings
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import services
from articles.api.parsers import JsonParser
from articles.api.serializers import BODY_ERRORS, ERRORS, StrictInput, validated
from articles.models import ImportJob, ImportPhase, Role
from articles.selectors import imports as selectors
from articles.selectors import projects as project_selectors
from articles.services.import_jobs import import_store
from articles.services.imports import SPANS_AS, UploadTooLarge
from articles.types import SignedInRequest


class ImportIn(StrictInput):
    file = serializers.FileField(required=False, help_text="JSONL, CSV, TXT, MD, HTML or ZIP.")
    url = serializers.URLField(required=False, help_text="A page to fetch and extract.")
    spans_as = serializers.ChoiceField(
        choices=SPANS_AS,
        default="machine",
        help_text="How spans in the records are kept: 'machine' (suggestions), 'human' (your "
        "layer) or 'ignore'.",
    )
    pretag = serializers.BooleanField(default=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("file")) == bool(attrs.get("url")):
            raise serializers.ValidationError(
                {"file": ["Send either a file (multipart) or a url, not both or neither."]}
            )
        return attrs


JSON_LINES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines")
CHUNK_BYTES = 256 * 1024


class JsonLinesStreamParser(BaseParser):
    """Declares the raw JSON Lines body; the view streams it to storage and never asks DRF
    to parse it (parsing would read it whole)."""

    media_type = "application/x-ndjson"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raise AssertionError("a JSON Lines body is streamed by the view, not parsed")


class RawImportIn(StrictInput):
    name = serializers.CharField(
        default="upload.jsonl", max_length=500, help_text="File name shown on the job."
    )
    spans_as = serializers.ChoiceField(choices=SPANS_AS, default="machine")
    pretag = serializers.BooleanField(default=True)


class _LimitedBody:
    """The request body as a file, read in chunks, refused once past the upload limit (a
    chunked body has no Content-Length for the middleware to check)."""

    def __init__(self, stream: IO[bytes], name: str) -> None:
        self.stream, self.name, self.read_bytes = stream, name, 0

    def read(self, size: int = CHUNK_BYTES) -> bytes:
        chunk = self.stream.read(CHUNK_BYTES if size is None or size < 0 else size)
        self.read_bytes += len(chunk)
        if self.read_bytes > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise UploadTooLarge(
                f"{self.name} has more than {settings.IMPORT_MAX_UPLOAD_BYTES} bytes; the "
                "limit is IMPORT_MAX_UPLOAD_BYTES.",
                field="file",
            )
        return chunk


class ImportJobOut(serializers.ModelSerializer):
    pretag = serializers.SerializerMethodField(
        help_text="Counts of this import's articles per pre-tag state."
    )
    article_ids = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="Where to follow this import.")
    # Blank before the job starts and after it ends; declared, because a read-only model
    # field loses its allow_blank and the schema would then refuse "".
    phase = serializers.ChoiceField(
        choices=ImportPhase.choices,
        allow_blank=True,
        read_only=True,
        help_text="What a running job does: validating, then writing; blank otherwise.",
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "url",
            "project",
            "source",
            "state",
            "phase",
            "processed",
            "total",
            "size",
            "created_count",
            "duplicate_count",
            "duplicates",
            "error",
            "error_field",
            "error_line",
            "created_at",
            "finished_at",
            "pretag",
            "article_ids",
        ]
        read_only_fields = fields

    def get_pretag(self, job: ImportJob) -> dict[str, int]:
        return selectors.import_progress(job)

    def get_article_ids(self, job: ImportJob) -> list[int]:
        return selectors.import_article_ids(job)

    def get_url(self, job: ImportJob) -> str:
        return reverse("api-import", args=[job.pk])


class ImportCreateView(APIView):
    parser_classes = [MultiPartParser, JsonParser, JsonLinesStreamParser]

    @extend_schema(
        operation_id="project_import_create",
        request={
            "multipart/form-data": ImportIn,
            "application/json": ImportIn,
            "application/x-ndjson": OpenApiTypes.BINARY,
        },
        parameters=[
            OpenApiParameter(
                "name", str, description="With a JSON Lines body: the file name on the job."
            ),
            OpenApiParameter("spans_as", str, enum=SPANS_AS, description="With a JSON Lines body."),
            OpenApiParameter("pretag", bool, description="With a JSON Lines body."),
        ],
        responses={201: ImportJobOut, 202: ImportJobOut, **ERRORS, **BODY_ERRORS},
        summary="Import a file (JSONL, CSV, TXT, MD, HTML, ZIP) in the background, or a URL",
    )
    def post(self, request: SignedInRequest, project_id: int) -> Response:
        project = project_selectors.project_get(
            user=request.user,
            project_id=project_id,
            at_least=Role.EDITOR,
            action="import articles",
        )
        if request.content_type.split(";")[0].strip().lower() in JSON_LINES:
            options = validated(RawImportIn, request.query_params)
            job = import_store(
                project=project,
                actor=request.user,
                name=options["name"],
                content=_LimitedBody(request.stream or io.BytesIO(), options["name"]),
                spans_as=options["spans_as"],
                pretag=options["pretag"],
            )
            return Response(ImportJobOut(job).data, status=202)
        values = validated(ImportIn, request.data)
        if values.get("url"):
            job = services.import_url(project=project, url=values["url"], actor=request.user)
            return Response(ImportJobOut(job).data, status=201)
        upload = values["file"]
        job = import_store(
            project=project,
            actor=request.user,
            name=upload.name,
            content=upload,
            spans_as=values["spans_as"],
            pretag=values["pretag"],
        )
        return Response(ImportJobOut(job).data, status=202)


class ImportDetailView(APIView):
    @extend_schema(
        operation_id="import_retrieve",
        responses={200: ImportJobOut, **ERRORS},
        summary="An import and the pre-tagging progress of its articles",
    )
    def get(self, request: SignedInRequest, import_id: int) -> Response:
        job = selectors.import_get(user=request.user, import_id=import_id)
        return Response(ImportJobOut(job).data)


urlpatterns = [
    path(
        "projects/<int:project_id>/imports/",
        ImportCreateView.as_view(),
        name="api-project-import",
    ),
    path("imports/<int:import_id>/", ImportDetailView.as_view(), name="api-import"),
]
