"""What several API modules share: the span and label outputs, input fields, error docs.

Each view module declares its own small input/output serializers; inputs validate shapes
only, the rules live in the services. Every input serializer derives from ``StrictInput``,
which refuses keys it does not declare and strings the database cannot store.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.http import QueryDict
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.settings import api_settings

from articles.attributes import attributes_clean
from articles.errors import DomainError
from articles.models import Label, Span
from articles.storable import json_problem

# Error bodies are ``{field: [messages]}``; nested inputs nest (``{"spans": [{"end": [...]}]}``)
# and a version conflict adds the fresh row under ``current``.
ERROR_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {},
    "example": {"field": ["What is wrong with it."]},
}


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ERROR_BODY, description=description)


ERRORS = {
    400: error_response("Invalid input: {field: [messages]}"),
    401: error_response("Not signed in (no session, or no valid token)"),
    403: error_response("Your role does not allow this"),
    404: error_response("Not found (or not a member of the project)"),
    414: error_response("The URL is longer than the server accepts"),
}
# Operations with a request body: the body limit (``articles.middleware``) and media types.
BODY_ERRORS = {
    413: error_response("The request body is larger than IMPORT_MAX_UPLOAD_BYTES"),
    415: error_response("The body is not in a media type this operation reads (JSON)"),
}
CONFLICT = {
    409: error_response(
        'Stale version or a decision already made: {"version": [...], "current": span}; '
        "or the suggestion was replaced by a tagger re-run meanwhile"
    )
}
TAKEN = {409: error_response("The name is already taken: {field: [message]}")}


# JSON types each kind of field takes from a JSON body. DRF would coerce (``0`` for
# ``false``, ``5`` for ``"5"``), which the schema does not promise and a client should not
# rely on.
_JSON_TYPES: list[tuple[type[serializers.Field], tuple[type, ...], str]] = [
    (serializers.BooleanField, (bool,), "a boolean"),
    (serializers.IntegerField, (int,), "an integer"),
    (serializers.FloatField, (int, float), "a number"),
    (serializers.CharField, (str,), "a string"),
    (serializers.ChoiceField, (str,), "a string"),
    (serializers.DateTimeField, (str,), "a string"),
    (serializers.DateField, (str,), "a string"),
]


def _json_type_error(field: serializers.Field, value: Any) -> str | None:
    if value is None:
        return None  # the field's allow_null decides
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        for item in value:
            if wrong := _json_type_error(field.child, item):
                return f"Each item: {wrong[0].lower()}{wrong[1:]}"
        return None
    for kind, types, name in _JSON_TYPES:
        if isinstance(field, kind):
            if isinstance(value, types) and not (isinstance(value, bool) and bool not in types):
                return None
            return f"Must be {name}."
    return None


# The base of every input serializer (body or query string). A key the serializer does not
# declare is a 400 naming it, not silently ignored (a typo like ``lable`` would otherwise
# look like success); a string the database cannot store (NUL, lone surrogate) or JSON
# nested too deeply is a 400 on its field, whatever the field type; and in a JSON body each
# value must have the JSON type its field declares. Query strings and multipart forms carry
# only text, so there the fields parse it. (A comment, not a docstring: the schema would
# show a docstring as the description of every input.)
class StrictInput(serializers.Serializer):
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors: dict[str, list[str]] = {}
            fields = {name: field for name, field in self.fields.items() if not field.read_only}
            from_text = self.context.get("from_text", False)
            for key, value in data.items():
                field = fields.get(key)
                if field is None:
                    errors[str(key)] = [f"Unknown field; this input takes: {', '.join(fields)}."]
                elif problem := json_problem(value):
                    errors[key] = [f"The value {problem}."]
                elif not from_text and (wrong := _json_type_error(field, value)):
                    errors[key] = [wrong]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def _plain_query(data: QueryDict) -> dict[str, Any]:
    """A query string (or multipart body) as a plain dict: every key once (a repeat is a 400,
    not a silent "last one wins"), and an empty value stays an empty value rather than
    meaning "absent", as DRF's HTML-form rules would have it."""
    repeated = {key: ["Give this once."] for key, values in data.lists() if len(values) > 1}
    if repeated:
        raise serializers.ValidationError(repeated)
    return {key: data[key] for key in data}


