from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from compactwatch.api import docs, imports, views

app_name = "api"

compact = "compacts/<slug:slug>/"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.ApiDocs.as_view(), name="docs"),
    path("token/", views.Token.as_view(), name="token"),
    path("compacts/", views.CompactList.as_view(), name="compacts"),
    path(compact, views.CompactDetail.as_view(), name="compact"),
    path(compact + "editions/<slug:edition>/", views.EditionDetail.as_view(), name="edition"),
    path(compact + "organisations/", views.OrganisationList.as_view(), name="organisations"),
    path(compact + "figures/", views.Figures.as_view(), name="figures"),
    path(
        compact + "consultations/",
        views.RECORD_VIEWS["consultation"][0].as_view(),
        name="consultations",
    ),
    path(
        compact + "consultations/<str:ref>/",
        views.RECORD_VIEWS["consultation"][1].as_view(),
        name="consultation",
    ),
    path(
        compact + "funding-agreements/",
        views.RECORD_VIEWS["funding_agreement"][0].as_view(),
        name="agreements",
    ),
    path(
        compact + "funding-agreements/<str:ref>/",
        views.RECORD_VIEWS["funding_agreement"][1].as_view(),
        name="agreement",
    ),
    path(
        compact + "funding-changes/",
        views.RECORD_VIEWS["funding_change"][0].as_view(),
        name="changes",
    ),
    path(
        compact + "funding-changes/<str:ref>/",
        views.RECORD_VIEWS["funding_change"][1].as_view(),
        name="change",
    ),
    path(compact + "imports/", imports.ImportList.as_view(), name="imports"),
    path(compact + "imports/<int:pk>/", imports.ImportDetail.as_view(), name="import"),
    path(
        compact + "imports/<int:pk>/cancel/", imports.ImportCancel.as_view(), name="import_cancel"
    ),
    # Last: any other address under the API answers 404 in the API's error shape.
    re_path(r"^(?:.*/)?$", views.not_found),
]
