from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("guidelines/", views.guidelines, name="guidelines"),
    path("projects/<int:project_id>/", views.article_list, name="article_list"),
    path("articles/<int:article_id>/", views.article_detail, name="article_detail"),
    path("articles/<int:article_id>/next/", views.article_next, name="article_next"),
]
