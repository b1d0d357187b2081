"""Simple bar charts drawn as SVG by the template from these shapes, server side.

Each chart's figures are also given as a table beside it (the template renders both from
the same `Chart`), and a sentence says what it shows for those who cannot see it.
Only geometry is computed here; words come from the report's figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

WIDTH = 640  # the drawing's own units; it scales to the page
BAR_WIDTH = 420
BAR_HEIGHT = 16
ROW_GAP = 14
# GOV.UK Frontend's colours, each at least 3:1 against white (WCAG 1.4.11), as SVG `fill`
# attributes: they print, and a strict Content Security Policy allows them.
COLOURS = {
    "this-year": "#1d70b8", "last-year": "#505a5f", "met": "#00703c", "explained": "#1d70b8",
    "not-met": "#d4351c", "unknown": "#6f777b",
}  # fmt: skip


@dataclass
class Bar:
    label: str  # what the bar is (this year, last year, met ...)
    css: str  # its colour class
    x: int
    width: int
    words: str  # its figure in words: "14 of 20"
    y: int = 0

    @property
    def colour(self) -> str:
        return COLOURS[self.css]

    @property
    def words_x(self) -> int:
        return self.x + self.width + 6

    @property
    def words_y(self) -> int:
        return self.y + BAR_HEIGHT - 3


@dataclass
class Row:
    label: str
    y: int
    bars: list[Bar] = field(default_factory=list)

    @property
    def label_y(self) -> int:
        return self.y + 15


@dataclass
class Chart:
    id: str
    title: str
    summary: str  # the text alternative
    rows: list[Row]
    height: int
    legend: list[tuple[str, str]]  # (colour, words)
    words_beside: bool = False  # each bar's figure written beside it

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def bar_height(self) -> int:
        return BAR_HEIGHT


def share_chart(
    chart_id: str, title: str, summary: str, rows: list[dict[str, Any]]
) -> Chart | None:
    """Two bars a row, this year above last year, each as long as its share ("14 of 20"
    is 70% of the width). Rows without a count and total (medians) are left to the table."""
    drawn, y = [], 0
    for row in rows:
        bars = []
        for key, label, css in (
            ("this_year", "This year", "this-year"),
            ("last_year", "Last year", "last-year"),
        ):
            figure = row[key]
            if not figure.get("total") or figure.get("count") is None:
                continue
            width = round(BAR_WIDTH * figure["count"] / figure["total"])
            bar_y = y + 22 + len(bars) * (BAR_HEIGHT + 4)
            bars.append(Bar(label, css, 0, width, figure["words"], bar_y))
        if not bars:
            continue
        drawn.append(Row(row["name"], y, bars))
        y += 22 + len(bars) * (BAR_HEIGHT + 4) + ROW_GAP
    if not drawn:
        return None
    legend = [(COLOURS["this-year"], "This year"), (COLOURS["last-year"], "Last year")]
    return Chart(chart_id, title, summary, drawn, y, legend, words_beside=True)


STATUS_BARS = (
    ("met", "Met", "met"),
    ("explained", "Explained", "explained"),
    ("not_met", "Not met", "not-met"),
    ("unknown", "Unknown", "unknown"),
)


def stacked_chart(
    chart_id: str, title: str, summary: str, rows: list[dict[str, Any]]
) -> Chart | None:
    """One stacked bar a row: met, explained, not met, unknown, each as long as its count
    is of the row's total."""
    drawn, y = [], 0
    for row in rows:
        total = sum(row[key] for key, _, _ in STATUS_BARS)
        if not total:
            continue
        x, bars = 0, []
        for key, label, css in STATUS_BARS:
            width = round(BAR_WIDTH * row[key] / total)
            if row[key]:
                bars.append(Bar(label, css, x, width, f"{row[key]:,} {label.lower()}", y + 22))
            x += width
        drawn.append(Row(row["name"], y, bars))
        y += 22 + BAR_HEIGHT + ROW_GAP
    if not drawn:
        return None
    legend = [(COLOURS[css], label) for _, label, css in STATUS_BARS]
    return Chart(chart_id, title, summary, drawn, y, legend)
