"""``/api/spans/``: spans across your projects, one span (edit, undo), decisions."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import services
from articles.api.pagination import ByArticle, PageQuery, page_of, paginated
from articles.api.serializers import (
    BODY_ERRORS,
    CONFLICT,
    ERRORS,
    JsonObjectField,
    SpanOut,
    StrictInput,
    csv_list,
    id_field,
    validated,
)
from articles.errors import DomainError
from articles.models import Label, Span
from articles.selectors import spans as selectors
from articles.types import SignedInRequest


class SpanFilterIn(PageQuery):
    project = id_field(required=False)
    article = id_field(required=False)
    label = serializers.CharField(required=False, help_text="Label name; comma-separated.")  # type: ignore[assignment]  # a field named like Field.label
    status = serializers.ChoiceField(choices=Span.Status.choices, required=False)
    origin = serializers.ChoiceField(choices=Span.Origin.choices, required=False)
    annotator = serializers.CharField(required=False, help_text="Username.")
    min_confidence = serializers.FloatField(required=False, min_value=0.0, max_value=1.0)


class SpanListView(APIView):
    @extend_schema(
        operation_id="spans_list",
        parameters=[SpanFilterIn],
        responses={200: page_of(SpanOut), **ERRORS},
        summary="Spans across your projects (cursor-paginated, by article then id)",
    )
    def get(self, request: SignedInRequest) -> Response:
        values = validated(SpanFilterIn, request.query_params)
        spans = selectors.span_list(
            user=request.user,
            project_id=values.get("project"),
            article_id=values.get("article"),
            labels=csv_list(values.get("label", "")),
            status=values.get("status"),
            origin=values.get("origin"),
            annotator=values.get("annotator"),
            min_confidence=values.get("min_confidence"),
        )
        return paginated(request, self, spans, SpanOut, ByArticle)


class SpanUpdateIn(StrictInput):
    version = serializers.IntegerField(min_value=1)
    label = serializers.CharField(max_length=50, required=False)  # type: ignore[assignment]  # a field named like Field.label
    start = serializers.IntegerField(min_value=0, required=False)
    end = serializers.IntegerField(min_value=0, required=False)
    attrs = JsonObjectField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    gold = serializers.BooleanField(
        required=False, default=False, help_text="Edit a suggestion into the gold layer."
    )


class VersionQuery(StrictInput):
    version = serializers.IntegerField(min_value=1)


def _label(span: Span, name: str) -> Label:
    for label in span.article.project.labels.all():
        if label.name == name:
            return label
    raise DomainError(f"No label named {name!r} in this project.", field="label")


class SpanDetailView(APIView):
    @extend_schema(operation_id="span_retrieve", responses={200: SpanOut, **ERRORS})
    def get(self, request: SignedInRequest, span_id: int) -> Response:
        return Response(SpanOut(selectors.span_get(user=request.user, span_id=span_id)).data)

    @extend_schema(
        operation_id="span_update",
        request=SpanUpdateIn,
        responses={200: SpanOut, **ERRORS, **CONFLICT, **BODY_ERRORS},
        summary="Edit a span; editing a suggestion creates the row of your layer",
    )
    def patch(self, request: SignedInRequest, span_id: int) -> Response:
        values = validated(SpanUpdateIn, request.data)
        span = selectors.span_get(user=request.user, span_id=span_id)
        label = _label(span, values["label"]) if "label" in values else None
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
    def delete(self, request: SignedInRequest, span_id: int) -> Response:
        version = validated(VersionQuery, request.query_params)["version"]
        span = selectors.span_get(user=request.user, span_id=span_id, for_write=True)
        services.span_delete(span=span, actor=request.user, version=version)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DecisionIn(StrictInput):
    decision = serializers.ChoiceField(choices=["accept", "reject"])
    version = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    gold = serializers.BooleanField(required=False, default=False)


class SpanDecisionView(APIView):
    @extend_schema(
        operation_id="span_decide",
        request=DecisionIn,
        responses={200: SpanOut, **ERRORS, **CONFLICT, **BODY_ERRORS},
        summary="Accept or reject; on a suggestion this adds the decision row to your layer",
    )
    def post(self, request: SignedInRequest, span_id: int) -> Response:
        values = validated(DecisionIn, request.data)
        span = selectors.span_get(user=request.user, span_id=span_id, for_write=True)
        row = services.span_decide(
            span=span,
            actor=request.user,
            decision=values["decision"],
            version=values.get("version"),
            gold=values["gold"],
        )
        return Response(SpanOut(row).data)


urlpatterns = [
    path("spans/", SpanListView.as_view(), name="api-span-list"),
    path("spans/<int:span_id>/", SpanDetailView.as_view(), name="api-span"),
    path("spans/<int:span_id>/decision/", SpanDecisionView.as_view(), name="api-span-decision"),
]
