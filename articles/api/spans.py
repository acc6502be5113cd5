"""Span editing: the editor's layer view, create, edit, decide, undo, bulk decisions, review.

Each view: validate the input → one service or selector call → serialize. Domain errors
(403 role, 400 offsets/overlap, 409 stale version) come from the services through the global
exception handler.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import services
from articles.api.permissions import require_role
from articles.api.serializers import (
    BulkDecisionIn,
    BulkDecisionOut,
    DecisionIn,
    ReviewIn,
    ReviewOut,
    SpanCreateIn,
    SpanLayerQuery,
    SpanOut,
    SpanUpdateIn,
    VersionQuery,
    validated,
)
from articles.models import Article, Label, Role
from articles.selectors import api as selectors

ERRORS = {
    400: OpenApiResponse(description="Invalid input: {field: [messages]}"),
    403: OpenApiResponse(description="Your role does not allow this"),
    404: OpenApiResponse(description="Not found (or not a member of the project)"),
}
CONFLICT = {409: OpenApiResponse(description='Stale version: {"version": [...], "current": span}')}


def _label(article: Article, name: str) -> Label:
    for label in article.project.labels.all():
        if label.name == name:
            return label
    raise ValidationError({"label": [f"No label named {name!r} in this project."]})


class ArticleSpansView(APIView):
    @extend_schema(
        operation_id="article_spans_list",
        parameters=[SpanLayerQuery],
        responses={200: SpanOut(many=True), **ERRORS},
        summary="Spans of one article as the editor shows them (not paginated)",
        description="`mine` (default): your layer plus the suggestions you have not decided; "
        "`suggestions`: every machine suggestion; `all`: every layer (reviewers and admins).",
    )
    def get(self, request: Request, article_id: int) -> Response:
        layer = validated(SpanLayerQuery, request.query_params)["layer"]
        article = selectors.article_get(user=request.user, article_id=article_id)
        if layer == "all":
            require_role(article, request.user, Role.REVIEWER, "see every layer")
        spans = selectors.article_spans(article=article, user=request.user, layer=layer)
        return Response(SpanOut(spans, many=True).data)

    @extend_schema(
        operation_id="article_spans_create",
        request=SpanCreateIn,
        responses={201: SpanOut, **ERRORS},
        summary="Draw a span in your layer (trimmed of surrounding whitespace)",
    )
    def post(self, request: Request, article_id: int) -> Response:
        article = selectors.article_get(user=request.user, article_id=article_id)
        values = validated(SpanCreateIn, request.data)
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


class SpanDetailView(APIView):
    @extend_schema(operation_id="span_retrieve", responses={200: SpanOut, **ERRORS})
    def get(self, request: Request, span_id: int) -> Response:
        return Response(SpanOut(selectors.span_get(user=request.user, span_id=span_id)).data)

    @extend_schema(
        operation_id="span_update",
        request=SpanUpdateIn,
        responses={200: SpanOut, **ERRORS, **CONFLICT},
        summary="Edit a span; editing a suggestion creates the row of your layer",
    )
    def patch(self, request: Request, span_id: int) -> Response:
        span = selectors.span_get(user=request.user, span_id=span_id)
        values = validated(SpanUpdateIn, request.data)
        label = _label(span.article, values["label"]) if "label" in values else None
        row = services.span_update(
            span=span,
            actor=request.user,
            version=values["version"],
            label=label,
            start=values.get("start"),
            end=values.get("end"),
            attrs=values.get("attrs"),
            note=values.get("note"),
            gold=values["gold"],
        )
        return Response(SpanOut(row).data)

    @extend_schema(
        operation_id="span_delete",
        parameters=[VersionQuery],
        responses={204: None, **ERRORS, **CONFLICT},
        summary="Undo: remove a row of your own layer",
    )
    def delete(self, request: Request, span_id: int) -> Response:
        version = validated(VersionQuery, request.query_params)["version"]
        span = selectors.span_get(user=request.user, span_id=span_id, with_text=False)
        services.span_delete(span=span, actor=request.user, version=version)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SpanDecisionView(APIView):
    @extend_schema(
        operation_id="span_decide",
        request=DecisionIn,
        responses={200: SpanOut, **ERRORS, **CONFLICT},
        summary="Accept or reject; on a suggestion this adds the decision row to your layer",
    )
    def post(self, request: Request, span_id: int) -> Response:
        values = validated(DecisionIn, request.data)
        span = selectors.span_get(user=request.user, span_id=span_id, with_text=False)
        row = services.span_decide(
            span=span,
            actor=request.user,
            decision=values["decision"],
            version=values.get("version"),
            gold=values["gold"],
        )
        return Response(SpanOut(row).data)


class BulkDecisionView(APIView):
    @extend_schema(
        operation_id="article_spans_bulk_decision",
        request=BulkDecisionIn,
        responses={200: BulkDecisionOut, **ERRORS},
        summary="Decide many of your undecided suggestions at once",
        description="Filters combine: `ids`, `label` (name), `min_confidence`, "
        "`max_confidence`. Overlapping accepts are skipped with a reason.",
    )
    def post(self, request: Request, article_id: int) -> Response:
        values = validated(BulkDecisionIn, request.data)
        article = selectors.article_get(user=request.user, article_id=article_id)
        if "label" in values:
            _label(article, values["label"])
        ids = values.get("ids")
        candidates = selectors.bulk_candidates(
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


class ReviewView(APIView):
    @extend_schema(
        operation_id="article_review_set",
        request=ReviewIn,
        responses={200: ReviewOut, **ERRORS},
        summary="Set your review state of the article",
    )
    def put(self, request: Request, article_id: int) -> Response:
        state = validated(ReviewIn, request.data)["state"]
        article = get_object_or_404(
            Article.objects.select_related("project").visible_to(request.user).defer("text"),
            pk=article_id,
        )
        review = services.review_set_state(article=article, actor=request.user, state=state)
        return Response(ReviewOut(review).data)
