"""Indicators (2007 edition, 5.1: "relevant indicators to show whether 'a compact way of
working' is being adopted"): the pure rules, no Django.

    found = shipped_indicators()["cambridgeshire"]       # or load_indicators(document, name)
    found.indicators[0].name, .definition, .measure, .commitment, .target, .about.counts
    found.too_small_below, found.too_small_words         # 10, "too few to mean much"
    share(Tally(14, 20), 10, "too few to mean much").words            # "14 of 20"
    median_figure([9.0], 12, "weeks", "notice", 10, "...").words      # "median 9 weeks (from 12 notices)"
    tally_groups(rows)    # per-group tallies and the whole, from grouped counts

`load_indicators` raises IndicatorFileError; `.problems` lists every problem at once, each
naming the file, the indicator and the field. The Django side (compactwatch.monitoring.
indicators) counts the records with grouped queries and builds the figures with these.
"""

from compactwatch.compact.indicators.definitions import (
    Indicator,
    IndicatorFileError,
    IndicatorSet,
    load_indicator_file,
    load_indicators,
    shipped_documents,
    shipped_indicators,
)
from compactwatch.compact.indicators.figure import (
    Figure,
    Tally,
    median,
    median_figure,
    middle_positions,
    share,
    tally,
    tally_groups,
)
from compactwatch.compact.indicators.measures import MEASURES, Measure

__all__ = [
    "MEASURES",
    "Figure",
    "Indicator",
    "IndicatorFileError",
    "IndicatorSet",
    "Measure",
    "Tally",
    "load_indicator_file",
    "load_indicators",
    "median",
    "median_figure",
    "middle_positions",
    "share",
    "shipped_documents",
    "shipped_indicators",
    "tally",
    "tally_groups",
]
