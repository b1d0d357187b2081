from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from compactwatch.api import cases, docs, imports, indicators, open_data, views
from compactwatch.records.models import RECORD_MODELS

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
    path(compact + "indicators/", indicators.Indicators.as_view(), name="indicators"),
    # Each kind of record: its list, and one record by its id (which may hold "/").
    *(
        path(compact + f"{model.traits.api_path}/{tail}", view.as_view(), name=name)
        for model in RECORD_MODELS.values()
        for tail, view, name in zip(
            ("", "<path:ref>/"),
            views.RECORD_VIEWS[model.traits.type],
            (f"{model.traits.finding_link}s", model.traits.finding_link),
            strict=True,
        )
    ),
    # Disagreements (issue 13): cases and their steps.
    path(compact + "cases/", cases.CaseList.as_view(), name="cases"),
    path(compact + "cases/<str:ref>/", cases.CaseDetail.as_view(), name="case"),
    path(compact + "cases/<str:ref>/steps/", cases.CaseSteps.as_view(), name="case_steps"),
    # Open data (issue 14): the tables of the download, as JSON.
    path(compact + "open-data/", open_data.OpenDataIndex.as_view(), name="open_data"),
    path(
        compact + "open-data/<slug:table>/",
        open_data.OpenDataRows.as_view(),
        name="open_data_table",
    ),
    path(compact + "imports/", imports.ImportList.as_view(), name="imports"),
    path(compact + "imports/<int:pk>/", imports.ImportDetail.as_view(), name="import"),
    path(
        compact + "imports/<int:pk>/cancel/", imports.ImportCancel.as_view(), name="import_cancel"
    ),
    # Last: any other address under the API answers 404 in the API's error shape.
    re_path(r"^(?:.*/)?$", views.not_found),
]
