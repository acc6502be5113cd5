"""Label attribute declarations: what a label's spans carry, checked once."""

import pytest

from articles.attributes import attributes_clean, attrs_check
from articles.errors import DomainError


def test_declarations_are_normalised():
    cleaned = attributes_clean(
        [
            {"name": "speaker", "type": "text", "in_text": True, "help": "who"},
            {"name": "direct", "type": "boolean", "title": "direct quote"},
            {"name": "verdict", "type": "choice", "choices": ["true", "false"]},
        ]
    )
    assert cleaned == [
        {"name": "speaker", "type": "text", "title": "speaker", "help": "who", "in_text": True},
        {"name": "direct", "type": "boolean", "title": "direct quote"},
        {"name": "verdict", "type": "choice", "title": "verdict", "choices": ["true", "false"]},
    ]


@pytest.mark.parametrize(
    ("declarations", "message"),
    [
        ({"name": "x"}, "Attributes must be a list of objects."),
        (["speaker"], r"attributes\[0\] must be an object\."),
        ([{"name": "Speaker", "type": "text"}], r"'name' must be lowercase"),
        ([{"name": "cue", "type": "text"}, {"name": "cue", "type": "text"}], "is taken"),
        ([{"name": "speaker_start", "type": "text"}], "is taken"),
        ([{"name": "note", "type": "text"}], "is taken"),
        ([{"name": "cue", "type": "number"}], "'type' must be one of text, boolean, choice"),
        ([{"name": "cue", "type": "choice", "choices": ["a", "a"]}], "distinct strings"),
        ([{"name": "direct", "type": "boolean", "in_text": True}], "only text can be"),
        ([{"name": "cue", "type": "text", "colour": "red"}], "unknown key colour"),
    ],
)
def test_bad_declarations_are_refused_with_a_message(declarations, message):
    with pytest.raises(DomainError, match=message):
        attributes_clean(declarations)


SPEAKER_ONLY = [{"name": "speaker", "type": "text", "title": "Speaker", "in_text": True}]
TEXT = '"We are ready," said Ana Lima.'


def test_speaker_offsets_must_point_at_the_speaker():
    attrs_check(TEXT, {"speaker": "Ana Lima", "speaker_start": 21, "speaker_end": 29}, SPEAKER_ONLY)
    attrs_check(TEXT, {"speaker": "someone typed"}, SPEAKER_ONLY)  # typed: no offsets
    with pytest.raises(DomainError, match=r"'speaker' must be the words at .*'Ana'") as caught:
        attrs_check(
            TEXT, {"speaker": "Ana Lima", "speaker_start": 21, "speaker_end": 24}, SPEAKER_ONLY
        )
    assert caught.value.field == "attrs"
    with pytest.raises(DomainError, match="must both be integers"):
        attrs_check(TEXT, {"speaker": "Ana Lima", "speaker_start": 21}, SPEAKER_ONLY)
    with pytest.raises(DomainError, match=r"speaker_start/speaker_end: offsets must satisfy"):
        attrs_check(TEXT, {"speaker": "x", "speaker_start": 21, "speaker_end": 99}, SPEAKER_ONLY)


def test_a_stale_speaker_is_refused_by_the_span_services(project, article, teammate):
    from articles.services import span_create
    from tests.factories import label

    quote = label(project, "quote")
    start = article.text.index("Ana Lima")
    with pytest.raises(DomainError, match="must be the words at"):
        span_create(
            article=article,
            label=quote,
            start=0,
            end=14,
            actor=teammate,
            attrs={"speaker": "Omar", "speaker_start": start, "speaker_end": start + 8},
        )
    span = span_create(
        article=article,
        label=quote,
        start=0,
        end=14,
        actor=teammate,
        attrs={"speaker": "Ana Lima", "speaker_start": start, "speaker_end": start + 8},
    )
    assert span.attrs["speaker_end"] == start + 8
