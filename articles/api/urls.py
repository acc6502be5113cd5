from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from articles.api import articles, projects, spans

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("projects/", projects.ProjectListView.as_view(), name="api-project-list"),
    path("projects/<int:project_id>/", projects.ProjectDetailView.as_view(), name="api-project"),
    path(
        "projects/<int:project_id>/members/",
        projects.MemberListView.as_view(),
        name="api-project-members",
    ),
    path(
        "projects/<int:project_id>/members/<str:username>/",
        projects.MemberDetailView.as_view(),
        name="api-project-member",
    ),
    path(
        "projects/<int:project_id>/labels/",
        projects.LabelListView.as_view(),
        name="api-project-labels",
    ),
    path("labels/<int:label_id>/", projects.LabelDetailView.as_view(), name="api-label"),
    path("spans/", projects.SpanListView.as_view(), name="api-span-list"),
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
