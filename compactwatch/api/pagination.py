"""Limit/offset pagination with bounds a database can hold."""

from rest_framework.pagination import LimitOffsetPagination

MAX_OFFSET = 10**9  # far past any real list; larger numbers overflow SQLite's integers


class BoundedLimitOffset(LimitOffsetPagination):
    max_limit = 500

    def get_offset(self, request) -> int:
        return min(super().get_offset(request), MAX_OFFSET)
