"""Small input/output serializer pairs. Inputs validate shapes only; rules live in services."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.attributes import attributes_clean
from articles.errors import DomainError
from articles.models import (
    Article,
    Label,
    Membership,
    Project,
    Review,
    Role,
    Snapshot,
    Span,
)
from articles.services.spans import span_state

# ---- outputs -----------------------------------------------------------------------------


class LabelOut(serializers.ModelSerializer):
    class Meta:
        model = Label
        fields = ["id", "name", "color", "pattern", "hotkey", "description", "order", "attributes"]
        read_only_fields = fields


class SpanOut(serializers.ModelSerializer):
    label = serializers.CharField(source="label.name", read_only=True)
    annotator = serializers.SerializerMethodField()
    kind = serializers.CharField(read_only=True)
    article = serializers.IntegerField(source="article_id", read_only=True)
    derived_from = serializers.IntegerField(
        source="derived_from_id", read_only=True, allow_null=True
    )

    class Meta:
        model = Span
        fields = [
            "id",
            "article",
            "label",
            "start",
            "end",
            "text",
            "attrs",
            "origin",
            "status",
            "kind",
            "confidence",
            "tagger_version",
            "annotator",
            "gold",
            "derived_from",
            "note",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_annotator(self, span: Span) -> str | None:
        return span.annotator.get_username() if span.annotator_id else None

    def to_representation(self, span: Span) -> dict[str, Any]:
        # Same output as the declared fields (a test compares them), without building the
        # field objects on every request: that was a sixth of a decision's server time.
        # The history record (``span_state``) is the common part; the API adds the rest.
        return {
            **span_state(span),
            "article": span.article_id,
            "kind": span.kind,
            "confidence": span.confidence,
            "tagger_version": span.tagger_version,
            "annotator": self.get_annotator(span),
            "created_at": _DATETIME.to_representation(span.created_at),
            "updated_at": _DATETIME.to_representation(span.updated_at),
        }


_DATETIME = serializers.DateTimeField()


class ProjectOut(serializers.ModelSerializer):
    my_role = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "description",
            "guidelines",
            "tagger",
            "my_role",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices, allow_null=True))
    def get_my_role(self, project: Project) -> str | None:
        return getattr(project, "my_role", None)


class ArticleListOut(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    review_state = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "project",
            "title",
            "source_url",
            "author",
            "published_at",
            "language",
            "meta",
            "pretag_state",
            "review_state",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["new", "in_progress", "done"]))
    def get_review_state(self, article: Article) -> str:
        return getattr(article, "my_review", None) or "new"


class ArticleOut(ArticleListOut):
    labels = serializers.SerializerMethodField()

    class Meta(ArticleListOut.Meta):
        fields = [
            *ArticleListOut.Meta.fields,
            "text",
            "pretag_error",
            "pretag_tagger",
            "pretagged_at",
            "labels",
        ]
        read_only_fields = fields

    @extend_schema_field(LabelOut(many=True))
    def get_labels(self, article: Article) -> list[dict[str, Any]]:
        return LabelOut(article.project.labels.all(), many=True).data


class ReviewOut(serializers.ModelSerializer):
    article = serializers.IntegerField(source="article_id", read_only=True)

    class Meta:
        model = Review
        fields = ["article", "state", "updated_at"]
        read_only_fields = fields


class MembershipOut(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]
        read_only_fields = fields


class SkippedOut(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()


class BulkDecisionOut(serializers.Serializer):
    decided = SpanOut(many=True)
    skipped = SkippedOut(many=True)


class SnapshotOut(serializers.ModelSerializer):
    project = serializers.IntegerField(source="project_id", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Snapshot
        fields = [
            "id",
            "project",
            "version",
            "format",
            "filters",
            "state",
            "progress",
            "article_count",
            "span_count",
            "size_bytes",
            "sha256",
            "error",
            "download_url",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, snapshot: Snapshot) -> str | None:
        if snapshot.state != Snapshot.State.DONE:
            return None
        path = f"/api/snapshots/{snapshot.pk}/download/"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


# ---- inputs ------------------------------------------------------------------------------


# Ids are bigints; a larger number is a typo, not a row that could exist.
MAX_ID = 2**63 - 1


def _id_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


# What PostgreSQL cannot store in text or jsonb: NUL, and lone surrogates (not UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable(value: Any) -> bool:
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unstorable(item) for item in value)
    return False


class JsonObjectField(serializers.DictField):
    """A JSON object to store as jsonb (``Span.attrs``, ``Article.meta``)."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        value = super().to_internal_value(data)
        if _unstorable(value):
            raise serializers.ValidationError(
                "Null characters and lone surrogates are not allowed."
            )
        return value


