"""What a request may cost, in one place: the size of an upload, by where it is sent.

Files are refused from their declared length, before any of the body is read; a request
with a body and no declared length is refused too. Other limits live beside what they
bound and are listed in README ("Limits"): the records format's bounds (the core reader),
spreadsheets (threesixtygiving/workbook.py), JSON nesting, API paging.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

MB = 1 << 20


def api_refusal(status: int, message: str) -> JsonResponse:
    """A refusal made before the API's views, in the API's one error shape (api/errors.py)."""
    return JsonResponse(
        {"errors": [{"record": None, "field": None, "message": message}]}, status=status
    )


def size_in_words(count: int) -> str:
    """A size as people read it: 820 bytes, 4 KB, 1.5 MB."""
    if count < 1024:
        return f"{count:,} bytes"
    if count < MB:
        return f"{count / 1024:,.0f} KB"
    return f"{count / MB:,.1f} MB".replace(".0 MB", " MB")


def upload_limit(url_name: str) -> int:
    """The largest body a request to this view may send, in bytes."""
    return settings.UPLOAD_LIMITS.get(url_name, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class RequestSizeLimit:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("POST", "PUT", "PATCH"):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return self.get_response(request)
            name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
            limit = upload_limit(name or "")
            declared = request.META.get("CONTENT_LENGTH") or ""
            if not declared.isdigit():
                if request.META.get("HTTP_TRANSFER_ENCODING"):
                    return self._refuse(
                        request, 411, "Send the file with its length (Content-Length)."
                    )
            elif int(declared) > limit:
                return self._refuse(
                    request, 413,
                    f"The file is {size_in_words(int(declared))}; at most {size_in_words(limit)} "
                    "can be sent here. Split it into smaller files, or ask the Compact officer to "
                    "import it.",
                )  # fmt: skip
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return api_refusal(status, message)
        return render(request, "web/error.html", {"title": "The file is too large",
                                                  "message": message}, status=status)  # fmt: skip


HOUR = 3600


def client_address(request: HttpRequest) -> str:
    """The client's address as django-axes reads it (its proxy settings apply here too)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or "unknown"


def over_join_limit(request: HttpRequest) -> bool:
    """Counts a request to join from the client's address; True once more than
    JOIN_REQUESTS_PER_HOUR were sent from it in the hour since its first (a fixed window,
    kept in Django's cache: per process with the default local-memory cache)."""
    from django.core.cache import cache

    key = f"join-requests:{client_address(request)}"
    cache.add(key, 0, timeout=HOUR)  # starts the window; does nothing if one is open
    try:
        count = cache.incr(key)
    except ValueError:  # the window closed between the two calls
        cache.set(key, 1, timeout=HOUR)
        count = 1
    return count > settings.JOIN_REQUESTS_PER_HOUR
