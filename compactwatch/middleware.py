"""Refuse requests whose parameters hold NUL characters: no text field can store them
(PostgreSQL refuses them), so they can only be mistakes or probes."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from compactwatch.limits import api_refusal


class RejectNulCharacters:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in value for values in request.GET.lists() for value in values[1]
        ):
            message = "The address holds a NUL character."
            if request.path_info.startswith("/api/"):
                return api_refusal(400, message)
            return HttpResponseBadRequest(message)
        return self.get_response(request)
