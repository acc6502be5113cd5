from django.urls import path

from articles.pages import (
    editor,
    exports,
    imports,
    labels,
    members,
    projects,
    queue,
    search,
    stats,
)

app_name = "articles"

urlpatterns = [
    path("", projects.project_list, name="project_list"),
    path("guidelines/", editor.guidelines, name="guidelines"),
    path("projects/new/", projects.project_create, name="project_create"),
    path("projects/<int:project_id>/", queue.article_list, name="article_list"),
    path("projects/<int:project_id>/settings/", projects.project_settings, name="project_settings"),
    path("projects/<int:project_id>/delete/", projects.project_delete, name="project_delete"),
    path("projects/<int:project_id>/members/", members.member_list, name="project_members"),
    path(
        "projects/<int:project_id>/members/<str:username>/",
        members.member_change,
        name="project_member",
    ),
    path(
        "projects/<int:project_id>/accounts/new/",
        members.account_new,
        name="project_account_new",
    ),
    path("projects/<int:project_id>/labels/", labels.label_list, name="project_labels"),
    path("projects/<int:project_id>/labels/new/", labels.label_new, name="project_label_new"),
    path(
        "projects/<int:project_id>/labels/<int:label_id>/",
        labels.label_edit,
        name="project_label",
    ),
    path(
        "projects/<int:project_id>/labels/<int:label_id>/delete/",
        labels.label_delete,
        name="project_label_delete",
    ),
    path("projects/<int:project_id>/import/", imports.import_page, name="project_import"),
    path(
        "projects/<int:project_id>/imports/<int:import_id>/",
        imports.import_job,
        name="project_import_job",
    ),
    path("projects/<int:project_id>/export/", exports.export_page, name="project_export"),
    path("projects/<int:project_id>/stats/", stats.stats_page, name="project_stats"),
    path("projects/<int:project_id>/search/", search.search_page, name="project_search"),
    path("articles/<int:article_id>/", editor.article_detail, name="article_detail"),
    path("articles/<int:article_id>/next/", editor.article_next, name="article_next"),
    path(
        "invitations/<uidb64>/<token>/",
        members.InvitationView.as_view(),
        name="invitation",
    ),
]
