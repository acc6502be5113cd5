"""What the database can store: the one rule for text and JSON coming from outside.

PostgreSQL refuses NUL in ``text`` and ``jsonb`` (psycopg raises ``DataError``) and a lone
surrogate cannot be encoded as UTF-8 at all (``UnicodeEncodeError`` in the driver, or in our
content hash). JSON can carry both (``"\\u0000"``, ``"\\ud800"``), so every string that
arrives, from a request body, a query string or an uploaded file, is checked here before it
reaches a service. Deep nesting is bounded too: nothing we store needs more than a few
levels, and each level costs a frame in every recursive reader downstream (Python's JSON
encoder, PostgreSQL's jsonb parser).
"""

from __future__ import annotations

import re
from typing import Any

# NUL, and the UTF-16 surrogate range (only lone surrogates can appear in a Python str).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

# Levels of objects/arrays in a stored JSON value (``meta``, ``attrs``). Exports nest two.
MAX_JSON_DEPTH = 32


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored, or None."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    what = "a NUL character" if found.group() == "\x00" else "a lone surrogate"
    at = found.start()
    line = value.count("\n", 0, at)
    if line:
        column = at - value.rindex("\n", 0, at)
        where = f"line {line + 1}, column {column} of the value"
    else:
        where = f"character {at + 1}"
    return f"contains {what} (at {where}), which cannot be stored"


def json_problem(value: Any, *, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """Why a decoded JSON value cannot be stored, or None: an unstorable string (key or
    value) anywhere in it, or nesting deeper than ``max_depth``.

    Iterative, so a value nested a thousand levels deep is refused instead of overflowing
    the stack.
    """
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                return problem
        elif isinstance(item, dict | list):
            if depth >= max_depth:
                return f"is nested more than {max_depth} levels deep"
            if isinstance(item, dict):
                for key, child in item.items():
                    if isinstance(key, str) and (problem := text_problem(key)):
                        return f"has a key that {problem}"
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)
    return None
