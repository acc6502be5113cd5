"""The API's request parsers: JSON everywhere, multipart only where a file is uploaded.

Form encodings are not offered: under DRF's HTML-form rules an empty value means "absent",
so ``name=`` in a form passed where ``{"name": ""}`` is refused, and the schema would have
to describe both.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JsonParser(JSONParser):
    """DRF's JSON parser, with nesting too deep for Python's decoder as a 400 (the decoder
    raises ``RecursionError``, which DRF does not catch, past about a thousand levels)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
