"""The API's documentation: Swagger UI, served from drf-spectacular-sidecar's files (nothing
is fetched from elsewhere). Its start-up script is a file of its own (`?script`) and the page
has no inline script or style, so the site's strict Content Security Policy holds here too."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.html import format_html
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.response import Response

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="{favicon}">
<link rel="stylesheet" href="{css}">
</head>
<body>
<main id="swagger-ui"></main>
<script src="{bundle}"></script>
<script src="{standalone}"></script>
<script src="{script}"></script>
</body>
</html>
"""


class ApiDocs(SpectacularSwaggerSplitView):
    url_name = "api:schema"
    title = "compactwatch API documentation"

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse | Response:
        response = super().get(request, *args, **kwargs)
        if request.GET.get("script") is not None:
            return response  # the start-up script
        page = response.data
        return HttpResponse(
            format_html(
                PAGE,
                title=page["title"],
                favicon=page["favicon_href"],
                css=page["swagger_ui_css"],
                bundle=page["swagger_ui_bundle"],
                standalone=page["swagger_ui_standalone"],
                script=page["script_url"],
            )
        )
