"""The 360Giving schema packaged with compactwatch, and the extensions to it that it knows.

A file declares the extensions it uses (`"extensions": ["dei"]` in a JSON package, the
`Extensions` row of a spreadsheet's Meta sheet). An extension is a JSON Merge Patch
(RFC 7386) over the grant schema, with codelists of its own, as the extensions registry
of 360Giving describes it; its files are packaged here byte for byte, so that files are
checked offline. For each set of extensions this gives the schema to validate against,
its closed codelists, and the spreadsheet column title of each field ("Recipient
Org:Identifier"), so that problems in a spreadsheet name the column to fix.
"""

from __future__ import annotations

import csv
import importlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

GRANT_SCHEMA = "360-giving-schema-1.4.3.json"
PACKAGE_SCHEMA = "360-giving-package-schema-1.4.3.json"


@dataclass(frozen=True)
class Extension:
    id: str
    title: str
    schema: str  # the patch, under schema/
    codelists: str  # its codelists' folder, under schema/


EXTENSIONS = {
    "dei": Extension(
        "dei",
        "Diversity, Equity and Inclusion (DEI)",
        "extensions/dei/dei-extension-schema.json",
        "extensions/dei/codelists",
    ),
}
# The core's closed codelists, which the schema names but does not enumerate (currency
# and country codes are enumerated in the schema itself).
CORE_CODELISTS = ("regrantType.csv", "locationScope.csv", "grantToIndividualsReason.csv",
                  "grantToIndividualsPurpose.csv")  # fmt: skip
# Codelists by the names the standard gives them (others: from their file's name).
CODELIST_NAMES = {"regrantType.csv": "Regrant Type", "locationScope.csv": "Location Scope",
                  "grantToIndividualsReason.csv": "Grant to Individuals Reason",
                  "grantToIndividualsPurpose.csv": "Grant to Individuals Purpose"}  # fmt: skip
MAX_DEPTH = 8


def codelist_name(file_name: str) -> str:
    if file_name in CODELIST_NAMES:
        return CODELIST_NAMES[file_name]
    stem = file_name.rsplit(".", 1)[0]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", stem[:1].upper() + stem[1:])


def schema_file(*parts: str) -> Traversable:
    return resources.files("compactwatch.threesixtygiving").joinpath("schema", *parts)


def split_extensions(declared: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The declared extensions compactwatch knows (sorted), and those it does not."""
    names = [name.strip() for name in declared if isinstance(name, str) and name.strip()]
    known = sorted({name.lower() for name in names if name.lower() in EXTENSIONS})
    unknown = sorted({name for name in names if name.lower() not in EXTENSIONS})
    return tuple(known), tuple(unknown)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects are merged key by key, null removes a key, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


@dataclass(frozen=True)
class Codelist:
    path: tuple[str, ...]  # inside a grant; "*" for each item of a list
    title: str  # the codelist's name in messages
    codes: frozenset[str]


@dataclass(frozen=True)
class GrantSchema:
    """The grant schema with a set of extensions applied."""

    extensions: tuple[str, ...]
    document: dict[str, Any]
    codelists: tuple[Codelist, ...]
    # A field's generic path ("recipientOrganization/id", no list indexes) -> its column
    # title ("Recipient Org:Identifier"), and -> the fields its objects require.
    titles: dict[str, str] = field(default_factory=dict)
    required: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def title(self, generic_path: str) -> str:
        return self.titles.get(generic_path, "")


def _codes(source: Traversable) -> frozenset[str]:
    with source.open("r", encoding="utf-8") as handle:
        return frozenset(
            (row.get("Code") or "").strip() for row in csv.DictReader(handle, skipinitialspace=True)
        )


def _resolve(node: Any, root: dict[str, Any]) -> Any:
    """A local reference ("#/$defs/Organization") followed; anything else as it is."""
    for _ in range(MAX_DEPTH):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not (isinstance(ref, str) and ref.startswith("#/")):
            return node
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part) if isinstance(target, dict) else None
        node = target
    return node


def _fields(
    node: Any, root: dict[str, Any], path: tuple[str, ...], titles: tuple[str, ...], depth: int = 0
) -> Iterator[tuple[tuple[str, ...], tuple[str, ...], dict[str, Any], dict[str, Any]]]:
    """(path, titles, the field as written, the field resolved) of every field under node."""
    node = _resolve(node, root)
    if depth > MAX_DEPTH or not isinstance(node, dict):
        return
    for name, written in (node.get("properties") or {}).items():
        if not isinstance(written, dict):
            continue
        resolved = _resolve(written, root)
        if not isinstance(resolved, dict):
            continue
        title = written.get("title") or resolved.get("title") or name
        here, named = (*path, name), (*titles, str(title))
        yield here, named, written, resolved
        items = _resolve(resolved.get("items"), root)
        inner = items if isinstance(items, dict) and items.get("properties") else resolved
        yield from _fields(inner, root, here, named, depth + 1)


def _codelists(document: dict[str, Any], folders: dict[str, Traversable]) -> Iterator[Codelist]:
    """The closed codelists the schema's fields name ("codelist": "x.csv", not open)."""
    for path, _titles, _written, resolved in _fields(document, document, (), ()):
        for node, where in ((resolved, path), (_resolve(resolved.get("items"), document),
                                               (*path, "*"))):  # fmt: skip
            if not isinstance(node, dict) or node.get("openCodelist", True) is not False:
                continue
            name = node.get("codelist")
            if isinstance(name, str) and name in folders:
                yield Codelist(where, codelist_name(name), _codes(folders[name]))


@cache
def grant_schema(extensions: tuple[str, ...] = ()) -> GrantSchema:
    """The grant schema with the known extensions named applied (ids as EXTENSIONS has them)."""
    document = json.loads(schema_file(GRANT_SCHEMA).read_text("utf-8"))
    folders = {name: schema_file("codelists", name) for name in CORE_CODELISTS}
    for name in extensions:
        extension = EXTENSIONS[name]
        patch = json.loads(schema_file(extension.schema).read_text("utf-8"))
        # The core's own dialect and identity stay: the patch is written for the core.
        patch = {key: value for key, value in patch.items() if key not in ("$schema", "$id")}
        document = merge_patch(document, patch)
        for source in schema_file(extension.codelists).iterdir():
            if source.name.endswith(".csv"):
                folders[source.name] = source
    titles, required = {}, {}
    for path, named, _written, resolved in _fields(document, document, (), ()):
        generic = "/".join(path)
        titles[generic] = ":".join(named)
        items = _resolve(resolved.get("items"), document)
        inner = items if isinstance(items, dict) and items.get("properties") else resolved
        if isinstance(inner.get("required"), list):
            required[generic] = tuple(str(name) for name in inner["required"])
    return GrantSchema(extensions, document, tuple(_codelists(document, folders)), titles, required)


def flattening_schema(extensions: tuple[str, ...]) -> Any:
    """The schema as flattentool reads it (references resolved by jsonref, whose proxies keep
    the titles written beside a reference: "Recipient Ind" on recipientIndividual)."""
    jsonref = importlib.import_module("jsonref")
    return jsonref.loads(json.dumps(grant_schema(extensions).document))
