"""Label attribute declarations: what a label's spans carry, checked once."""

import pytest

from articles.attributes import attributes_clean
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
