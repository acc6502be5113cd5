"""``/api/projects/{id}/assignments/``: who annotates which article; an admin reassigns by
hand. ``/api/articles/{id}/assignment/``: an editor skips or flags their assignment."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.access import access_project
from articles.api.pagination import PageQuery, page_of, paginated
from articles.api.serializers import BODY_ERRORS, ERRORS, StrictInput, id_field, validated
from articles.errors import DomainError
from articles.models import Article, Assignment, Role
from articles.selectors import articles as article_selectors
from articles.selectors.assignments import assignment_list
from articles.services.assignments import assignment_flag, assignment_set, assignment_skip
from articles.types import SignedInRequest


class AssignmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    article = serializers.IntegerField(source="article_id")
    annotator = serializers.CharField(source="annotator.username")
    state = serializers.ChoiceField(choices=Assignment.State.choices)
    skip_reason = serializers.CharField()
    flag_reason = serializers.CharField(help_text="A problem the editor reported; empty if none.")
    flagged_at = serializers.DateTimeField(allow_null=True)
    by_hand = serializers.BooleanField(help_text="Chosen by an admin; balancing never moves it.")
    updated_at = serializers.DateTimeField()


class AssignmentFilterIn(PageQuery):
    annotator = serializers.CharField(required=False, help_text="Username.")
    state = serializers.ChoiceField(choices=Assignment.State.choices, required=False)


def _user(username: str) -> Any:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise serializers.ValidationError("No user with this username.")
    return user


class AssignIn(StrictInput):
    article = id_field()
    annotator = serializers.CharField(max_length=150, help_text="Username of the new editor.")
    replace = serializers.CharField(
        max_length=150, required=False, help_text="Username whose open assignment it takes."
    )

    def validate_annotator(self, value: str) -> Any:
        return _user(value)

    def validate_replace(self, value: str) -> Any:
        return _user(value)


def _with_state(row: Assignment) -> Assignment:
    return Assignment.objects.with_state().select_related("annotator").get(pk=row.pk)


class AssignmentListView(APIView):
    @extend_schema(
        operation_id="project_assignments_list",
        parameters=[AssignmentFilterIn],
        responses={200: page_of(AssignmentOut), **ERRORS},
        summary="Who annotates which article (editors: their own; cursor-paginated)",
    )
    def get(self, request: SignedInRequest, project_id: int) -> Response:
        project, role = access_project(
            request.user, project_id, at_least=Role.EDITOR, action="see assignments"
        )
        values = validated(AssignmentFilterIn, request.query_params)
        rows = assignment_list(
            project=project,
            user=request.user,
            role=role,
            annotator=values.get("annotator"),
            state=values.get("state"),
        )
        return paginated(request, self, rows, AssignmentOut)

    @extend_schema(
        operation_id="project_assignments_set",
        request=AssignIn,
        responses={201: AssignmentOut, **ERRORS, **BODY_ERRORS},
        summary="Assign an article by hand, optionally taking it from someone (admins)",
    )
    def post(self, request: SignedInRequest, project_id: int) -> Response:
        project, _ = access_project(
            request.user, project_id, at_least=Role.ADMIN, action="assign articles"
        )
        values = validated(AssignIn, request.data)
        article = Article.objects.filter(project=project, pk=values["article"]).first()
        if article is None:
            raise DomainError("No such article in this project.", field="article")
        row = assignment_set(
            project=project,
            actor=request.user,
            article=article,
            annotator=values["annotator"],
            replace=values.get("replace"),
        )
        return Response(AssignmentOut(_with_state(row)).data, status=status.HTTP_201_CREATED)


class MyAssignmentIn(StrictInput):
    action = serializers.ChoiceField(choices=["skip", "flag"])
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class MyAssignmentView(APIView):
    @extend_schema(
        operation_id="article_assignment_update",
        request=MyAssignmentIn,
        responses={200: AssignmentOut, **ERRORS, **BODY_ERRORS},
        summary="Skip your assignment (it goes to someone else) or flag the article to admins",
    )
    def post(self, request: SignedInRequest, article_id: int) -> Response:
        values = validated(MyAssignmentIn, request.data)
        article = article_selectors.article_get(
            user=request.user,
            article_id=article_id,
            at_least=Role.EDITOR,
            action="skip or flag articles",
            with_text=False,
        )
        if values["action"] == "skip":
            row = assignment_skip(article=article, actor=request.user, reason=values["reason"])
        else:
            row = assignment_flag(article=article, actor=request.user, reason=values["reason"])
        return Response(AssignmentOut(_with_state(row)).data)


urlpatterns = [
    path(
        "projects/<int:project_id>/assignments/",
        AssignmentListView.as_view(),
        name="api-project-assignments",
    ),
    path(
        "articles/<int:article_id>/assignment/",
        MyAssignmentView.as_view(),
        name="api-article-assignment",
    ),
]