def validated(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> Any:
    """The validated data of an input serializer; a 400 with field messages otherwise."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class SpanCreateIn(serializers.Serializer):
    label = serializers.CharField(max_length=50)
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=0)
    attrs = JsonObjectField(required=False, default=dict)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    gold = serializers.BooleanField(required=False, default=False)


class SpanUpdateIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    label = serializers.CharField(max_length=50, required=False)
    start = serializers.IntegerField(min_value=0, required=False)
    end = serializers.IntegerField(min_value=0, required=False)
    attrs = JsonObjectField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    gold = serializers.BooleanField(
        required=False, default=False, help_text="Edit a suggestion into the gold layer."
    )


class DecisionIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["accept", "reject"])
    version = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    gold = serializers.BooleanField(required=False, default=False)


class BulkDecisionIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["accept", "reject"])
    ids = serializers.ListField(child=_id_field(), required=False, max_length=10_000)
    label = serializers.CharField(max_length=50, required=False)
    min_confidence = serializers.FloatField(min_value=0.0, max_value=1.0, required=False)
    max_confidence = serializers.FloatField(min_value=0.0, max_value=1.0, required=False)


class ReviewIn(serializers.Serializer):
    state = serializers.ChoiceField(choices=Review.State.choices)


class SpanLayerQuery(serializers.Serializer):
    layer = serializers.ChoiceField(
        choices=["mine", "all", "suggestions"], required=False, default="mine"
    )


class VersionQuery(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)


class ArticleFilterIn(serializers.Serializer):
    project = _id_field(required=False)
    review_state = serializers.ChoiceField(choices=["new", "in_progress", "done"], required=False)
    pretag_state = serializers.ChoiceField(choices=Article.PretagState.choices, required=False)
    q = serializers.CharField(required=False, help_text="Text search in title and body.")
    updated_since = serializers.DateTimeField(required=False)


class SpanFilterIn(serializers.Serializer):
    project = _id_field(required=False)
    article = _id_field(required=False)
    label = serializers.CharField(required=False, help_text="Label name; comma-separated.")
    status = serializers.ChoiceField(choices=Span.Status.choices, required=False)
    origin = serializers.ChoiceField(choices=Span.Origin.choices, required=False)
    annotator = serializers.CharField(required=False, help_text="Username.")
    min_confidence = serializers.FloatField(required=False, min_value=0.0, max_value=1.0)


class ProjectUpdateIn(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    guidelines = serializers.CharField(required=False, allow_blank=True)
    tagger = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ProjectCreateIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    tagger = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class MembershipIn(serializers.Serializer):
    user = serializers.CharField(max_length=150, help_text="Username.")
    role = serializers.ChoiceField(choices=Role.choices)

    def validate_user(self, value: str) -> Any:
        user = get_user_model().objects.filter(username=value).first()
        if user is None:
            raise serializers.ValidationError("No user with this username.")
        return user


class LabelIn(serializers.Serializer):
    name = serializers.SlugField(max_length=50)
    color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", help_text="#rrggbb")
    pattern = serializers.ChoiceField(choices=Label.Pattern.choices, required=False)
    hotkey = serializers.CharField(max_length=1, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    attributes = serializers.JSONField(
        required=False,
        help_text="What the label's spans carry: [{name, type: text|boolean|choice, title, "
        "help?, choices?, in_text?}].",
    )

    def validate_attributes(self, value: Any) -> list[dict[str, Any]]:
        try:
            return attributes_clean(value)
        except DomainError as error:
            raise serializers.ValidationError(error.message) from None


class LabelUpdateIn(LabelIn):
    name = serializers.SlugField(max_length=50, required=False)
    color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False)


def _csv_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


class ExportQueryIn(serializers.Serializer):
    """Export filters; lists are comma-separated in the query string."""

    format = serializers.ChoiceField(choices=["jsonl", "conll", "spacy", "webanno", "csv"])
    status = serializers.CharField(
        required=False, help_text="accepted (default), rejected, suggested; comma-separated."
    )
    include_rejected = serializers.BooleanField(
        required=False, default=False, help_text="Add rejected spans (negatives)."
    )
    labels = serializers.CharField(required=False, help_text="Label names, comma-separated.")
    annotator = serializers.CharField(required=False, help_text="Only this user's layer.")
    gold = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Only (or no) gold rows."
    )
    updated_since = serializers.DateTimeField(required=False)
    ids = serializers.CharField(required=False, help_text="Article ids, comma-separated.")

    def validate_status(self, value: str) -> list[str]:
        statuses = _csv_list(value)
        unknown = [s for s in statuses if s not in Span.Status.values]
        if unknown:
            raise serializers.ValidationError(f"Unknown status: {', '.join(unknown)}.")
        return statuses

    def validate_labels(self, value: str) -> list[str]:
        return _csv_list(value)

    def validate_ids(self, value: str) -> list[int]:
        try:
            ids = [int(item) for item in _csv_list(value)]
        except ValueError:
            ids = []
        if not ids or not all(1 <= pk <= MAX_ID for pk in ids):
            raise serializers.ValidationError("Give article ids as comma-separated integers.")
        return ids


class SnapshotIn(serializers.Serializer):
    format = serializers.ChoiceField(choices=["jsonl", "conll", "spacy", "webanno", "csv"])
    status = serializers.ListField(
        child=serializers.ChoiceField(choices=Span.Status.choices),
        required=False,
        help_text="Default: accepted.",
    )
    include_rejected = serializers.BooleanField(required=False, default=False)
    labels = serializers.ListField(child=serializers.CharField(), required=False)
    annotator = serializers.CharField(required=False)
    gold = serializers.BooleanField(required=False, allow_null=True, default=None)
    updated_since = serializers.DateTimeField(required=False)
    ids = serializers.ListField(child=_id_field(), required=False)
