"""The Compact's public pages: its home page, editions, search, planning, the records
format and its templates, and the frame around every page."""

import json
import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest

from compactwatch.changes.base import Actor
from compactwatch.changes.register import save_compact
from compactwatch.compact.format_guide import template_files
from compactwatch.compact.records import SECTIONS, read_records
from compactwatch.compact.search import MAX_QUERY_LENGTH

pytestmark = pytest.mark.django_db
C = "/compacts/cambridgeshire"


def visible(response) -> str:
    """A page's text as read: tags dropped, entities decoded, spaces joined."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def pin_today(monkeypatch, day: date) -> None:
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: day)


@pytest.fixture
def today(monkeypatch):
    """Pins the pages' today to 25 November 2026."""
    pin_today(monkeypatch, date(2026, 11, 25))


# The frame of every page ------------------------------------------------------------------


def test_every_page_links_its_icons_and_the_readable_documentation(client, compact):
    page = client.get(f"{C}/").content.decode()
    assert 'rel="icon" sizes="any" href="/static/compactwatch/favicon.svg"' in page
    assert 'href="/static/compactwatch/favicon.png" type="image/png"' in page
    for icon in ("favicon.svg", "favicon.png", "apple-touch-icon.png"):
        assert (Path("compactwatch/web/static/compactwatch") / icon).stat().st_size > 100
    # The footer's documentation links lead to pages people read, not files to download.
    for link in ("/records-format/", "/api/v1/docs/"):
        assert f'href="{link}"' in page
        response = client.get(link)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")


def test_a_demonstration_says_so_on_every_page(client, compact, officer):
    banner = "the records, leads and findings are invented"
    assert banner not in visible(client.get(f"{C}/"))
    compact.demonstration = True
    save_compact(Actor.system("test"), compact)
    for path in ("/", f"{C}/", f"{C}/plan/", f"{C}/search/?q=notice", "/records-format/",
                 "/no-such-page/"):  # fmt: skip
        assert banner in visible(client.get(path)), path
    client.force_login(officer)
    assert banner in visible(client.get(f"{C}/records/upload/"))


# The Compact's home page and its editions ------------------------------------------------


def test_the_home_page_gives_the_whole_introduction_with_its_list(client, compact):
    text = visible(client.get(f"{C}/"))
    assert "between the sectors and: acknowledges the voluntary sector’s breadth" in text
    assert "does not override any legal or statutory responsibilities." in text
    assert "At this time of financial challenge" in text
    assert (
        "The Cambridgeshire Compact: Final Revision following consultation, February 2007" in text
    )
    assert 'action="/compacts/cambridgeshire/search/"' in client.get(f"{C}/").content.decode()


def test_an_edition_page_has_contents_linking_each_section_and_names_whom_it_binds(client, compact):
    page = client.get(f"{C}/editions/cambridgeshire-refreshed/").content.decode()
    contents = page[
        page.index('id="contents-heading"') : page.index(
            "</nav>", page.index('id="contents-heading"')
        )
    ]
    targets = re.findall(r'href="#([^"]+)"', contents)
    assert len(targets) == len(set(targets)) > 10
    for target in targets:
        assert f'id="{target}"' in page, target
    # The two halves of an outcome are told apart in the contents.
    assert (
        "Outcome 4: Clear arrangements for managing changes to programmes and services: Undertakings for Cambridgeshire’s Public Sector Organisations"
        in unescape(contents)
    )
    text = visible(client.get(f"{C}/editions/cambridgeshire-refreshed/"))
    assert "For public bodies: a firm undertaking." in text
    assert "For voluntary and community groups" in text
    assert "public_bodies" not in text and "public bodies;" not in text
    assert (
        "4.5 Three months’ notice in writing" in text
        or "4.5 Three months' notice in writing" in text
    )
    older = visible(client.get(f"{C}/editions/cambridgeshire-2007/"))
    assert "For all partners" in older and "Glossary" in older


# Searching the Compact -------------------------------------------------------------------


def test_search_finds_commitments_in_words_edition_in_force_first_and_marks_the_words(
    client, compact, today
):
    response = client.get(f"{C}/search/", {"q": "Months NOTICE"})
    page = response.content.decode()
    hits = re.findall(
        r'<a class="govuk-link" href="(/compacts/cambridgeshire/editions/[^"]+)">([^<]+)</a>', page
    )
    assert hits[0] == ("/compacts/cambridgeshire/editions/cambridgeshire-refreshed/#c-4.5",
                       "4.5 Three months&#x27; notice in writing (refreshed edition)")  # fmt: skip
    assert "<mark>notice</mark>" in page and "<mark>months</mark>" in page
    assert "cambridgeshire-refreshed/4.5" not in visible(response)
    # Every word must be there: "notice" and "consultation" together are in no commitment.
    neither = visible(client.get(f"{C}/search/", {"q": "notice zebra"}))
    assert "No commitment holds every word of “notice zebra”" in neither
    assert "Fewer words find more" in neither


def test_search_refuses_an_overlong_query_and_answers_an_empty_one(client, compact):
    assert client.get(f"{C}/search/", {"q": "a" * MAX_QUERY_LENGTH}).status_code == 200
    too_long = client.get(f"{C}/search/", {"q": "a" * (MAX_QUERY_LENGTH + 1)})
    assert too_long.status_code == 400
    assert f"at most {MAX_QUERY_LENGTH} characters" in visible(too_long)
    empty = client.get(f"{C}/search/")
    assert empty.status_code == 200 and "How to search" in visible(empty)
    assert client.get("/compacts/nowhere/search/?q=notice").status_code == 404


# Plan a decision ---------------------------------------------------------------------------


