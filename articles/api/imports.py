"""``/api/projects/{id}/imports/`` and ``/api/imports/{id}/``: import a file or a URL, and
follow the import and the pre-tagging of its articles.

Editors and admins of a project may import; other members get 403, outsiders 404. Bad input
leaves as ``{field: [messages]}`` with 400 (413 for a too large upload), and nothing of a
failed import is stored.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import services
from articles.api.parsers import JsonParser
from articles.api.serializers import BODY_ERRORS, ERRORS, StrictInput, validated
from articles.models import ImportJob, Role
from articles.selectors import imports as selectors
from articles.selectors import projects as project_selectors
from articles.services.imports import SPANS_AS, import_check_size
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


class ImportJobOut(serializers.ModelSerializer):
    pretag = serializers.SerializerMethodField(
        help_text="Counts of this import's articles per pre-tag state."
    )
    article_ids = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "project",
            "source",
            "state",
            "total",
            "created_count",
            "duplicate_count",
            "duplicates",
            "error",
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


class ImportCreateView(APIView):
    parser_classes = [MultiPartParser, JsonParser]

    @extend_schema(
        operation_id="project_import_create",
        request={"multipart/form-data": ImportIn, "application/json": ImportIn},
        responses={201: ImportJobOut, **ERRORS, **BODY_ERRORS},
        summary="Import a file (JSONL, CSV, TXT, MD, HTML, ZIP) or a URL",
    )
    def post(self, request: SignedInRequest, project_id: int) -> Response:
        project = project_selectors.project_get(
            user=request.user,
            project_id=project_id,
            at_least=Role.EDITOR,
            action="import articles",
        )
        values = validated(ImportIn, request.data)
        if values.get("url"):
            job = services.import_url(project=project, url=values["url"], actor=request.user)
        else:
            upload = values["file"]
            import_check_size(size=upload.size, name=upload.name)
            job = services.import_upload(
                project=project,
                name=upload.name,
                data=upload.read(),
                actor=request.user,
                spans_as=values["spans_as"],
                pretag=values["pretag"],
            )
        return Response(ImportJobOut(job).data, status=201)


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
