from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from articles.api import articles, exports, imports, projects, spans

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
    path("projects/<int:project_id>/export/", exports.ExportView.as_view(), name="api-export"),
    path(
        "projects/<int:project_id>/snapshots/",
        exports.SnapshotListView.as_view(),
        name="api-project-snapshots",
    ),
    path("snapshots/<int:snapshot_id>/", exports.SnapshotDetailView.as_view(), name="api-snapshot"),
    path(
        "snapshots/<int:snapshot_id>/download/",
        exports.SnapshotDownloadView.as_view(),
        name="api-snapshot-download",
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
    path(
        "projects/<int:project_id>/articles/",
        imports.ArticleCreateView.as_view(),
        name="api-project-article-create",
    ),
    path(
        "projects/<int:project_id>/imports/",
        imports.ImportCreateView.as_view(),
        name="api-project-import",
    ),
    path("imports/<int:import_id>/", imports.ImportDetailView.as_view(), name="api-import"),
    path(
        "projects/<int:project_id>/pretag/",
        imports.ProjectPretagView.as_view(),
        name="api-project-pretag",
    ),
    path(
        "articles/<int:article_id>/pretag/",
        imports.ArticlePretagView.as_view(),
        name="api-article-pretag",
    ),
]
