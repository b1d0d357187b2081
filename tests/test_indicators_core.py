"""The pure rules of indicators: reading indicator files, figures in words, medians."""

from __future__ import annotations

import copy
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compactwatch.compact.compact import CompactEditions
from compactwatch.compact.indicators import (
    MEASURES,
    IndicatorFileError,
    Tally,
    load_indicators,
    median,
    median_figure,
    middle_positions,
    share,
    shipped_documents,
    shipped_indicators,
    tally,
    tally_groups,
)

CAUTION = "too few to mean much"


def _known() -> dict[str, set[str]]:
    return {
        commitment.citation: {standard.check for standard in commitment.standards}
        for edition in CompactEditions.shipped()
        for commitment in edition.commitments
    }


def _shipped_document() -> dict:
    return copy.deepcopy(shipped_documents()["cambridgeshire"][0])


# ---------------------------------------------------------------- the shipped file


def test_the_shipped_file_loads_against_the_shipped_editions():
    found = load_indicators(_shipped_document(), "cambridgeshire.yaml", _known())
    assert found == shipped_indicators()["cambridgeshire"]
    assert found.source == "cambridgeshire-2007/5.1"
    assert found.too_small_below == 10 and found.too_small_words == CAUTION


def test_the_shipped_set_has_at_least_the_indicators_the_issue_names():
    measures = {item.measure for item in shipped_indicators()["cambridgeshire"].indicators}
    assert measures == set(MEASURES)


def test_the_seeds_set_no_targets():
    assert all(item.target is None for item in shipped_indicators()["cambridgeshire"].indicators)


# ---------------------------------------------------------------- problems


def test_every_problem_is_listed_at_once_naming_file_indicator_and_field():
    document = _shipped_document()
    document["indicators"][0]["measure"] = "happiness"
    del document["indicators"][1]["name"]
    document["indicators"][2]["colour"] = "red"
    document["too_small"]["below"] = 0
    with pytest.raises(IndicatorFileError) as raised:
        load_indicators(document, "ours.yaml")
    problems = raised.value.problems
    assert len(problems) == 4
    text = "\n".join(problems)
    assert (
        "ours.yaml: indicator consultations-full-length, field measure: 'happiness' is not one of"
        in text
    )
    assert "ours.yaml: indicator funding-ends-with-notice, field name: is missing" in text
    assert (
        "ours.yaml: indicator median-notice, field colour: is not a field this format knows" in text
    )
    assert "ours.yaml, field too_small.below:" in text


def test_a_commitment_must_exist_and_serve_the_measures_standard():
    document = _shipped_document()
    document["indicators"][0]["commitment"] = "cambridgeshire-refreshed/2.5"  # feedback, not length
    document["indicators"][3]["earlier_commitments"] = ["cambridgeshire-2007/9.9"]
    with pytest.raises(IndicatorFileError) as raised:
        load_indicators(document, "ours.yaml", _known())
    assert raised.value.problems == [
        "ours.yaml: indicator consultations-full-length, field commitment: "
        "'cambridgeshire-refreshed/2.5' has no consultation_length standard for "
        "consultations_full_length_or_reason to count",
        "ours.yaml: indicator agreements-with-rationale, field earlier_commitments[0]: "
        "'cambridgeshire-2007/9.9' is not a commitment of this Compact's editions",
    ]


def test_indicator_ids_are_unique():
    document = _shipped_document()
    document["indicators"][1]["id"] = document["indicators"][0]["id"]
    with pytest.raises(IndicatorFileError, match="used by an earlier indicator"):
        load_indicators(document, "ours.yaml")


def test_a_financial_year_is_not_a_period_this_code_counts():
    document = _shipped_document()
    document["period"]["value"] = "financial_year"
    with pytest.raises(IndicatorFileError, match=r"field period\.value"):
        load_indicators(document, "ours.yaml")


def test_not_a_mapping_at_all():
    with pytest.raises(IndicatorFileError, match=r"ours\.yaml"):
        load_indicators(["a list"], "ours.yaml")


# ---------------------------------------------------------------- figures


@pytest.mark.parametrize(("total", "too_small"), [(9, True), (10, False), (0, True)])
def test_too_small_at_its_boundary(total, too_small):
    figure = share(Tally(min(total, 3), total), 10, CAUTION)
    assert figure.too_small is too_small
    assert figure.caution == (CAUTION if too_small else "")


