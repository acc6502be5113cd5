"""``/api/articles/``: articles, their spans as the editor shows them, bulk decisions, your
review state and tagger re-runs; and ``/api/projects/{id}/articles/`` to add one article.

Each view: validate the input → one service or selector call → serialize. Domain errors
(403 role, 400 offsets/overlap, 409 stale version) come from the services through the global
exception handler.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import services
from articles.api.imports import ImportJobOut
from articles.api.pagination import PageQuery, page_of, paginated
from articles.api.serializers import (
    BODY_ERRORS,
    DATE,
    ERRORS,
    JsonObjectField,
    LabelOut,
    PretagIn,
    PretagOut,
    SpanOut,
    StrictInput,
    error_response,
    id_field,
    timestamp,
    validated,
)
from articles.errors import DomainError
from articles.models import Article, Label, Review, Role, Span
from articles.selectors import articles as selectors
from articles.selectors import projects as project_selectors
from articles.selectors import spans as span_selectors
from articles.services.imports import SPANS_AS
from articles.services.pretag import article_pretag_request
from articles.types import SignedInRequest

# Your review state of an article: "new" until you set one (a Review row holds only the other
# two, and PUT .../review/ takes only those). Named apart from the stored states in the
# schema (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]), or the two would share one enum.
REVIEW_CHOICES = ["new", "in_progress", "done"]


class ArticleListOut(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    review_state = serializers.SerializerMethodField()
    # Not a URLField: an article imported from a file has no URL, and "" is no URI.
    source_url = serializers.CharField(
        read_only=True, help_text="The page the article came from; empty when unknown."
    )

    class Meta:
        model = Article
        fields = [
            "id",
            "project",
            "title",
            "source_url",
            "author",
            "published_at",
            "language",
            "meta",
            "pretag_state",
            "review_state",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=REVIEW_CHOICES))
    def get_review_state(self, article: Article) -> str:
        return getattr(article, "my_review", None) or "new"

    def to_representation(self, instance: Article) -> dict[str, Any]:
        # What the declared and model fields give (pinned by a test), without building them
        # from the model on every response.
        return {
            "id": instance.pk,
            "project": instance.project_id,
            "title": instance.title,
            "source_url": instance.source_url,
            "author": instance.author,
            "published_at": _date(instance.published_at),
            "language": instance.language,
            "meta": instance.meta,
            "pretag_state": str(instance.pretag_state),
            "review_state": self.get_review_state(instance),
            "created_at": timestamp(instance.created_at),
            "updated_at": timestamp(instance.updated_at),
        }


def _date(value: date | None) -> str | None:
    return None if value is None else DATE.to_representation(value)


def _timestamp(value: datetime | None) -> str | None:
    return None if value is None else timestamp(value)


class ArticleOut(ArticleListOut):
    labels = serializers.SerializerMethodField()

    class Meta(ArticleListOut.Meta):
        fields = [
            *ArticleListOut.Meta.fields,
            "text",
            "pretag_error",
            "pretag_tagger",
            "pretagged_at",
            "labels",
        ]
        read_only_fields = fields

    @extend_schema_field(LabelOut(many=True))
    def get_labels(self, article: Article) -> Any:
        return LabelOut(article.project.labels.all(), many=True).data

    def to_representation(self, instance: Article) -> dict[str, Any]:
        return {
            **super().to_representation(instance),
            "text": instance.text,
            "pretag_error": instance.pretag_error,
            "pretag_tagger": instance.pretag_tagger,
            "pretagged_at": _timestamp(instance.pretagged_at),
            "labels": self.get_labels(instance),
        }


class ArticleFilterIn(PageQuery):
    project = id_field(required=False)
    review_state = serializers.ChoiceField(choices=REVIEW_CHOICES, required=False)
    pretag_state = serializers.ChoiceField(choices=Article.PretagState.choices, required=False)
    q = serializers.CharField(required=False, help_text="Text search in title and body.")
    updated_since = serializers.DateTimeField(required=False)


class ArticleListView(APIView):
    @extend_schema(
        operation_id="articles_list",
        parameters=[ArticleFilterIn],
        responses={200: page_of(ArticleListOut), **ERRORS},
        summary="Articles of your projects (cursor-paginated)",
    )
    def get(self, request: SignedInRequest) -> Response:
        values = validated(ArticleFilterIn, request.query_params)
        articles = selectors.article_list(
            user=request.user,
            project_id=values.get("project"),
            review_state=values.get("review_state"),
            pretag_state=values.get("pretag_state"),
            search=values.get("q"),
            updated_since=values.get("updated_since"),
        )
        return paginated(request, self, articles, ArticleListOut)


class ArticleDetailView(APIView):
    @extend_schema(
        operation_id="article_retrieve",
        responses={200: ArticleOut, **ERRORS},
        summary="One article with its text and the project's labels",
    )
    def get(self, request: SignedInRequest, article_id: int) -> Response:
        article = selectors.article_get(user=request.user, article_id=article_id)
        return Response(ArticleOut(article).data)


def _label(article: Article, name: str) -> Label:
    for label in article.project.labels.all():
        if label.name == name:
            return label
    raise DomainError(f"No label named {name!r} in this project.", field="label")


class SpanLayerQuery(StrictInput):
    layer = serializers.ChoiceField(
        choices=["mine", "all", "suggestions"], required=False, default="mine"
    )


class SpanCreateIn(StrictInput):
    label = serializers.CharField(max_length=50)  # type: ignore[assignment]  # a field named like Field.label
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=0)
    attrs = JsonObjectField(required=False, default=dict)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    gold = serializers.BooleanField(required=False, default=False)


class ArticleSpansView(APIView):
    @extend_schema(
        operation_id="article_spans_list",
        parameters=[SpanLayerQuery],
        responses={200: SpanOut(many=True), **ERRORS},
        summary="Spans of one article as the editor shows them (not paginated)",
        description="`mine` (default): your layer plus the suggestions you have not decided; "
        "`suggestions`: every machine suggestion; `all`: every layer (reviewers and admins).",
    )
    def get(self, request: SignedInRequest, article_id: int) -> Response:
        layer = validated(SpanLayerQuery, request.query_params)["layer"]
        article = selectors.article_get(
            user=request.user,
            article_id=article_id,
            at_least=Role.REVIEWER if layer == "all" else Role.VIEWER,
            action="see every layer",
            with_text=False,
        )
        spans = span_selectors.article_spans(article=article, user=request.user, layer=layer)
        return Response(SpanOut(spans, many=True).data)

    @extend_schema(
        operation_id="article_spans_create",
        request=SpanCreateIn,
        responses={201: SpanOut, **ERRORS, **BODY_ERRORS},
        summary="Draw a span in your layer (trimmed of surrounding whitespace)",
    )
    def post(self, request: SignedInRequest, article_id: int) -> Response:
        values = validated(SpanCreateIn, request.data)
        article = selectors.article_get(
            user=request.user,
            article_id=article_id,
            at_least=Role.REVIEWER if values["gold"] else Role.EDITOR,
            action="edit the gold layer" if values["gold"] else "edit spans",
        )
        span = services.span_create(
            article=article,
            label=_label(article, values["label"]),
            start=values["start"],
            end=values["end"],
            attrs=values["attrs"],
            note=values["note"],
            gold=values["gold"],
            actor=request.user,
        )
        return Response(SpanOut(span).data, status=status.HTTP_201_CREATED)


class BulkDecisionIn(StrictInput):
    decision = serializers.ChoiceField(choices=["accept", "reject"])
    ids = serializers.ListField(child=id_field(), required=False, max_length=10_000)
    label = serializers.CharField(max_length=50, required=False)  # type: ignore[assignment]  # a field named like Field.label
    min_confidence = serializers.FloatField(min_value=0.0, max_value=1.0, required=False)
    max_confidence = serializers.FloatField(min_value=0.0, max_value=1.0, required=False)


class SkippedOut(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()


class BulkDecisionOut(serializers.Serializer):
    decided = SpanOut(many=True)
    skipped = SkippedOut(many=True)


class BulkDecisionView(APIView):
    @extend_schema(
        operation_id="article_spans_bulk_decision",
        request=BulkDecisionIn,
        responses={200: BulkDecisionOut, **ERRORS, **BODY_ERRORS},
        summary="Decide many of your undecided suggestions at once",
        description="Filters combine: `ids`, `label` (name), `min_confidence`, "
        "`max_confidence`. Overlapping accepts are skipped with a reason.",
    )
    def post(self, request: SignedInRequest, article_id: int) -> Response:
        values = validated(BulkDecisionIn, request.data)
        article = selectors.article_get(
            user=request.user, article_id=article_id, at_least=Role.EDITOR, action="edit spans"
        )
        if "label" in values:
            _label(article, values["label"])
        ids = values.get("ids")
        candidates = span_selectors.bulk_candidates(
            article=article,
            user=request.user,
            ids=ids,
            label=values.get("label"),
            min_confidence=values.get("min_confidence"),
            max_confidence=values.get("max_confidence"),
        )
        decided, skipped = services.spans_bulk_decide(
            spans=candidates, actor=request.user, decision=values["decision"]
        )
        skipped_out = [{"id": span.pk, "reason": reason} for span, reason in skipped]
        if ids is not None:
            found = {span.pk for span in candidates}
            skipped_out += [
                {"id": pk, "reason": "not an undecided suggestion of this article"}
                for pk in dict.fromkeys(ids)
                if pk not in found
            ]
        return Response({"decided": SpanOut(decided, many=True).data, "skipped": skipped_out})


class ReviewIn(StrictInput):
    state = serializers.ChoiceField(choices=Review.State.choices)


class ReviewOut(serializers.ModelSerializer):
    article = serializers.IntegerField(source="article_id", read_only=True)

    class Meta:
        model = Review
        fields = ["article", "state", "updated_at"]
        read_only_fields = fields


class ReviewView(APIView):
    @extend_schema(
        operation_id="article_review_set",
        request=ReviewIn,
        responses={200: ReviewOut, **ERRORS, **BODY_ERRORS},
        summary="Set your review state of the article",
    )
    def put(self, request: SignedInRequest, article_id: int) -> Response:
        state = validated(ReviewIn, request.data)["state"]
        article = selectors.article_get(
            user=request.user,
            article_id=article_id,
            at_least=Role.EDITOR,
            action="review its articles",
            with_text=False,
        )
        review = services.review_set_state(article=article, actor=request.user, state=state)
        return Response(ReviewOut(review).data)


class ArticlePretagView(APIView):
    @extend_schema(
        operation_id="article_pretag",
        request=PretagIn,
        responses={202: PretagOut, **ERRORS, **BODY_ERRORS},
        summary="Re-run a tagger on one article (undecided suggestions are replaced)",
    )
    def post(self, request: SignedInRequest, article_id: int) -> Response:
        article = selectors.article_get(
            user=request.user, article_id=article_id, at_least=Role.EDITOR, action="pre-tag"
        )
        tagger = validated(PretagIn, request.data).get("tagger") or None
        article_pretag_request(article=article, actor=request.user, tagger=tagger)
        return Response({"queued": 1, "tagger": tagger or article.project.tagger_name}, status=202)


def _from_export(field: serializers.Field) -> serializers.Field:
    field.help_text = "Written by the JSONL export; accepted and ignored here."
    return field


class SpanIn(StrictInput):
    """A span of the JSONL record: the keys the export writes, so an exported record posts
    back as it is."""

    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=1)
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    text = serializers.CharField(required=False, trim_whitespace=False)
    attrs = JsonObjectField(required=False)
    confidence = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=1)
    tagger_version = serializers.CharField(required=False, allow_blank=True, max_length=100)
    note = serializers.CharField(required=False, allow_blank=True)
    id = _from_export(serializers.IntegerField(required=False))
    origin = _from_export(serializers.ChoiceField(choices=Span.Origin.choices, required=False))
    status = _from_export(serializers.ChoiceField(choices=Span.Status.choices, required=False))
    annotator = _from_export(serializers.CharField(required=False, allow_null=True))
    updated_at = _from_export(serializers.DateTimeField(required=False))


class ArticleIn(StrictInput):
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
        choices=SPANS_AS,
        default="machine",
        help_text="How spans in the record are kept: 'machine' (suggestions), 'human' (your "
        "layer) or 'ignore'.",
    )


ArticleCreatedOut = inline_serializer(
    "ArticleCreated", fields={"article": ArticleOut(), "import_job": ImportJobOut()}
)


class ArticleCreateView(APIView):
    @extend_schema(
        operation_id="project_article_create",
        request=ArticleIn,
        responses={
            201: ArticleCreatedOut,
            409: error_response("The same text is already an article of the project"),
            **ERRORS,
            **BODY_ERRORS,
        },
        summary="Add one article (JSON): answers with the article and its import job; "
        "pre-tagging is queued",
    )
    def post(self, request: SignedInRequest, project_id: int) -> Response:
        project = project_selectors.project_get(
            user=request.user,
            project_id=project_id,
            at_least=Role.EDITOR,
            action="import articles",
        )
        values = dict(validated(ArticleIn, request.data))
        spans_as = values.pop("spans_as")
        job = services.import_one(
            project=project, data=values, actor=request.user, spans_as=spans_as
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
        article = selectors.article_get(user=request.user, article_id=job.articles.get().pk)
        return Response(
            {"article": ArticleOut(article).data, "import_job": ImportJobOut(job).data}, status=201
        )


urlpatterns = [
    path("articles/", ArticleListView.as_view(), name="api-article-list"),
    path("articles/<int:article_id>/", ArticleDetailView.as_view(), name="api-article"),
    path(
        "articles/<int:article_id>/spans/",
        ArticleSpansView.as_view(),
        name="api-article-spans",
    ),
    path(
        "articles/<int:article_id>/spans/bulk-decision/",
        BulkDecisionView.as_view(),
        name="api-article-bulk-decision",
    ),
    path("articles/<int:article_id>/review/", ReviewView.as_view(), name="api-review"),
    path(
        "articles/<int:article_id>/pretag/",
        ArticlePretagView.as_view(),
        name="api-article-pretag",
    ),
    path(
        "projects/<int:project_id>/articles/",
        ArticleCreateView.as_view(),
        name="api-project-article-create",
    ),
]
