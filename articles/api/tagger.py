"""``/api/projects/{id}/tagger/``: the project's learned re-scorer.

Members read its versions (training size, held-out figures, which one is active); editors
ask for a training (their decisions are what it learns from, and every
``TAGGER_RETRAIN_EVERY`` of them start one anyway); admins choose the active version (roll
back or forward, or none: the rules alone), as they choose the project's tagger.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.api.serializers import BODY_ERRORS, ERRORS, StrictInput, validated
from articles.models import Project, Role, TaggerCounter, TaggerVersion
from articles.selectors import projects as project_selectors
from articles.selectors.tagger import tagger_versions
from articles.services.training import project_tagger, tagger_activate, training_request
from articles.tagging.base import tagger_id
from articles.types import SignedInRequest


class VersionOut(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="As in suggestions: p12v3.")
    created_by = serializers.CharField(
        source="created_by.username", allow_null=True, read_only=True
    )
    training_size = serializers.JSONField(
        read_only=True, help_text="Articles (layers), complete ones, examples per label."
    )
    quality = serializers.JSONField(
        read_only=True,
        allow_null=True,
        help_text="Held-out figures of the rules alone and re-scored: overlap P/R/F1 per "
        "label, calibration error, editor effort; null with fewer than two complete articles.",
    )

    class Meta:
        model = TaggerVersion
        fields = [
            "number",
            "name",
            "state",
            "active",
            "trigger",
            "base",
            "training_size",
            "quality",
            "error",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class TaggerOut(serializers.Serializer):
    tagger = serializers.CharField(help_text="What new suggestions record: rules@1.7+p12v3.")
    active = serializers.IntegerField(allow_null=True, help_text="The active version's number.")
    retrain_every = serializers.IntegerField(help_text="Decisions between automatic trainings.")
    decisions_since_training = serializers.IntegerField()
    versions = VersionOut(many=True)


class TrainIn(StrictInput):
    articles = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Learn from at most this many of the most recently decided articles "
        "(default and largest: TAGGER_TRAIN_MAX_ARTICLES), e.g. after the guidelines changed.",
    )


class ActivateIn(StrictInput):
    version = serializers.IntegerField(
        min_value=1, allow_null=True, help_text="A trained version's number; null: rules alone."
    )


def _state(project: Project) -> dict[str, Any]:
    versions = list(tagger_versions(project=project))
    counter = TaggerCounter.objects.filter(project=project).values_list("since_training").first()
    return {
        "tagger": tagger_id(project_tagger(project)),
        "active": next((v.number for v in versions if v.active), None),
        "retrain_every": settings.TAGGER_RETRAIN_EVERY,
        "decisions_since_training": counter[0] if counter else 0,
        "versions": versions,
    }


class TaggerView(APIView):
    @extend_schema(
        operation_id="project_tagger",
        responses={200: TaggerOut, **ERRORS},
        summary="The project's re-scorer: versions, training size, held-out figures",
    )
    def get(self, request: SignedInRequest, project_id: int) -> Response:
        project = project_selectors.project_get(user=request.user, project_id=project_id)
        return Response(TaggerOut(_state(project)).data)


class TaggerTrainView(APIView):
    @extend_schema(
        operation_id="project_tagger_train",
        request=TrainIn,
        responses={202: VersionOut, **ERRORS, **BODY_ERRORS},
        summary="Train a new version from the project's decisions (editors)",
    )
    def post(self, request: SignedInRequest, project_id: int) -> Response:
        project = project_selectors.project_get(
            user=request.user,
            project_id=project_id,
            at_least=Role.EDITOR,
            action="train its tagger",
        )
        limit = validated(TrainIn, request.data).get("articles")
        version = training_request(project=project, actor=request.user, articles=limit)
        return Response(VersionOut(version).data, status=status.HTTP_202_ACCEPTED)


class TaggerActivateView(APIView):
    @extend_schema(
        operation_id="project_tagger_activate",
        request=ActivateIn,
        responses={200: TaggerOut, **ERRORS, **BODY_ERRORS},
        summary="Make a trained version active, roll back to an earlier one, or use the "
        "rules alone (admins)",
    )
    def post(self, request: SignedInRequest, project_id: int) -> Response:
        project = project_selectors.project_get(
            user=request.user,
            project_id=project_id,
            at_least=Role.ADMIN,
            action="choose its tagger version",
        )
        number = validated(ActivateIn, request.data)["version"]
        tagger_activate(project=project, actor=request.user, number=number)
        return Response(TaggerOut(_state(project)).data)


urlpatterns = [
    path("projects/<int:project_id>/tagger/", TaggerView.as_view(), name="api-project-tagger"),
    path(
        "projects/<int:project_id>/tagger/train/",
        TaggerTrainView.as_view(),
        name="api-project-tagger-train",
    ),
    path(
        "projects/<int:project_id>/tagger/activate/",
        TaggerActivateView.as_view(),
        name="api-project-tagger-activate",
    ),
]