def test_a_share_in_words_with_its_count_never_a_bare_percentage():
    figure = share(Tally(14, 20, unknown=3), 10, CAUTION)
    assert (figure.words, figure.percent, figure.unknown) == ("14 of 20", 70, 3)
    assert share(Tally(0, 0), 10, CAUTION).words == "none to count"
    assert share(Tally(0, 0), 10, CAUTION).percent is None
    assert share(Tally(1, 3), 1, CAUTION).percent == 33
    assert share(Tally(2, 3), 1, CAUTION).percent == 67
    assert share(Tally(1, 8), 1, CAUTION).percent == 13  # 12.5 rounds half up, not to even


def test_small_counts_are_withheld_when_asked():
    assert share(Tally(2, 12), 10, CAUTION, smallest_shown=5).words == "fewer than 5 of 12"
    assert share(Tally(2, 12), 10, CAUTION, smallest_shown=5).count is None
    assert share(Tally(5, 12), 10, CAUTION, smallest_shown=5).words == "5 of 12"
    assert share(Tally(2, 3), 10, CAUTION, smallest_shown=5).words == "fewer than 5 in all"
    assert share(Tally(2, 3), 10, CAUTION, smallest_shown=5).total is None
    assert tally(4, "disagreement", smallest_shown=5).words == "fewer than 5 disagreements"
    assert tally(5, "disagreement", smallest_shown=5).words == "5 disagreements"
    assert tally(1, "disagreement").words == "1 disagreement"
    assert tally(1234, "disagreement").words == "1,234 disagreements"


@pytest.mark.parametrize(
    ("values", "expected"),
    [([], None), ([7], 7.0), ([3, 1, 2], 2.0), ([4, 1, 3, 2], 2.5), ([6, 6, 13, 13.4], 9.5)],
)
def test_median_of_odd_and_even_counts(values, expected):
    assert median(values) == expected


@pytest.mark.parametrize(("count", "positions"), [(0, (0, 0)), (1, (0, 1)), (2, (0, 2)),
                                                  (5, (2, 3)), (6, (2, 4))])  # fmt: skip
def test_the_middle_positions_a_database_returns(count, positions):
    assert middle_positions(count) == positions


@given(st.lists(st.integers(-1000, 1000), min_size=1, max_size=60))
def test_the_median_of_the_middle_rows_is_the_median_of_them_all(values):
    start, stop = middle_positions(len(values))
    assert median(sorted(values)[start:stop]) == statistics.median(values)


def test_a_median_in_words():
    figure = median_figure([9.0], 12, "weeks", "notice", 10, CAUTION)
    assert (figure.words, figure.value, figure.count, figure.total) == (
        "median 9 weeks (from 12 notices)", 9.0, 12, None)  # fmt: skip
    assert not figure.too_small
    assert median_figure([6, 13], 4, "weeks", "notice", 10, CAUTION).words == (
        "median 9.5 weeks (from 4 notices)"
    )
    assert median_figure([], 0, "weeks", "notice", 10, CAUTION).words == "no notices to count"
    assert median_figure([13.43], 1, "weeks", "notice", 10, CAUTION).words == (
        "median 13.4 weeks (from 1 notice)"
    )
    assert median_figure([9.0], 9, "weeks", "notice", 10, CAUTION).too_small


groups = st.lists(
    st.tuples(st.sampled_from("abcde"), st.sampled_from([True, False, None]), st.integers(0, 500)),
    max_size=40,
)


@given(groups)
def test_count_never_exceeds_total_and_bodies_add_up_to_the_whole(rows):
    per_body, whole = tally_groups(rows)
    for counted in [*per_body.values(), whole]:
        assert 0 <= counted.count <= counted.total
        figure = share(counted, 10, CAUTION)
        assert figure.count is not None and figure.total is not None
        assert figure.count <= figure.total
        assert figure.percent is None or 0 <= figure.percent <= 100
    assert sum(t.count for t in per_body.values()) == whole.count
    assert sum(t.total for t in per_body.values()) == whole.total
    assert sum(t.unknown for t in per_body.values()) == whole.unknown


def test_the_schema_names_every_measure_the_code_counts_and_no_other():
    import json
    from importlib import resources

    text = resources.files("compactwatch.compact.indicators").joinpath("indicators.schema.json")
    schema = json.loads(text.read_text(encoding="utf-8"))
    enum = schema["properties"]["indicators"]["items"]["properties"]["measure"]["enum"]
    assert sorted(enum) == sorted(MEASURES)
