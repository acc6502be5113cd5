"""Articles: the list (cursor-paginated, filtered) and one article with its labels."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.api.pagination import paginated
from articles.api.serializers import ArticleFilterIn, ArticleListOut, ArticleOut, validated
from articles.api.spans import ERRORS
from articles.selectors import api as selectors


class ArticleListView(APIView):
    @extend_schema(
        operation_id="articles_list",
        parameters=[ArticleFilterIn],
        responses={200: ArticleListOut(many=True), **ERRORS},
        summary="Articles of your projects (cursor-paginated)",
    )
    def get(self, request: Request) -> Response:
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
    def get(self, request: Request, article_id: int) -> Response:
        article = selectors.article_get(user=request.user, article_id=article_id)
        article.my_review = (
            article.reviews.filter(annotator_id=request.user.pk)
            .values_list("state", flat=True)
            .first()
        )
        return Response(ArticleOut(article).data)
