"""``/api/articles/{id}/adjudication/``: the reviewer's view of every finished editor layer
(clusters of versions, each marked all / some / one editor) and the actions that write
the gold layer. Gold rows themselves are edited, rejected or removed through
``/api/spans/{id}/`` like any row of one's own layer."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.api.serializers import (
    BODY_ERRORS,
    ERRORS,
    JsonObjectField,
    StrictInput,
    id_field,
    validated,
)
from articles.errors import DomainError
from articles.models import Article, Label, Role, Span
from articles.selectors import articles as article_selectors
from articles.selectors.adjudication import adjudication_view
from articles.services.adjudication import gold_edit, gold_reject, gold_take, gold_take_agreed
from articles.types import SignedInRequest

ACTIONS = ["take", "reject", "edit", "take_agreed"]


class AdjudicationIn(StrictInput):
    action = serializers.ChoiceField(choices=ACTIONS)
    span = id_field(required=False, help_text="A span of the version (any of its editors').")
    label = serializers.CharField(required=False, max_length=50)  # type: ignore[assignment]  # a field named like Field.label
    start = serializers.IntegerField(required=False, min_value=0)
    end = serializers.IntegerField(required=False, min_value=0)
    attrs = JsonObjectField(required=False)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["action"] != "take_agreed" and "span" not in data:
            raise serializers.ValidationError({"span": ["Name a span of the version."]})
        return data


def _article(request: SignedInRequest, article_id: int) -> Article:
    return article_selectors.article_get(
        user=request.user,
        article_id=article_id,
        at_least=Role.REVIEWER,
        action="adjudicate (reviewers)",
    )


def _label(article: Article, name: str) -> Label:
    for label in article.project.labels.all():
        if label.name == name:
            return label
    raise DomainError(f"No label named {name!r} in this project.", field="label")


class AdjudicationView(APIView):
    @extend_schema(
        operation_id="article_adjudication",
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
        summary="Every finished editor layer of the article, grouped for adjudication",
    )
    def get(self, request: SignedInRequest, article_id: int) -> Response:
        return Response(adjudication_view(article=_article(request, article_id)))

    @extend_schema(
        operation_id="article_adjudicate",
        request=AdjudicationIn,
        responses={200: OpenApiTypes.OBJECT, **ERRORS, **BODY_ERRORS},
        summary="Take, edit or reject a version into the gold layer, or take all agreed",
        description="Answers the view afresh, with `skipped` for take_agreed.",
    )
    def post(self, request: SignedInRequest, article_id: int) -> Response:
        values = validated(AdjudicationIn, request.data)
        article = _article(request, article_id)
        skipped: list[dict[str, Any]] = []
        if values["action"] == "take_agreed":
            result = gold_take_agreed(article=article, actor=request.user)
            skipped = [{"span": pk, "reason": reason} for pk, reason in result.skipped]
        else:
            span = (
                Span.objects.select_related("label", "article__project")
                .filter(pk=values["span"], article=article)
                .first()
            )
            if span is None:
                raise DomainError("No such span in this article.", field="span")
            if values["action"] == "take":
                gold_take(span=span, article=article, actor=request.user)
            elif values["action"] == "reject":
                gold_reject(span=span, article=article, actor=request.user)
            else:
                gold_edit(
                    span=span,
                    article=article,
                    actor=request.user,
                    label=_label(article, values["label"]) if "label" in values else None,
                    start=values.get("start"),
                    end=values.get("end"),
                    attrs=values.get("attrs"),
                )
        return Response({**adjudication_view(article=article), "skipped": skipped})


urlpatterns = [
    path(
        "articles/<int:article_id>/adjudication/",
        AdjudicationView.as_view(),
        name="api-adjudication",
    ),
]