def test_plan_says_when_the_latest_notice_day_has_passed_and_gives_the_earliest_date(
    client, compact, today
):
    passed = visible(client.get(f"{C}/plan/", {"effective": "2026-03-31"}))
    assert "The latest day to give notice was 31 December 2025, which has passed." in passed
    assert (
        "If notice is given today, 25 November 2026, the end or change can take effect on 25 February 2027 at the earliest."
        in passed
    )
    assert "Give notice by" not in passed
    # The last day still ahead: today itself.
    on_time = visible(client.get(f"{C}/plan/", {"effective": "2027-02-25"}))
    assert "Give notice by 25 November 2026" in on_time and "has passed" not in on_time
    assert (
        "Three months’ notice in writing (refreshed edition)" in on_time
        or "Three months' notice in writing (refreshed edition)" in on_time
    )
    assert "cambridgeshire-refreshed/" not in on_time


def test_plan_shows_the_compact_also_asks_only_when_it_asks_something(client, compact, monkeypatch):
    pin_today(monkeypatch, date(2026, 11, 25))
    newer = visible(client.get(f"{C}/plan/", {"effective-day": "1", "effective-month": "6",
                                               "effective-year": "2027"}))  # fmt: skip
    assert "The Compact also asks" in newer and "(4.2 Impact assessed" in newer
    # Planned in 2009, under the 2007 edition, which asks only for the notice itself.
    pin_today(monkeypatch, date(2009, 1, 5))
    older = visible(client.get(f"{C}/plan/", {"effective": "2010-06-01"}))
    assert "Give notice by 9 March 2010" in older and "(2007 edition)" in older
    assert "The Compact also asks" not in older


def test_plan_takes_the_date_as_its_hint_shows_it_and_says_what_is_wrong(client, compact, today):
    page = visible(client.get(f"{C}/plan/"))
    assert "The date the end or change would take effect, for example 31 3 2026" in page
    example = client.get(
        f"{C}/plan/", {"opens-day": "31", "opens-month": "3", "opens-year": "2026"}
    )
    assert "Close no earlier than 22 June 2026" in visible(example)
    assert 'name="opens-day" type="text" inputmode="numeric" value="31"' in example.content.decode()
    for parts, message in [
        (("31", "2", "2026"), "Enter a real date, for example 31 3 2026"),
        (("", "3", "2026"), "The date must include a day"),
        (("31", "", ""), "The date must include a month and a year"),
        (("x", "3", "2026"), "Enter the day, month and year in numbers, for example 31 3 2026"),
        (("1", "1", "1899"), "Enter a date from 1 January 1900 to 31 December 2199"),
    ]:
        response = client.get(
            f"{C}/plan/",
            dict(zip(("effective-day", "effective-month", "effective-year"), parts, strict=True)),
        )
        assert response.status_code == 200
        text = visible(response)
        assert message in text and "There is a problem" in text, (parts, text[:300])
        assert 'href="#effective-day"' in response.content.decode()
    assert "Enter a real date, for example 31 3 2026" in visible(
        client.get(f"{C}/plan/", {"effective": "31-03-2026"})
    )


# The records format and its templates ----------------------------------------------------


def test_the_upload_page_links_the_format_and_every_template(client, compact, officer):
    client.force_login(officer)
    page = client.get(f"{C}/records/upload/").content.decode()
    assert 'href="/records-format/"' in page
    for name in template_files():
        assert f'href="/records-format/{name}"' in page
        response = client.get(f"/records-format/{name}")
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert client.get("/records-format/passwords.txt").status_code == 404


def test_every_template_is_read_back_by_the_reader_with_its_example(client, tmp_path):
    written = []
    for name in template_files():
        path = tmp_path / name
        path.write_bytes(client.get(f"/records-format/{name}").content)
        written.append(path)
    as_json = read_records([tmp_path / "records.json"])
    as_csv = read_records([path for path in written if path.suffix == ".csv"])
    for section in SECTIONS:
        assert len(as_json.section(section)) == len(as_csv.section(section)) == 1
        one, other = as_json.section(section)[0], as_csv.section(section)[0]
        assert {k: v for k, v in one.items() if k != "_file"} == {
            k: v for k, v in other.items() if k != "_file"
        }
    assert as_csv.organisations[0]["compact_lead"] == {"name": "A. Example", "role": "board_member"}


def test_the_format_page_explains_every_field_of_every_type(client):
    from compactwatch.compact.records import FIELDS

    text = visible(client.get("/records-format/"))
    for section, fields in FIELDS.items():
        for name in fields:
            assert f" {name} " in text, (section, name)
    assert (
        "compact_lead_name" in text and "'31/01/2016' is not a date in the form YYYY-MM-DD" in text
    )


def test_the_format_page_shows_a_problem_as_the_reader_words_it(tmp_path):
    from compactwatch.compact.records import InputError

    changes = tmp_path / "funding_changes.csv"
    changes.write_text("id,agreement,notice_given\nn1,g1,31/01/2016\n")
    with pytest.raises(InputError) as error:
        read_records([changes], known_agreements=["g1"])
    assert str(error.value.errors[0]) == (
        "funding_changes.csv: funding change 'n1', field 'notice_given': "
        "'31/01/2016' is not a date in the form YYYY-MM-DD"
    )


def test_the_json_template_is_the_example_of_the_docs(client):
    # docs/records-format.md gives the same complete example, so that a reader of either
    # writes a file the reader accepts.
    document = json.loads(client.get("/records-format/records.json").content)
    docs = Path("docs/records-format.md").read_text()
    example = docs[docs.index("```json\n") + 8 : docs.index("```", docs.index("```json\n") + 8)]
    assert json.loads(example) == document
