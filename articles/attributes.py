"""What a label's spans carry besides their offsets: the attribute declarations of a label.

A label declares its attributes as data (``Label.attributes``), so the editor, the API and
the exports never test label names. Each declaration is a JSON object:

- ``name``: the key in ``Span.attrs`` (lowercase letters, digits, ``_``);
- ``type``: ``text``, ``boolean``, ``choice`` (with ``choices``, a list of strings) or
  ``url`` (an absolute http(s) address);
- ``title``: what the editor shows beside the field; ``help``: an optional hint;
- ``in_text`` (``text`` only): the value names words of the article (a quote's speaker);
  picking them in the text stores their offsets as ``<name>_start`` / ``<name>_end``.

A claim's ``verdict`` is a choice whose ``choices`` ARE the project's rating scale, ordered
best to worst (editable on the labels page); ``unverifiable`` is off the scale.

Every label also has a free-text note (``Span.note``), which is not an attribute.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from articles.errors import DomainError
from articles.spans import check_range

ATTRIBUTE_TYPES = ("text", "boolean", "choice", "url")
TEXT_MAX = 2000
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_KEYS = {"name", "type", "title", "help", "choices", "in_text"}

SPEAKER = {
    "name": "speaker",
    "type": "text",
    "title": "Speaker",
    "help": "as written in the text",
    "in_text": True,
}
DIRECT = {"name": "direct", "type": "boolean", "title": "direct quote"}
CUE = {"name": "cue", "type": "text", "title": "Cue", "help": "e.g. may, perhaps"}
RATING_SCALE = ("true", "mostly true", "mixed", "misleading", "false", "unverifiable")
# Verdicts a reader cannot place on a true-to-false scale; they carry no numeric rating.
OFF_SCALE = frozenset({"unverifiable"})
VERDICT = {
    "name": "verdict",
    "type": "choice",
    "title": "Verdict",
    "help": "the project's rating scale, best to worst",
    "choices": list(RATING_SCALE),
}
VERDICT_NOTE = {"name": "verdict_note", "type": "text", "title": "Verdict explanation"}
FACT_CHECK_URL = {"name": "fact_check_url", "type": "url", "title": "Fact-check URL"}


def attributes_clean(value: Any) -> list[dict[str, Any]]:
    """Check a list of attribute declarations; return it normalised or raise ``DomainError``."""
    if not isinstance(value, list):
        raise DomainError("Attributes must be a list of objects.", field="attributes")
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        where = f"attributes[{index}]"
        if not isinstance(item, dict):
            raise DomainError(f"{where} must be an object.", field="attributes")
        unknown = sorted(set(item) - _KEYS)
        if unknown:
            raise DomainError(f"{where}: unknown key {', '.join(unknown)}.", field="attributes")
        name = item.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise DomainError(
                f"{where}: 'name' must be lowercase letters, digits or _ (at most 40).",
                field="attributes",
            )
        if name in seen or name.endswith(("_start", "_end")) or name == "note":
            raise DomainError(f"{where}: the name {name!r} is taken.", field="attributes")
        seen.add(name)
        kind = item.get("type")
        if kind not in ATTRIBUTE_TYPES:
            raise DomainError(
                f"{where}: 'type' must be one of {', '.join(ATTRIBUTE_TYPES)}.",
                field="attributes",
            )
        spec: dict[str, Any] = {"name": name, "type": kind, "title": str(item.get("title") or name)}
        if item.get("help"):
            spec["help"] = str(item["help"])
        if kind == "choice":
            choices = item.get("choices")
            if (
                not isinstance(choices, list)
                or not choices
                or not all(isinstance(c, str) and c for c in choices)
                or len(set(choices)) != len(choices)
            ):
                raise DomainError(
                    f"{where}: a choice needs 'choices', a list of distinct strings.",
                    field="attributes",
                )
            spec["choices"] = list(choices)
        if item.get("in_text"):
            if kind != "text":
                raise DomainError(f"{where}: only text can be 'in_text'.", field="attributes")
            spec["in_text"] = True
        cleaned.append(spec)
    return cleaned


def is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def _value_check(declaration: dict[str, Any], value: Any) -> None:
    """A declared attribute's value has its type; unset (None, or "" for text-like) is fine."""
    name, kind = declaration["name"], declaration["type"]
    if value is None:
        return
    if kind == "boolean":
        if not isinstance(value, bool):
            raise DomainError(f"'{name}' must be true or false.", field="attrs")
        return
    if not isinstance(value, str):
        raise DomainError(f"'{name}' must be a string.", field="attrs")
    if value == "":
        return
    if len(value) > TEXT_MAX:
        raise DomainError(f"'{name}' is longer than {TEXT_MAX} characters.", field="attrs")
    if kind == "choice" and value not in declaration.get("choices", ()):
        raise DomainError(
            f"'{name}' must be one of: {', '.join(declaration.get('choices', ()))}.",
            field="attrs",
        )
    if kind == "url" and not is_http_url(value):
        raise DomainError(f"'{name}' must be an http(s) address.", field="attrs")


def attrs_check(text: str, attrs: dict[str, Any], declarations: list[dict[str, Any]]) -> None:
    """Check declared attributes' values (keys the label does not declare are kept as they
    are), and the offsets an ``in_text`` attribute carries: both or neither, inside the
    text, and pointing at the words the value says (a stale pair is refused, not kept)."""
    for declaration in declarations:
        if declaration["name"] in attrs:
            _value_check(declaration, attrs[declaration["name"]])
        if not declaration.get("in_text"):
            continue
        name = declaration["name"]
        start, end = attrs.get(f"{name}_start"), attrs.get(f"{name}_end")
        if start is None and end is None:
            continue
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
            raise DomainError(
                f"'{name}_start' and '{name}_end' must both be integers.", field="attrs"
            )
        try:
            check_range(len(text), start, end, where=f"{name}_start/{name}_end")
        except DomainError as error:
            raise DomainError(error.message, field="attrs") from None
        if text[start:end] != attrs.get(name):
            raise DomainError(
                f"'{name}' must be the words at [{name}_start, {name}_end): "
                f"{text[start:end][:60]!r}.",
                field="attrs",
            )
