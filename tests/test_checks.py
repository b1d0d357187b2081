"""Each measurable commitment's check at its boundaries, for every status it can give."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from record_helpers import findings_for

R = "cambridgeshire-refreshed"
E07 = "cambridgeshire-2007"


def status(section, fields, citation, edition=None, **kwargs):
    findings = findings_for(section, fields, edition, **kwargs)
    return findings[citation].status.value if citation in findings else None


def change(notice, effective, **fields):
    return {"change": "end", "notice_given": notice, "effective": effective, **fields}


GOOD_NOTICE = {"in_writing": True, "rationale": "Programme closed"}


# --------------------------------------------------------------- refreshed 4.5 notice
@pytest.mark.parametrize(
    ("notice", "effective", "fields", "expected"),
    [
        ("2016-01-31", "2016-04-30", GOOD_NOTICE, "met"),  # exactly three months
        ("2016-02-01", "2016-04-30", GOOD_NOTICE, "not_met"),  # a day short
        ("2015-11-30", "2016-02-29", GOOD_NOTICE, "met"),  # 30 Nov + 3 months, leap year
        ("2015-12-01", "2016-02-29", GOOD_NOTICE, "not_met"),
        (
            "2016-02-01",
            "2016-04-30",
            {**GOOD_NOTICE, "exceptional_circumstances": "Fire"},
            "explained",
        ),
        (
            "2016-02-01",
            "2016-04-30",
            {"exceptional_circumstances": "Fire", "in_writing": False, "rationale": "x"},
            "not_met",
        ),
        ("2016-01-31", "2016-04-30", {"in_writing": False, "rationale": "x"}, "not_met"),
        ("2016-01-31", "2016-04-30", {"rationale": "x"}, "unknown"),  # in writing not recorded
        ("2016-01-31", "2016-04-30", {"in_writing": True, "rationale": False}, "not_met"),
        ("2016-01-31", "2016-04-30", {"in_writing": True}, "unknown"),
        ("2016-02-01", "2016-04-30", {"in_writing": True}, "not_met"),  # worst wins
        (None, "2016-04-30", GOOD_NOTICE, "unknown"),
        ("2016-05-01", "2016-04-30", GOOD_NOTICE, "not_met"),  # notice after the change
    ],
)
def test_refreshed_4_5_notice(notice, effective, fields, expected):
    record = change(notice, effective, **fields)
    # Judged by the refreshed edition both by choice and by its date.
    assert status("funding_changes", record, f"{R}/4.5", R) == expected
    if notice:
        assert status("funding_changes", record, f"{R}/4.5") == expected


def test_notice_message_names_the_figures():
    findings = findings_for("funding_changes", change("2016-01-01", "2016-02-12", **GOOD_NOTICE))
    assert findings[f"{R}/4.5"].message == (
        "Notice of 6 weeks was given; the Compact asks for at least 3 months in writing (4.5)."
    )
    assert findings[f"{R}/4.5"].strength == "must"


def test_notice_applies_to_every_kind_of_change():
    for kind in ("end", "reduce", "vary"):
        record = {**change("2016-01-31", "2016-04-30", **GOOD_NOTICE), "change": kind}
        assert status("funding_changes", record, f"{R}/4.5") == "met"


# --------------------------------------------------------------- 2007 3.2 notice
@pytest.mark.parametrize(
    ("days", "fields", "expected"),
    [
        (84, {}, "met"),  # exactly 12 weeks; writing and rationale not asked for in 2007
        (83, {}, "not_met"),
        (83, {"mutual_agreement": True}, "explained"),
        (83, {"mutual_agreement": False}, "not_met"),
        (83, {"exceptional_circumstances": "Fire"}, "not_met"),  # not a 2007 departure
    ],
)
def test_2007_3_2_notice(days, fields, expected):
    notice = date(2009, 1, 5)
    record = change(notice.isoformat(), (notice + timedelta(days=days)).isoformat(), **fields)
    assert status("funding_changes", record, f"{E07}/3.2") == expected
    assert status("funding_changes", record, f"{E07}/3.2", E07) == expected
    findings = findings_for("funding_changes", record)
    assert all(citation.startswith(E07) for citation in findings)
    assert findings[f"{E07}/3.2"].strength == "aim"


# --------------------------------------------------------------- 4.2 impact, 4.1 timetable
@pytest.mark.parametrize(
    ("kind", "assessed", "expected"),
    [
        ("end", "2016-01-31", "met"),  # on the day notice was given
        ("end", "2016-02-01", "not_met"),
        ("reduce", "2016-01-01", "met"),
        ("reduce", False, "not_met"),
        ("end", None, "unknown"),
        ("vary", "2016-01-01", None),  # 4.2 is about reducing or ending funding
    ],
)
def test_refreshed_4_2_impact(kind, assessed, expected):
    record = {**change("2016-01-31", "2016-04-30"), "change": kind, "impact_assessed": assessed}
    assert status("funding_changes", record, f"{R}/4.2") == expected


@pytest.mark.parametrize(
    ("performance", "agreed", "expected"),
    [
        (True, "2016-01-30", "met"),  # the day before notice
        (True, "2016-01-31", "not_met"),  # not before notice
        (True, False, "not_met"),
        (True, None, "unknown"),
        (False, "2016-01-30", None),
        (None, "2016-01-30", None),
    ],
)
def test_refreshed_4_1_timetable(performance, agreed, expected):
    record = {
        **change("2016-01-31", "2016-04-30"),
        "performance_related": performance,
        "improvement_timetable_agreed": agreed,
    }
    assert status("funding_changes", record, f"{R}/4.1") == expected


# --------------------------------------------------------------- funding agreements
def agreement(**fields):
    return {"funder": "ccc", "recipient": "Example Trust", "award_date": "2015-03-01", **fields}


@pytest.mark.parametrize(
    ("end", "fields", "expected"),
    [
        ("2016-03-31", {}, "not_met"),  # exactly 12 months is not multi-year
        ("2016-04-01", {}, "met"),
        ("2016-03-31", {"single_year_rationale": "Pilot year"}, "explained"),
        (None, {}, "unknown"),
    ],
)
def test_refreshed_3_4_multi_year(end, fields, expected):
    record = agreement(start="2015-04-01", end=end, **fields)
    assert status("funding_agreements", record, f"{R}/3.4") == expected


@pytest.mark.parametrize(
    ("rationale", "expected"),
    [("Scored 8/10", "met"), (False, "not_met"), (None, "unknown"), ("  ", "unknown")],
)
def test_refreshed_3_3_rationale(rationale, expected):
    record = agreement(decision_rationale=rationale)
    assert status("funding_agreements", record, f"{R}/3.3") == expected


@pytest.mark.parametrize(
    ("agreed", "expected"),
    [
        ("2015-03-01", "met"),
        ("2015-02-20", "met"),
        ("2015-03-02", "not_met"),
        (False, "not_met"),
        (None, "unknown"),
    ],
)
def test_refreshed_3_6_monitoring(agreed, expected):
    assert status("funding_agreements", agreement(monitoring_agreed=agreed), f"{R}/3.6") == expected


def test_3_6_unknown_without_award_date():
    record = {"funder": "ccc", "monitoring_agreed": "2015-02-01"}
    assert status("funding_agreements", record, f"{R}/3.6", R) == "unknown"


@pytest.mark.parametrize(
    ("kind", "end", "expected"),
    [
        ("contract", "2011-03-31", "met"),  # 1 Apr 2008 to 31 Mar 2011: exactly three years
        ("contract", "2011-03-30", "not_met"),
        ("service_agreement", "2011-03-31", "met"),
        ("Service agreement", "2010-03-31", "not_met"),
        ("grant", "2009-03-31", None),  # 3.2's term is about contracts and service agreements
        (None, "2009-03-31", None),
        ("contract", None, "unknown"),
    ],
)
def test_2007_3_2_term(kind, end, expected):
    record = {"kind": kind, "award_date": "2008-03-01", "start": "2008-04-01", "end": end}
    assert status("funding_agreements", record, f"{E07}/3.2") == expected


# --------------------------------------------------------------- consultations
def consultation(opens, days, **fields):
    closes = date.fromisoformat(opens) + timedelta(days=days - 1)
    return {
        "organisation": "ccc",
        "title": "Review",
        "opens": opens,
        "closes": closes.isoformat(),
        **fields,
    }


@pytest.mark.parametrize(
    ("days", "fields", "expected"),
    [
        (84, {"formal": True}, "met"),  # 5 Jan to 29 Mar 2015: exactly 12 weeks
        (83, {"formal": True}, "not_met"),
        (83, {"formal": True, "shorter_period_rationale": "Statutory deadline"}, "explained"),
        (84, {"formal": False}, "not_met"),
        (84, {"formal": False, "shorter_period_rationale": "Workshops instead"}, "explained"),
        (84, {}, "unknown"),
        (60, {}, "not_met"),
    ],
)
def test_refreshed_2_4_length(days, fields, expected):
    assert (
        status("consultations", consultation("2015-01-05", days, **fields), f"{R}/2.4") == expected
    )


def test_exactly_twelve_weeks_is_5_january_to_29_march():
    record = {"opens": "2015-01-05", "closes": "2015-03-29", "formal": True}
    assert status("consultations", record, f"{R}/2.4") == "met"
    record["closes"] = "2015-03-28"
    assert status("consultations", record, f"{R}/2.4") == "not_met"


@pytest.mark.parametrize(
    ("days", "fields", "expected"),
    [
        (84, {}, "met"),
        (84, {"formal": False}, "met"),  # 2007 asks only for the length
        (83, {}, "not_met"),
        (83, {"shorter_period_rationale": "Urgent"}, "explained"),
    ],
)
def test_2007_3_4_length(days, fields, expected):
    record = consultation("2010-01-04", days, **fields)
    assert status("consultations", record, f"{E07}/3.4") == expected
    assert findings_for("consultations", record)[f"{E07}/3.4"].strength == "aim"


@pytest.mark.parametrize(
    ("feedback", "as_of", "expected"),
    [
        ("2015-03-29", date(2016, 1, 1), "met"),  # on the closing day
        ("2015-06-01", date(2016, 1, 1), "met"),
        ("2015-03-28", date(2016, 1, 1), "not_met"),  # before it closed
        (False, date(2016, 1, 1), "not_met"),
        (None, date(2016, 1, 1), "unknown"),
        (None, date(2015, 3, 28), "unknown"),  # not yet closed
        (False, date(2015, 3, 28), "unknown"),
        ("2015-06-01", date(2015, 5, 1), "unknown"),  # recorded for a day after as-of
    ],
)
def test_refreshed_2_5_feedback(feedback, as_of, expected):
    record = {"opens": "2015-01-05", "closes": "2015-03-29", "feedback_published": feedback}
    assert status("consultations", record, f"{R}/2.5", as_of=as_of) == expected


# --------------------------------------------------------------- organisations
@pytest.mark.parametrize(
    ("sector", "paid", "expected"),
    [
        ("voluntary", True, "met"),
        ("voluntary", False, "not_met"),
        ("voluntary", None, "unknown"),
        ("public", False, None),
    ],
)
def test_refreshed_1_8_dbs(sector, paid, expected):
    record = {"name": "Group", "sector": sector, "dbs_checks_paid_by_organisation": paid}
    assert status("organisations", record, f"{R}/1.8", R) == expected


@pytest.mark.parametrize(
    ("kind", "lead", "expected"),
    [
        ("local_authority", {"name": "Cllr A", "role": "councillor"}, "met"),
        ("local_authority", {"name": "B", "role": "board_member"}, "not_met"),
        ("local_authority", {"name": "C", "role": "Head of Communities"}, "not_met"),
        ("charity", {"name": "D", "role": "board_member"}, "met"),
        ("charity", {"name": "E", "role": "Management committee member"}, "met"),
        ("charity", {"name": "F", "role": "councillor"}, "not_met"),
        ("charity", {"name": "G"}, "unknown"),
        ("charity", False, "not_met"),
        ("charity", None, "unknown"),
        (None, {"name": "H", "role": "councillor"}, "unknown"),
    ],
)
def test_2007_5_4_compact_lead(kind, lead, expected):
    record = {"name": "Org", "sector": "public", "kind": kind, "compact_lead": lead}
    assert status("organisations", record, f"{E07}/5.4", E07) == expected


def test_organisations_are_judged_by_the_edition_in_force_on_as_of():
    record = {"name": "Org", "sector": "voluntary", "dbs_checks_paid_by_organisation": True}
    assert set(findings_for("organisations", record, as_of=date(2010, 1, 1))) == {f"{E07}/5.4"}
    assert set(findings_for("organisations", record, as_of=date(2013, 1, 1))) == {f"{R}/1.8"}


# --------------------------------------------------------------- choosing the edition
@pytest.mark.parametrize(
    ("opens", "expected"),
    [
        ("2007-01-31", set()),  # before the first edition
        ("2007-02-01", {f"{E07}/3.4"}),
        ("2012-11-30", {f"{E07}/3.4"}),
        ("2012-12-01", {f"{R}/2.4", f"{R}/2.5"}),
    ],
)
def test_edition_in_force_on_the_key_date(opens, expected):
    record = consultation(opens, 84, formal=True)
    assert set(findings_for("consultations", record)) == expected


def test_in_force_dates_can_be_set_for_a_compact():
    from compactwatch.compact.compact import CompactEditions

    editions = CompactEditions.shipped({R: date(2011, 1, 1)})
    assert editions.in_force_on(date(2011, 6, 1)).id == R
    assert editions.in_force_on(date(2010, 12, 31)).id == E07


# --------------------------------------------------------------- the edges of the calendar
# The reader keeps record dates within 1900-2199; the checks must still never fail on any
# date Python holds (records reach them from elsewhere too).
any_day = st.one_of(
    st.none(),
    st.dates(min_value=date.min, max_value=date(2, 12, 31)),
    st.dates(min_value=date(9998, 1, 1), max_value=date.max),
    st.dates(),
)


@settings(max_examples=150, derandomize=True, deadline=None)
@given(
    section=st.sampled_from(["consultations", "funding_agreements", "funding_changes"]),
    first=any_day,
    second=any_day,
    third=any_day,
    as_of=st.dates(),
)
def test_checks_never_fail_on_dates_at_the_edges_of_the_calendar(
    section, first, second, third, as_of
):
    from record_helpers import EDITIONS

    from compactwatch.compact.engine import check_record
    from compactwatch.compact.records import FIELDS

    dates = {
        "consultations": {"opens": first, "closes": second, "feedback_published": third},
        "funding_agreements": {"start": first, "end": second, "award_date": third,
                               "monitoring_agreed": second},
        "funding_changes": {"notice_given": first, "effective": second,
                            "impact_assessed": third, "improvement_timetable_agreed": first},
    }[section]  # fmt: skip
    record = {name: None for name in FIELDS[section]}
    record.update(id="r1", formal=True, in_writing=True, performance_related=True, **dates)
    record.update(change="end", kind="contract", rationale="x")
    for edition in (None, *EDITIONS):
        for finding in check_record(section, record, EDITIONS, as_of, edition):
            assert finding.message
