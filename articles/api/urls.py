from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from articles.api import articles, spans

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("articles/", articles.ArticleListView.as_view(), name="api-article-list"),
    path("articles/<int:article_id>/", articles.ArticleDetailView.as_view(), name="api-article"),
    path(
        "articles/<int:article_id>/spans/",
        spans.ArticleSpansView.as_view(),
        name="api-article-spans",
    ),
    path(
        "articles/<int:article_id>/spans/bulk-decision/",
        spans.BulkDecisionView.as_view(),
        name="api-article-bulk-decision",
    ),
    path("articles/<int:article_id>/review/", spans.ReviewView.as_view(), name="api-review"),
    path("spans/<int:span_id>/", spans.SpanDetailView.as_view(), name="api-span"),
    path(
        "spans/<int:span_id>/decision/", spans.SpanDecisionView.as_view(), name="api-span-decision"
    ),
]
