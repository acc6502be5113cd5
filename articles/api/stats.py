"""``/api/projects/{id}/stats/``: progress per editor, flags, decisions per hour, agreement
per label by week and the pre-tagger's quality from decisions (reviewers and admins): the
figures the stats page draws."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.api.serializers import ERRORS
from articles.models import Role
from articles.selectors import projects as project_selectors
from articles.selectors.quality import project_quality
from articles.types import SignedInRequest


class StatsView(APIView):
    @extend_schema(
        operation_id="project_stats",
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
        summary="Progress and quality figures of the project (reviewers and admins)",
        description="`{progress: [{editor, assigned, done, skipped, open, flagged, spans: "
        "{label: n}}], flags: [...], decisions_per_hour: [{hour, count}], agreement_by_week: "
        "[{week, labels: {label: {f1_overlap, alpha}}}], tagger: [{tagger, label, accepted, "
        "edited, rejected, missed, decided, share_accepted, share_edited, share_rejected, "
        "share_missed}]}`",
    )
    def get(self, request: SignedInRequest, project_id: int) -> Response:
        project = project_selectors.project_get(
            user=request.user,
            project_id=project_id,
            at_least=Role.REVIEWER,
            action="see its stats (reviewers)",
        )
        return Response(project_quality(project=project))


urlpatterns = [
    path("projects/<int:project_id>/stats/", StatsView.as_view(), name="api-stats"),
]
