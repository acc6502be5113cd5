"""``/api/projects/``: projects and their members, and re-running a project's tagger.

Members read; admins manage (settings, members); editors may re-run the tagger. Outsiders
get 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import services
from articles.access import remember_role
from articles.api.pagination import PageQuery, page_of, paginated
from articles.api.serializers import (
    BODY_ERRORS,
    ERRORS,
    TAKEN,
    PretagIn,
    PretagOut,
    StrictInput,
    validated,
)
from articles.errors import NotFound
from articles.models import Distribution, Membership, Project, Role
from articles.selectors import projects as selectors
from articles.services.pretag import project_pretag
from articles.types import SignedInRequest


class ProjectOut(serializers.ModelSerializer):
    my_role = serializers.ChoiceField(choices=Role.choices, allow_null=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "description",
            "guidelines",
            "tagger",
            "annotators_per_article",
            "distribution",
            "blind",
            "my_role",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProjectCreateIn(StrictInput):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    tagger = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ProjectUpdateIn(StrictInput):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    guidelines = serializers.CharField(required=False, allow_blank=True)
    tagger = serializers.CharField(max_length=100, required=False, allow_blank=True)
    annotators_per_article = serializers.IntegerField(
        min_value=1, max_value=50, required=False, help_text="Editors per article (k)."
    )
    distribution = serializers.ChoiceField(choices=Distribution.choices, required=False)
    blind = serializers.BooleanField(
        required=False, help_text="Editors see only the suggestions and their own layer."
    )


class ProjectListView(APIView):
    @extend_schema(
        operation_id="projects_list",
        parameters=[PageQuery],
        responses={200: page_of(ProjectOut), **ERRORS},
        summary="Projects you are a member of (cursor-paginated)",
    )
    def get(self, request: SignedInRequest) -> Response:
        validated(PageQuery, request.query_params)
        return paginated(request, self, selectors.project_list(user=request.user), ProjectOut)

    @extend_schema(
        operation_id="projects_create",
        request=ProjectCreateIn,
        responses={201: ProjectOut, **ERRORS, **TAKEN, **BODY_ERRORS},
        summary="Create a project (staff); you become its admin",
    )
    def post(self, request: SignedInRequest) -> Response:
        if not request.user.is_staff:
            raise PermissionDenied("Only staff users create projects.")
        values = validated(ProjectCreateIn, request.data)
        project = services.project_create(created_by=request.user, **values)
        remember_role(project, request.user, Role.ADMIN)
        return Response(ProjectOut(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailView(APIView):
    @extend_schema(operation_id="project_retrieve", responses={200: ProjectOut, **ERRORS})
    def get(self, request: SignedInRequest, project_id: int) -> Response:
        project = selectors.project_get(user=request.user, project_id=project_id)
        return Response(ProjectOut(project).data)

    @extend_schema(
        operation_id="project_update",
        request=ProjectUpdateIn,
        responses={200: ProjectOut, **ERRORS, **TAKEN, **BODY_ERRORS},
        summary="Change project settings (admins)",
    )
    def patch(self, request: SignedInRequest, project_id: int) -> Response:
        project = selectors.project_get(
            user=request.user, project_id=project_id, at_least=Role.ADMIN, action="change it"
        )
        values = validated(ProjectUpdateIn, request.data)
        project = services.project_update(project=project, actor=request.user, **values)
        return Response(ProjectOut(project).data)

    @extend_schema(
        operation_id="project_delete",
        responses={204: None, **ERRORS},
        summary="Delete the project with all its articles, spans and history (admins)",
    )
    def delete(self, request: SignedInRequest, project_id: int) -> Response:
        project = selectors.project_get(
            user=request.user, project_id=project_id, at_least=Role.ADMIN, action="delete it"
        )
        services.project_delete(project=project, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MembershipOut(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]
        read_only_fields = fields


class MembershipIn(StrictInput):
    user = serializers.CharField(max_length=150, help_text="Username.")
    role = serializers.ChoiceField(choices=Role.choices)

    def validate_user(self, value: str) -> Any:
        user = get_user_model().objects.filter(username=value).first()
        if user is None:
            raise serializers.ValidationError("No user with this username.")
        return user


class MemberListView(APIView):
    @extend_schema(
        operation_id="project_members_list",
        parameters=[PageQuery],
        responses={200: page_of(MembershipOut), **ERRORS},
        summary="Members of the project and their roles (cursor-paginated)",
    )
    def get(self, request: SignedInRequest, project_id: int) -> Response:
        validated(PageQuery, request.query_params)
        project = selectors.project_get(user=request.user, project_id=project_id)
        return paginated(request, self, selectors.membership_list(project=project), MembershipOut)

    @extend_schema(
        operation_id="project_members_set",
        request=MembershipIn,
        responses={200: MembershipOut, **ERRORS, **BODY_ERRORS},
        summary="Add a member or change their role (admins)",
    )
    def post(self, request: SignedInRequest, project_id: int) -> Response:
        project = selectors.project_get(
            user=request.user, project_id=project_id, at_least=Role.ADMIN, action="manage members"
        )
        values = validated(MembershipIn, request.data)
        membership = services.membership_change(
            project=project, actor=request.user, user=values["user"], role=values["role"]
        )
        return Response(MembershipOut(membership).data)


class MemberDetailView(APIView):
    @extend_schema(
        operation_id="project_member_remove",
        responses={204: None, **ERRORS},
        summary="Remove a member (admins); the last admin stays",
    )
    def delete(self, request: SignedInRequest, project_id: int, username: str) -> Response:
        project = selectors.project_get(
            user=request.user, project_id=project_id, at_least=Role.ADMIN, action="manage members"
        )
        # A NUL cannot be in a username, and PostgreSQL refuses it in a query.
        membership = (
            None
            if "\x00" in username
            else project.memberships.select_related("user").filter(user__username=username).first()
        )
        if membership is None:
            raise NotFound("No such member.")
        services.membership_change(
            project=project, actor=request.user, user=membership.user, role=None
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProjectPretagView(APIView):
    @extend_schema(
        operation_id="project_pretag",
        request=PretagIn,
        responses={202: PretagOut, **ERRORS, **BODY_ERRORS},
        summary="Re-run a tagger on every article (undecided suggestions are replaced)",
    )
    def post(self, request: SignedInRequest, project_id: int) -> Response:
        project = selectors.project_get(
            user=request.user, project_id=project_id, at_least=Role.EDITOR, action="pre-tag"
        )
        tagger = validated(PretagIn, request.data).get("tagger") or None
        queued = project_pretag(project=project, actor=request.user, tagger=tagger)
        return Response({"queued": queued, "tagger": tagger or project.tagger_name}, status=202)


urlpatterns = [
    path("projects/", ProjectListView.as_view(), name="api-project-list"),
    path("projects/<int:project_id>/", ProjectDetailView.as_view(), name="api-project"),
    path(
        "projects/<int:project_id>/members/",
        MemberListView.as_view(),
        name="api-project-members",
    ),
    path(
        "projects/<int:project_id>/members/<str:username>/",
        MemberDetailView.as_view(),
        name="api-project-member",
    ),
    path(
        "projects/<int:project_id>/pretag/",
        ProjectPretagView.as_view(),
        name="api-project-pretag",
    ),
]
