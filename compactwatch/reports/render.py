"""One template for the annual report's page and its PDF (web/reports/annual.html).

The page extends the site's layout; the PDF extends a print layout with its own CSS for
WeasyPrint (A4, page numbers, headings kept with what follows, table rows not split).
Both render the report's snapshot only, with the charts drawn from the same figures as the
tables beside them.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from compactwatch.reports.charts import share_chart, stacked_chart
from compactwatch.reports.models import AnnualReport, PartnerResponse

TEMPLATE = "web/reports/annual.html"
PRINT_BASE = "web/reports/print_base.html"
WEB_BASE = "web/base.html"


def charts(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The report's charts by section, each drawn from the rows its table shows."""
    year = snapshot.get("year")
    indicators = snapshot.get("indicators") or {}
    findings = snapshot.get("findings") or []
    return {
        "indicators": share_chart(
            "chart-indicators",
            f"The indicators in {year} and {year - 1 if year else ''}",
            "Each indicator's share this year above last year's, as a bar; the counts are in "
            "the table below.",
            indicators.get("rows", []),
        ),
        "findings": stacked_chart(
            "chart-findings",
            f"How the records of {year} stand on each commitment",
            "For each commitment, one bar split into the records that met it, explained why "
            "not, did not meet it, or could not be judged; the counts are in the table below.",
            [{**row, "name": row["commitment"]} for row in findings],
        ),
    }


def responses_shown(report: AnnualReport) -> list[dict[str, str]]:
    """The responses a report prints: frozen with it once published, else the final ones."""
    if report.is_published:
        return list(report.snapshot.get("responses", []))
    if report.pk is None:  # the officer's page of a report not made yet
        return []
    final = report.responses.filter(status=PartnerResponse.Status.FINAL)
    return [
        {"organisation": response.organisation.name, "text": response.text}
        for response in final.select_related("organisation").order_by("organisation__name")
    ]


def context(report: AnnualReport, *, for_print: bool) -> dict[str, Any]:
    return {
        "report": report,
        "snapshot": report.snapshot,
        "charts": charts(report.snapshot) if report.snapshot else {},
        "responses": responses_shown(report),
        "for_print": for_print,
        "base_template": PRINT_BASE if for_print else WEB_BASE,
    }


def print_html(report: AnnualReport) -> str:
    """The report as a standalone HTML document (the command's --html, and the PDF's source)."""
    return render_to_string(TEMPLATE, context(report, for_print=True))


def pdf(report: AnnualReport) -> bytes:
    """The report as a PDF, made by WeasyPrint from the same template."""
    from weasyprint import HTML  # imported when needed: it loads fonts and Pango

    return HTML(string=print_html(report), base_url=".").write_pdf()
