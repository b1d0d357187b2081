"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from compactwatch.compacts.models import Compact

SERVICE_NAME = "compactwatch"


def _any_demonstration() -> bool:
    return Compact.objects.filter(demonstration=True).exists()


def site(request: HttpRequest) -> dict[str, Any]:
    # Lazy: the database is asked only by a page that shows the banner.
    return {
        "service_name": SERVICE_NAME,
        "demonstration": SimpleLazyObject(_any_demonstration),
    }
