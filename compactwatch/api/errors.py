"""One error shape for every error the API sends: {"errors": [{record, field, message}]}.

DRF's own errors (authentication, permission, throttling, parsing, 404) are turned into the
same shape by `exception_handler`, so a client reads every refusal the same way.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler


class ApiError(exceptions.APIException):
    def __init__(self, status: int, message: str, *, record: str | None = None,
                 field: str | None = None):  # fmt: skip
        super().__init__(message)
        self.status_code = status
        self.errors = [{"record": record, "field": field, "message": message}]


def errors_response(status: int, errors: list[dict[str, Any]]) -> Response:
    return Response({"errors": errors}, status=status)


def _messages(detail: Any, field: str | None = None) -> list[dict[str, Any]]:
    """DRF's error detail (text, a list, or fields to lists) as errors of our shape."""
    if isinstance(detail, dict):
        return [error for name, value in detail.items()
                for error in _messages(value, None if name == "non_field_errors" else name)]  # fmt: skip
    if isinstance(detail, list):
        return [error for value in detail for error in _messages(value, field)]
    return [{"record": None, "field": field, "message": str(detail)}]


def exception_handler(error: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(error, ApiError):
        response = errors_response(error.status_code, error.errors)
    else:
        if isinstance(error, Http404):
            error = exceptions.NotFound("Not found")
        elif isinstance(error, PermissionDenied):
            error = exceptions.PermissionDenied(str(error) or None)
        response = drf_handler(error, context)
        if response is None:
            return None
        response.data = {"errors": _messages(response.data.get("detail", response.data)
                                             if isinstance(response.data, dict) else response.data)}  # fmt: skip
    if isinstance(error, exceptions.Throttled) and error.wait is not None:
        response["Retry-After"] = str(int(error.wait))
    return response
