"""Reading a JSON request body, bounded: the standard library's decoder recurses once per
level of nesting, so a body nested 10,000 deep would end in a RecursionError (a 500).
orjson refuses nesting deeper than 1,024 levels (a record is four deep) with an error we
answer as a 400 in the API's error shape."""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            return orjson.loads(stream.read())
        except orjson.JSONDecodeError as error:
            raise ParseError(f"The body is not JSON the API can read: {error}") from None
