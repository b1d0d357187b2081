"""Commitments are named in words with their clause and edition, never by internal id."""

import pytest

from compactwatch.compact.compact import CompactEditions

EDITIONS = CompactEditions.shipped()


@pytest.mark.parametrize(
    "citation, words",
    [
        ("cambridgeshire-refreshed/4.5", "4.5 Three months' notice in writing (refreshed edition)"),
        ("cambridgeshire-2007/3.4", "3.4 12-week consultations (2007 edition)"),
        # A commitment the file does not name is named by the start of its text.
        (
            "cambridgeshire-refreshed/1.1",
            "1.1 Respect and uphold the independence of VCSOs to… (refreshed edition)",
        ),
        # An unknown citation is shown as given rather than failing the page.
        ("cambridgeshire-1999/1.1", "cambridgeshire-1999/1.1"),
        ("cambridgeshire-refreshed/99.9", "cambridgeshire-refreshed/99.9"),
    ],
)
def test_a_citation_is_described_in_words(citation, words):
    assert EDITIONS.describe(citation) == words


def test_every_measurable_commitment_has_a_name_of_its_own():
    for edition in EDITIONS:
        assert edition.short_name, edition.id
        for commitment in edition.measurable_commitments:
            assert commitment.name, commitment.citation
            assert "_" not in commitment.name and "/" not in commitment.name
