"""Imports and pre-tagging over REST: one article, a file or URL, progress, re-runs.

Editors and admins of a project may import and re-run taggers; other members get 403,
outsiders 404. Bad input leaves as ``{field: [messages]}`` with 400 (413 for a too large
upload), and nothing of a failed import is stored.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.api.permissions import project_for, require_role
from articles.api.serializers import JsonObjectField
from articles.api.spans import ERRORS
from articles.models import ImportJob, Project, Role
from articles.selectors import api as selectors
from articles.services import imports as import_services
from articles.services import pretag as pretag_services

SPANS_AS_HELP = (
    "How spans in the records are kept: 'machine' (suggestions), 'human' (your layer) or 'ignore'."
)


class SpanIn(serializers.Serializer):
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=1)
    label = serializers.CharField()
    text = serializers.CharField(required=False, trim_whitespace=False)
    attrs = JsonObjectField(required=False)
    confidence = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=1)


class ArticleIn(serializers.Serializer):
    """The JSONL export's record shape."""

    id = serializers.JSONField(required=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)
    text = serializers.CharField(trim_whitespace=False)
    meta = JsonObjectField(required=False)
    source_url = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    author = serializers.CharField(required=False, allow_blank=True, max_length=300)
    published_at = serializers.DateField(required=False, allow_null=True)
    language = serializers.CharField(required=False, max_length=20)
    spans = SpanIn(many=True, required=False)
    spans_as = serializers.ChoiceField(
        choices=import_services.SPANS_AS, default="machine", help_text=SPANS_AS_HELP
    )


class ImportIn(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="JSONL, CSV, TXT, MD, HTML or ZIP.")
    url = serializers.URLField(required=False, help_text="A page to fetch and extract.")
    spans_as = serializers.ChoiceField(
        choices=import_services.SPANS_AS, default="machine", help_text=SPANS_AS_HELP
    )
    pretag = serializers.BooleanField(default=True)

    def validate(self, attrs: dict) -> dict:
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

    def get_pretag(self, job: ImportJob) -> dict[str, int]:
        return import_services.import_job_progress(job)

    def get_article_ids(self, job: ImportJob) -> list[int]:
        return list(job.articles.order_by("id").values_list("id", flat=True)[:1000])


class PretagIn(serializers.Serializer):
    tagger = serializers.CharField(
        required=False, allow_blank=True, help_text="Tagger name; default the project's."
    )


PretagOut = inline_serializer(
    "PretagQueued", fields={"queued": serializers.IntegerField(), "tagger": serializers.CharField()}
)
TOO_LARGE = {413: OpenApiResponse(description="The upload exceeds IMPORT_MAX_UPLOAD_BYTES")}


def _editable_project(request: Request, project_id: int) -> Project:
    return project_for(request, project_id, at_least=Role.EDITOR, action="import or pre-tag")


class ArticleCreateView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="project_article_create",
        request=ArticleIn,
        responses={201: ImportJobOut, 409: OpenApiResponse(description="Duplicate"), **ERRORS},
        summary="Add one article (JSON); pre-tagging is queued",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = _editable_project(request, project_id)
        body = ArticleIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(request.data)  # the raw record: offsets and text are checked by the service
        job = import_services.import_one(
            project=project, data=data, user=request.user, spans_as=body.validated_data["spans_as"]
        )
        if job.created_count == 0:
            duplicate = job.duplicates[0] if job.duplicates else {}
            return Response(
                {
                    "text": [f"The same text is already article {duplicate.get('article')}."],
                    "import_job": ImportJobOut(job).data,
                },
                status=409,
            )
        return Response(ImportJobOut(job).data, status=201)


class ImportCreateView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="project_import_create",
        request={"multipart/form-data": ImportIn, "application/json": ImportIn},
        responses={201: ImportJobOut, **ERRORS, **TOO_LARGE},
        summary="Import a file (JSONL, CSV, TXT, MD, HTML, ZIP) or a URL",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = _editable_project(request, project_id)
        body = ImportIn(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        if values.get("url"):
            job = import_services.import_url(project=project, url=values["url"], user=request.user)
        else:
            upload = values["file"]
            import_services.import_check_size(size=upload.size, name=upload.name)
            job = import_services.import_upload(
                project=project,
                name=upload.name,
                data=upload.read(),
                user=request.user,
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
    def get(self, request: Request, import_id: int) -> Response:
        jobs = ImportJob.objects.select_related("project")
        if not request.user.is_superuser:
            jobs = jobs.filter(Q(project__memberships__user=request.user))
        job = jobs.filter(pk=import_id).first()
        if job is None:
            raise Http404("No such import.")
        return Response(ImportJobOut(job).data)


class ProjectPretagView(APIView):
    @extend_schema(
        operation_id="project_pretag",
        request=PretagIn,
        responses={202: PretagOut, **ERRORS},
        summary="Re-run a tagger on every article (undecided suggestions are replaced)",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = _editable_project(request, project_id)
        body = PretagIn(data=request.data)
        body.is_valid(raise_exception=True)
        tagger = body.validated_data.get("tagger") or None
        queued = pretag_services.project_pretag(project=project, tagger=tagger)
        return Response({"queued": queued, "tagger": tagger or project.tagger_name}, status=202)


class ArticlePretagView(APIView):
    @extend_schema(
        operation_id="article_pretag",
        request=PretagIn,
        responses={202: PretagOut, **ERRORS},
        summary="Re-run a tagger on one article (undecided suggestions are replaced)",
    )
    def post(self, request: Request, article_id: int) -> Response:
        article = selectors.article_get(user=request.user, article_id=article_id)
        require_role(article, request.user, Role.EDITOR, "pre-tag")
        body = PretagIn(data=request.data)
        body.is_valid(raise_exception=True)
        tagger = body.validated_data.get("tagger") or None
        pretag_services.article_pretag_request(article=article, tagger=tagger)
        return Response({"queued": 1, "tagger": tagger or article.project.tagger_name}, status=202)
