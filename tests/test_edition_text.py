"""Both editions hold every numbered item of the seeds, word for word.

The seed texts are copied into tests/seeds/ (from shared/seeds/) so the check runs on
any clone. The comparison here reads the seed independently of how the data files
were made: each commitment's text must be exactly the words that follow its number in
the seed, up to the next number or heading, with only whitespace normalised.
"""

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = ROOT / "compactwatch" / "compact" / "editions"
SEEDS = Path(__file__).resolve().parent / "seeds"
SEED_OF = {
    "cambridgeshire-2007": "001_bc5d3b982d49f72b.txt",
    "cambridgeshire-refreshed": "000_377b6488cce73743.txt",
}
EXPECTED_REFS = {
    "cambridgeshire-2007": [
        *(f"1.{i}" for i in range(1, 8)), *(f"2.{i}" for i in range(1, 11)),
        *(f"3.{i}" for i in range(1, 8)), *(f"4.{i}" for i in range(1, 4)),
        *(f"5.{i}" for i in range(1, 6)), *(f"6.{i}" for i in range(1, 4)),
    ],
    "cambridgeshire-refreshed": [
        *(f"1.{i}" for i in range(1, 9)), *(f"2.{i}" for i in range(1, 10)),
        *(f"3.{i}" for i in range(1, 23)), *(f"4.{i}" for i in range(1, 10)),
        *(f"5.{i}" for i in range(1, 6)),
    ],
}  # fmt: skip
FIXED_STRENGTHS = {
    "cambridgeshire-refreshed": {"1.8": "must", "2.4": "must", "2.5": "aim", "3.3": "must",
                                 "3.4": "must", "3.6": "must", "4.1": "must", "4.2": "must",
                                 "4.5": "must"},
    "cambridgeshire-2007": {"3.2": "aim", "3.4": "aim", "5.4": "must"},
}  # fmt: skip


def normalise(text: str) -> str:
    """Whitespace only: join words hyphenated across a line end, collapse the rest."""
    text = re.sub(r"(\w)-\s*\n\s*(?=\w)", r"\1-", text)
    return " ".join(text.split())


def load(edition_id: str) -> dict:
    return yaml.safe_load((EDITIONS / f"{edition_id}.yaml").read_text(encoding="utf-8"))


def seed_text(edition_id: str) -> str:
    raw = (SEEDS / SEED_OF[edition_id]).read_text(encoding="utf-8")
    raw = raw.replace("THE CAMBRIDGESHIRE COMPACT", " ")
    # The refreshed edition's footnote sits mid-list in the PDF text; its marker is "value1".
    raw = re.sub(r"\n1\s*\n Social value.*?should also be considered\.", " ", raw, flags=re.S)
    raw = raw.replace("economic value1 forms", "economic value forms")
    return normalise(raw)


def item_in_seed(edition_id: str, ref: str, refs: list[str]) -> str:
    """The words after `ref` in the seed, up to the next numbered item or a heading."""
    text = seed_text(edition_id)
    start = re.search(rf"(?:^|\s|- ){re.escape(ref)} ", text)
    assert start, f"{ref} not found in the seed"
    rest = text[start.end() :]
    position = refs.index(ref)
    stops = [rf"(?:- )?{re.escape(refs[position + 1])} "] if position + 1 < len(refs) else []
    stops += [r"\d\.0 [A-Z]", r"Undertakings for", r"Outcome \d ", r"CONTACTS", r"\d+\s*$"]
    end = min((m.start() for p in stops if (m := re.search(p, rest))), default=len(rest))
    return rest[:end].strip().removesuffix(" -").strip()


def cases():
    for edition_id, refs in EXPECTED_REFS.items():
        for ref in refs:
            yield pytest.param(edition_id, ref, id=f"{edition_id}/{ref}")


@pytest.mark.parametrize("edition_id", list(SEED_OF))
def test_edition_file_validates_against_the_schema(edition_id):
    schema = json.loads((EDITIONS / "edition.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(load(edition_id))


@pytest.mark.parametrize("edition_id", list(SEED_OF))
def test_every_numbered_item_is_there(edition_id):
    assert [c["ref"] for c in load(edition_id)["commitments"]] == EXPECTED_REFS[edition_id]


@pytest.mark.parametrize(("edition_id", "ref"), list(cases()))
def test_commitment_text_matches_the_seed(edition_id, ref):
    commitment = next(c for c in load(edition_id)["commitments"] if c["ref"] == ref)
    assert normalise(commitment["text"]) == item_in_seed(edition_id, ref, EXPECTED_REFS[edition_id])


def test_the_sources_spelling_is_kept():
    text = next(c for c in load("cambridgeshire-refreshed")["commitments"] if c["ref"] == "1.8")[
        "text"
    ]
    assert "where organsiations are engaging volunteers" in text


@pytest.mark.parametrize("edition_id", list(SEED_OF))
def test_quotes_of_parameters_are_the_clauses_words(edition_id):
    for commitment in load(edition_id)["commitments"]:
        for standard in commitment.get("standards", []):
            for name, parameter in standard["parameters"].items():
                assert parameter["clause"] == commitment["ref"], name
                assert normalise(parameter["quote"]) in normalise(commitment["text"]), name


def _texts(blocks):
    for block in blocks:
        yield from (
            block.get("list", []) or block.get("numbered_list", []) or [block.get("paragraph")]
        )


@pytest.mark.parametrize("edition_id", list(SEED_OF))
def test_unnumbered_parts_are_the_seeds_words(edition_id):
    document = load(edition_id)
    seed = seed_text(edition_id).replace("**", "")
    texts = [text for part in document.get("parts", []) for text in _texts(part["blocks"])]
    texts += document.get("supporters", [])
    texts += [text for entry in document.get("glossary", []) for text in _texts(entry["blocks"])]
    assert texts
    for text in texts:
        assert normalise(text) in seed, text


def _part(document, part_id):
    return next(part for part in document["parts"] if part["id"] == part_id)


def test_counts_of_unnumbered_items():
    refreshed = load("cambridgeshire-refreshed")
    counts = {
        part: sum(
            len(b.get("list", []) or b.get("numbered_list", []))
            for b in _part(refreshed, part)["blocks"]
        )
        for part in (
            "introduction",
            "shared-vision-and-values",
            "shared-commitments",
            "benefits",
            "outcomes",
        )
    }
    assert counts == {"introduction": 3, "shared-vision-and-values": 7, "shared-commitments": 6,
                      "benefits": 10, "outcomes": 5}  # fmt: skip
    assert len(refreshed["outcomes"]) == 5
    edition_2007 = load("cambridgeshire-2007")
    foreword = [b for b in _part(edition_2007, "foreword")["blocks"] if "list" in b]
    assert len(foreword[0]["list"]) == 7
    assert len(edition_2007["supporters"]) == 24
    assert len(edition_2007["glossary"]) == 10


@pytest.mark.parametrize("edition_id", list(SEED_OF))
def test_fixed_strengths(edition_id):
    strengths = {c["ref"]: c["strength"] for c in load(edition_id)["commitments"]}
    for ref, strength in FIXED_STRENGTHS[edition_id].items():
        assert strengths[ref] == strength, ref