class LabelOut(serializers.ModelSerializer):
    class Meta:
        model = Label
        fields = ["id", "name", "color", "pattern", "hotkey", "description", "order", "attributes"]
        read_only_fields = fields

    def to_representation(self, instance: Label) -> dict[str, Any]:
        # What the model fields give (pinned by a test), without building them: a
        # ModelSerializer introspects the model for every response that lists labels.
        return {
            "id": instance.pk,
            "name": instance.name,
            "color": instance.color,
            "pattern": str(instance.pattern),
            "hotkey": instance.hotkey,
            "description": instance.description,
            "order": instance.order,
            "attributes": instance.attributes,
        }


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

    def to_representation(self, instance: Span) -> dict[str, Any]:
        # The same dict as the declared fields give (tests compare the two), built directly:
        # DRF's per-field get_attribute/to_representation was most of a span list's CPU.
        # The fields above stay for validation-free docs (the schema reads them).
        label = instance.label
        annotator = instance.annotator
        return {
            "id": instance.pk,
            "article": instance.article_id,
            "label": label.name,
            "start": instance.start,
            "end": instance.end,
            "text": instance.text,
            "attrs": instance.attrs,
            "origin": str(instance.origin),
            "status": str(instance.status),
            "kind": instance.kind,
            "confidence": None if instance.confidence is None else float(instance.confidence),
            "tagger_version": instance.tagger_version,
            "annotator": None if annotator is None else annotator.username,
            "gold": instance.gold,
            "derived_from": instance.derived_from_id,
            "note": instance.note,
            "version": instance.version,
            "created_at": timestamp(instance.created_at),
            "updated_at": timestamp(instance.updated_at),
        }


# Unbound fields: format a value exactly as a declared field would.
TIMESTAMP = serializers.DateTimeField()
DATE = serializers.DateField()


def timestamp(value: datetime) -> str:
    """``TIMESTAMP.to_representation(value)``, without its time-zone lookup and conversion
    for the usual value (aware, in UTC, which is also the zone it would convert to): that
    was a third of a span list's serialising."""
    if _UTC_MICROSECONDS and value.tzinfo is UTC:
        # isoformat is several times faster than strftime; "+00:00" becomes "Z".
        return value.isoformat(timespec="microseconds")[:-6] + "Z"
    return str(TIMESTAMP.to_representation(value))


_UTC_MICROSECONDS = (
    api_settings.DATETIME_FORMAT == "%Y-%m-%dT%H:%M:%S.%fZ" and settings.TIME_ZONE == "UTC"
)


# Ids are bigints; a larger number is a typo, not a row that could exist.
MAX_ID = 2**63 - 1


def id_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class JsonObjectField(serializers.DictField):
    """A JSON object to store as jsonb (``Span.attrs``, ``Article.meta``).

    ``StrictInput`` has already refused what jsonb cannot hold."""


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


def validated(serializer_class: type[StrictInput], data: Any, **kwargs: Any) -> Any:
    """The validated data of an input serializer; a 400 with field messages otherwise."""
    if isinstance(data, QueryDict):  # a query string, or a multipart body: all text
        data = _plain_query(data)
        kwargs["context"] = {**kwargs.get("context", {}), "from_text": True}
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class PretagIn(StrictInput):
    tagger = serializers.CharField(
        required=False, allow_blank=True, help_text="Tagger name; default the project's."
    )


PretagOut = inline_serializer(
    "PretagQueued", fields={"queued": serializers.IntegerField(), "tagger": serializers.CharField()}
)
