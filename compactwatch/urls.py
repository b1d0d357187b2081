from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def api_moved(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """The API's addresses before it was versioned (/api/...) lead to /api/v1/... (308: a
    client sends the same method and body again)."""
    return HttpResponsePermanentRedirect(
        request.get_full_path().replace("/api/", "/api/v1/", 1), preserve_request=True
    )


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("compactwatch.api.urls")),
    re_path(r"^api/(?!v1(?:/|$))", api_moved),
    path("", include("compactwatch.web.urls")),
]
