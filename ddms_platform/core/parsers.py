"""Request parsers of the API: JSON with a bounded nesting depth."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def json_depth(value: Any) -> int:
    """How deeply lists and objects nest in `value` (a scalar is 0), without recursion.

    Raises ParseError on a string (key or value) holding a NUL character, which PostgreSQL
    cannot store or compare.
    """
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise ParseError("The JSON body contains a NUL character.")
            continue
        if isinstance(item, dict):
            stack.extend((key, depth) for key in item)
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in children)
    return deepest


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than DDMS_JSON_MAX_DEPTH with a 400.

    No endpoint takes more than a few levels; a body nested thousands deep would otherwise
    exhaust the interpreter's recursion limit in the decoder or in a serializer (a 500).
    """

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        limit = settings.DDMS_JSON_MAX_DEPTH
        message = f"The JSON body is nested deeper than {limit} levels."
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(message) from None
        if json_depth(data) > limit:
            raise ParseError(message)
        return data
