"""``/api/projects/{id}/agreement/``: how far independent editors agree (span F1, exact and
overlap; Krippendorff's alpha on tokens), per label, per editor pair and for the project."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.api.serializers import ERRORS, StrictInput, id_field, validated
from articles.selectors import projects as project_selectors
from articles.selectors.agreement import project_agreement
from articles.types import SignedInRequest


class AgreementQueryIn(StrictInput):
    article = id_field(required=False, help_text="Only this article.")
    label = serializers.CharField(required=False, help_text="Only this label (name).")  # type: ignore[assignment]  # a field named like Field.label
    editor = serializers.CharField(required=False, help_text="Only pairs with this editor.")


class AgreementView(APIView):
    @extend_schema(
        operation_id="project_agreement",
        parameters=[AgreementQueryIn],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
        summary="Agreement between editors over the articles they finished",
        description='`{"labels": {"<label>": {"f1_exact", "f1_overlap", "alpha", "pairs"}}, '
        '"editors": {"<a>": {"<b>": {"f1_exact", "f1_overlap", "articles"}}}, "articles": n, '
        '"project": {"f1_exact", "f1_overlap", "alpha"}}`; a figure is null where nothing '
        "defines it. See the README's Teams section for the definitions.",
    )
    def get(self, request: SignedInRequest, project_id: int) -> Response:
        project = project_selectors.project_get(user=request.user, project_id=project_id)
        values = validated(AgreementQueryIn, request.query_params)
        return Response(
            project_agreement(
                project=project,
                article_id=values.get("article"),
                label=values.get("label"),
                editor=values.get("editor"),
            )
        )


urlpatterns = [
    path("projects/<int:project_id>/agreement/", AgreementView.as_view(), name="api-agreement"),
]
