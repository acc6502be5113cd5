"""Pages of the teams issue: adjudication, project stats, the audit trail."""

from django.urls import path

from articles.pages import assignments, history, quality, review

app_name = "teams"

urlpatterns = [
    path("articles/<int:article_id>/review/", review.review_page, name="review"),
    path("projects/<int:project_id>/stats/quality/", quality.stats_page, name="stats"),
    path("projects/<int:project_id>/history/", history.history_page, name="history"),
    path(
        "articles/<int:article_id>/assignment/",
        assignments.assignment_action,
        name="assignment-action",
    ),
]
