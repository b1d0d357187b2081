"""Two-factor sign-in where the settings require it of officers
(COMPACTWATCH_REQUIRE_TWO_FACTOR=1): an officer signed in without it is sent to set it up,
and reaches nothing else until it is on. Django's admin signs in through the service's own
sign-in page, so that its code is asked for there too."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from compactwatch.changes import two_factor
from compactwatch.limits import api_refusal

SET_UP_FIRST = (
    "Officers of the Compact sign in with a code from an authenticator app as well as a "
    "password: set it up before going on."
)


class TwoFactorRequired:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path == reverse("admin:login") and (
            request.method == "POST" or not request.user.is_authenticated
        ):
            # The admin's own form would sign in with a password alone.
            query = urlencode({"next": request.GET.get("next", reverse("admin:index"))})
            return HttpResponseRedirect(f"{reverse('web:login')}?{query}")
        allowed = (reverse("web:two_factor"), reverse("web:logout"))
        exempt = path in allowed or path.startswith("/static/")
        if not exempt and two_factor.required_for(request.user):
            if path.startswith("/api/"):
                return api_refusal(403, SET_UP_FIRST)
            return HttpResponseRedirect(reverse("web:two_factor"))
        return self.get_response(request)
