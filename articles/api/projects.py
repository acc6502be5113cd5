"""Projects, their members and labels; the cross-article span list.

Members read; admins manage (project settings, members, labels). Outsiders get 404.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import services
from articles.api.pagination import ByArticle, paginated
from articles.api.permissions import project_for
from articles.api.serializers import (
    LabelIn,
    LabelOut,
    LabelUpdateIn,
    MembershipIn,
    MembershipOut,
    ProjectCreateIn,
    ProjectOut,
    ProjectUpdateIn,
    SpanFilterIn,
    SpanOut,
    validated,
)
from articles.api.spans import ERRORS
from articles.models import Label, Role
from articles.selectors import api as selectors


class ProjectListView(APIView):
    @extend_schema(
        operation_id="projects_list",
        responses={200: ProjectOut(many=True), **ERRORS},
        summary="Projects you are a member of (cursor-paginated)",
    )
    def get(self, request: Request) -> Response:
        return paginated(request, self, selectors.project_list(user=request.user), ProjectOut)

    @extend_schema(
        operation_id="projects_create",
        request=ProjectCreateIn,
        responses={201: ProjectOut, **ERRORS},
        summary="Create a project (staff); you become its admin",
    )
    def post(self, request: Request) -> Response:
        if not request.user.is_staff:
            raise PermissionDenied("Only staff users create projects.")
        values = validated(ProjectCreateIn, request.data)
        project = services.project_create(created_by=request.user, **values)
        project.my_role = Role.ADMIN
        return Response(ProjectOut(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailView(APIView):
    @extend_schema(operation_id="project_retrieve", responses={200: ProjectOut, **ERRORS})
    def get(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        return Response(ProjectOut(project).data)

    @extend_schema(
        operation_id="project_update",
        request=ProjectUpdateIn,
        responses={200: ProjectOut, **ERRORS},
        summary="Change project settings (admins)",
    )
    def patch(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        values = validated(ProjectUpdateIn, request.data)
        project = services.project_update(project=project, actor=request.user, **values)
        return Response(ProjectOut(project).data)


class MemberListView(APIView):
    @extend_schema(
        operation_id="project_members_list",
        responses={200: MembershipOut(many=True), **ERRORS},
    )
    def get(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        return paginated(request, self, selectors.membership_list(project=project), MembershipOut)

    @extend_schema(
        operation_id="project_members_set",
        request=MembershipIn,
        responses={200: MembershipOut, **ERRORS},
        summary="Add a member or change their role (admins)",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id, at_least=Role.ADMIN, action="manage members")
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
    def delete(self, request: Request, project_id: int, username: str) -> Response:
        project = project_for(request, project_id, at_least=Role.ADMIN, action="manage members")
        # A NUL cannot be in a username, and PostgreSQL refuses it in a query.
        user = (
            None
            if "\x00" in username
            else get_user_model().objects.filter(username=username).first()
        )
        if user is None or not project.memberships.filter(user=user).exists():
            raise Http404("No such member.")
        services.membership_change(project=project, actor=request.user, user=user, role=None)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LabelListView(APIView):
    pagination_class = None

    @extend_schema(
        operation_id="project_labels_list",
        responses={200: LabelOut(many=True), **ERRORS},
        summary="The project's labels in display order (not paginated)",
    )
    def get(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        return Response(LabelOut(selectors.label_list(project=project), many=True).data)

    @extend_schema(
        operation_id="project_labels_create",
        request=LabelIn,
        responses={201: LabelOut, **ERRORS},
        summary="Add a label (admins)",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        values = validated(LabelIn, request.data)
        label = services.label_create(project=project, actor=request.user, **values)
        return Response(LabelOut(label).data, status=status.HTTP_201_CREATED)


def _label_get(request: Request, label_id: int) -> Label:
    label = (
        Label.objects.select_related("project")
        .filter(project__in=selectors.project_list(user=request.user).values("pk"), pk=label_id)
        .first()
    )
    if label is None:
        raise Http404("No such label.")
    return label


class LabelDetailView(APIView):
    @extend_schema(
        operation_id="label_update",
        request=LabelUpdateIn,
        responses={200: LabelOut, **ERRORS},
        summary="Change a label (admins)",
    )
    def patch(self, request: Request, label_id: int) -> Response:
        label = _label_get(request, label_id)
        values = validated(LabelUpdateIn, request.data, partial=True)
        label = services.label_update(label=label, actor=request.user, **values)
        return Response(LabelOut(label).data)

    @extend_schema(
        operation_id="label_delete",
        responses={204: None, **ERRORS},
        summary="Delete an unused label (admins)",
    )
    def delete(self, request: Request, label_id: int) -> Response:
        services.label_delete(label=_label_get(request, label_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SpanListView(APIView):
    @extend_schema(
        operation_id="spans_list",
        parameters=[SpanFilterIn],
        responses={200: SpanOut(many=True), **ERRORS},
        summary="Spans across your projects (cursor-paginated, by article then id)",
    )
    def get(self, request: Request) -> Response:
        values = validated(SpanFilterIn, request.query_params)
        spans = selectors.span_list(
            user=request.user,
            project_id=values.get("project"),
            article_id=values.get("article"),
            labels=values.get("label", "").split(","),
            status=values.get("status"),
            origin=values.get("origin"),
            annotator=values.get("annotator"),
            min_confidence=values.get("min_confidence"),
        )
        return paginated(request, self, spans, SpanOut, ByArticle)
