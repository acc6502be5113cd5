"""``/api/spans/{id}/similar/``: the most similar claims in other articles you can read."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.api.serializers import ERRORS, StrictInput, id_field, validated
from articles.selectors.similar import SimilarQuery, similar_claims
from articles.types import SignedInRequest


class SimilarIn(StrictInput):
    project = id_field(required=False)
    min_score = serializers.FloatField(
        required=False, min_value=0.0, max_value=1.0, default=SimilarQuery.min_score
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=50, default=SimilarQuery.limit
    )


class SimilarView(APIView):
    @extend_schema(
        operation_id="span_similar",
        parameters=[SimilarIn],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
        summary="Similar claims in other articles of your projects, best first",
    )
    def get(self, request: SignedInRequest, span_id: int) -> Response:
        values = validated(SimilarIn, request.query_params)
        query = SimilarQuery(
            project_id=values.get("project"), min_score=values["min_score"], limit=values["limit"]
        )
        return Response(similar_claims(user=request.user, span_id=span_id, query=query))


urlpatterns = [
    path("spans/<int:span_id>/similar/", SimilarView.as_view(), name="api-span-similar"),
]
