"""What several API modules share: the span and label outputs, input fields, error docs.

Each view module declares its own small input/output serializers; inputs validate shapes
only, the rules live in the services.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

from articles.attributes import attributes_clean
from articles.errors import DomainError
from articles.models import Label, Span

ERRORS = {
    400: OpenApiResponse(description="Invalid input: {field: [messages]}"),
    403: OpenApiResponse(description="Your role does not allow this"),
    404: OpenApiResponse(description="Not found (or not a member of the project)"),
}
CONFLICT = {409: OpenApiResponse(description='Stale version: {"version": [...], "current": span}')}


class LabelOut(serializers.ModelSerializer):
    class Meta:
        model = Label
        fields = ["id", "name", "color", "pattern", "hotkey", "description", "order", "attributes"]
        read_only_fields = fields


class SpanOut(serializers.Serializer):
    """A span as the API and the editor see it. A plain serializer over declared fields: a
    ModelSerializer rebuilt its fields from the model on every response (a sixth of a
    decision's server time)."""

    id = serializers.IntegerField()
    article = serializers.IntegerField(source="article_id")
    label = serializers.CharField(source="label.name")  # type: ignore[assignment]  # a field named like Field.label
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField()
    attrs = serializers.JSONField()
    origin = serializers.ChoiceField(choices=Span.Origin.choices)
    status = serializers.ChoiceField(choices=Span.Status.choices)
    kind = serializers.ChoiceField(
        choices=["accepted", "edited", "human", "rejected", "suggested"],
        help_text="What status and origin mean together (accepted as suggested, edited, "
        "drawn by hand, rejected, or still a suggestion).",
    )
    confidence = serializers.FloatField(allow_null=True)
    tagger_version = serializers.CharField()
    annotator = serializers.CharField(source="annotator.username", allow_null=True)
    gold = serializers.BooleanField()
    derived_from = serializers.IntegerField(source="derived_from_id", allow_null=True)
    note = serializers.CharField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


# Ids are bigints; a larger number is a typo, not a row that could exist.
MAX_ID = 2**63 - 1


def id_field(**kwargs: Any) -> serializers.IntegerField:
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


class AttributesField(serializers.JSONField):
    """A label's attribute declarations (``articles.attributes``)."""

    def to_internal_value(self, data: Any) -> list[dict[str, Any]]:
        try:
            return attributes_clean(super().to_internal_value(data))
        except DomainError as error:
            raise serializers.ValidationError(error.message) from None


def csv_list(value: str) -> list[str]:
    """Items of a comma-separated query parameter, blanks dropped."""
    return [item.strip() for item in value.split(",") if item.strip()]


def validated(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> Any:
    """The validated data of an input serializer; a 400 with field messages otherwise."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class PretagIn(serializers.Serializer):
    tagger = serializers.CharField(
        required=False, allow_blank=True, help_text="Tagger name; default the project's."
    )


PretagOut = inline_serializer(
    "PretagQueued", fields={"queued": serializers.IntegerField(), "tagger": serializers.CharField()}
)
