"""Error pages in the service's own layout. Django's own 403, 404 and 500 views render the
templates of those names; a 400 (an address the page cannot read) says what is wrong."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "400.html", {"exception": str(exception)}, status=400)
