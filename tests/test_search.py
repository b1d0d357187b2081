"""Searching the Compact's text: every commitment is found by its own words, and every
word asked must be there."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from record_helpers import EDITIONS

from compactwatch.compact.search import MAX_WORDS, query_words, search, segments, stem

COMMITMENTS = [(edition, commitment) for edition in EDITIONS for commitment in edition.commitments]
WORD = re.compile(r"[^\W_]+")


PICK = st.integers(min_value=0, max_value=len(COMMITMENTS) - 1)  # short to show on failure


@settings(max_examples=300, deadline=None)
@given(PICK, st.data())
def test_every_commitment_is_found_by_words_of_its_own_text(number, data):
    edition, commitment = COMMITMENTS[number]
    words = WORD.findall(commitment.text)
    asked = data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=4))
    query = " ".join(word.upper() if data.draw(st.booleans()) else word for word in asked)
    found = {(hit.edition.id, hit.commitment.ref) for hit in search(EDITIONS, query)}
    assert (edition.id, commitment.ref) in found


@settings(max_examples=200, deadline=None)
@given(PICK, PICK)
def test_every_word_must_be_there(first, second):
    """Words from two commitments find only commitments holding both (ANDed)."""
    query = " ".join(
        (WORD.findall(COMMITMENTS[first][1].text)[-1], WORD.findall(COMMITMENTS[second][1].text)[0])
    )
    wanted = query_words(query)
    for hit in search(EDITIONS, query):
        stems = {
            stem(word)
            for text in (
                hit.commitment.name,
                hit.commitment.text,
                *hit.commitment.footnotes,
                *(standard.summary for standard in hit.commitment.standards),
            )
            for word in WORD.findall(text)
        }
        assert all(any(found.startswith(word) for found in stems) for word in wanted)


@settings(deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_searched_without_error_and_marks_rebuild_the_text(query):
    hits = search(EDITIONS, query)
    assert len(query_words(query)) <= MAX_WORDS
    for hit in hits:
        assert "".join(text for text, _ in hit.text) == hit.commitment.text


def test_the_edition_in_force_comes_first_and_words_are_marked():
    hits = search(EDITIONS, "notice months", first="cambridgeshire-refreshed")
    assert hits[0].name == "4.5 Three months' notice in writing (refreshed edition)"
    editions = [hit.edition.id for hit in hits]
    assert editions == sorted(editions, key=lambda id: id != "cambridgeshire-refreshed")
    marked = {text.lower() for text, is_marked in hits[0].text if is_marked}
    assert marked == {"notice", "months"}


def test_a_word_finds_the_words_it_begins_across_endings():
    assert stem("Consultations") == "consult" and stem("notices") == stem("notice")[:-1]
    assert any(hit.commitment.ref == "2.4" for hit in search(EDITIONS, "consult"))
    assert segments("Funded, funding.", query_words("funds")) == (
        ("Funded", True), (", ", False), ("funding", True), (".", False)
    )  # fmt: skip


def test_a_query_without_words_finds_nothing():
    assert search(EDITIONS, "") == [] and search(EDITIONS, " ,.;! ") == []
