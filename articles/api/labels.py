"""``/api/projects/{id}/labels/`` and ``/api/labels/{id}/``: members read, admins write."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import services
from articles.api.serializers import (
    BODY_ERRORS,
    ERRORS,
    TAKEN,
    AttributesField,
    LabelOut,
    StrictInput,
    validated,
)
from articles.models import Label, Role
from articles.selectors import projects as selectors
from articles.types import SignedInRequest


class LabelIn(StrictInput):
    name = serializers.SlugField(max_length=50)
    color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", help_text="#rrggbb")
    pattern = serializers.ChoiceField(choices=Label.Pattern.choices, required=False)
    hotkey = serializers.CharField(max_length=1, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    attributes = AttributesField(
        required=False,
        help_text="What the label's spans carry: [{name, type: text|boolean|choice, title, "
        "help?, choices?, in_text?}].",
    )


class LabelUpdateIn(LabelIn):
    name = serializers.SlugField(max_length=50, required=False)
    color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False)


class LabelListView(APIView):
    @extend_schema(
        operation_id="project_labels_list",
        responses={200: LabelOut(many=True), **ERRORS},
        summary="The project's labels in display order (not paginated)",
    )
    def get(self, request: SignedInRequest, project_id: int) -> Response:
        project = selectors.project_get(user=request.user, project_id=project_id)
        return Response(LabelOut(selectors.label_list(project=project), many=True).data)

    @extend_schema(
        operation_id="project_labels_create",
        request=LabelIn,
        responses={201: LabelOut, **ERRORS, **TAKEN, **BODY_ERRORS},
        summary="Add a label (admins)",
    )
    def post(self, request: SignedInRequest, project_id: int) -> Response:
        project = selectors.project_get(
            user=request.user, project_id=project_id, at_least=Role.ADMIN, action="change labels"
        )
        values = validated(LabelIn, request.data)
        label = services.label_create(project=project, actor=request.user, **values)
        return Response(LabelOut(label).data, status=status.HTTP_201_CREATED)


class LabelDetailView(APIView):
    @extend_schema(
        operation_id="label_update",
        request=LabelUpdateIn,
        responses={200: LabelOut, **ERRORS, **TAKEN, **BODY_ERRORS},
        summary="Change a label (admins)",
    )
    def patch(self, request: SignedInRequest, label_id: int) -> Response:
        label = selectors.label_get(
            user=request.user, label_id=label_id, at_least=Role.ADMIN, action="change labels"
        )
        values = validated(LabelUpdateIn, request.data, partial=True)
        label = services.label_update(label=label, actor=request.user, **values)
        return Response(LabelOut(label).data)

    @extend_schema(
        operation_id="label_delete",
        responses={204: None, **ERRORS},
        summary="Delete an unused label (admins)",
    )
    def delete(self, request: SignedInRequest, label_id: int) -> Response:
        label = selectors.label_get(
            user=request.user, label_id=label_id, at_least=Role.ADMIN, action="change labels"
        )
        services.label_delete(label=label, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path(
        "projects/<int:project_id>/labels/",
        LabelListView.as_view(),
        name="api-project-labels",
    ),
    path("labels/<int:label_id>/", LabelDetailView.as_view(), name="api-label"),
]
