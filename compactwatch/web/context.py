"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

SERVICE_NAME = "compactwatch"


def site(request: HttpRequest) -> dict[str, Any]:
    return {"service_name": SERVICE_NAME}
