"""Serializers that describe the records format for the OpenAPI document.

Validation itself is the core's (compactwatch.compact.records), so the API accepts and
refuses exactly what `compactwatch check` and the upload page do.
"""

from __future__ import annotations

from rest_framework import serializers

from compactwatch.compact import records as core

DATE_OR_FALSE = "A date (YYYY-MM-DD), false if recorded as not done, or null if not recorded"
TEXT_OR_FALSE = "Text, false if recorded as none given, or null if not recorded"


def _field(parser) -> serializers.Field:
    if parser is core.parse_date:
        return serializers.DateField(required=False, allow_null=True)
    if parser is core.parse_bool:
        return serializers.BooleanField(required=False, allow_null=True)
    if parser is core.parse_amount:
        return serializers.DecimalField(
            max_digits=14, decimal_places=2, required=False, allow_null=True
        )
    if parser is core.parse_date_or_false:
        return serializers.JSONField(required=False, allow_null=True, help_text=DATE_OR_FALSE)
    if parser in (core.parse_text_or_false, core.parse_compact_lead):
        return serializers.JSONField(required=False, allow_null=True, help_text=TEXT_OR_FALSE)
    return serializers.CharField(required=False, allow_null=True)


def record_serializer(section: str) -> type[serializers.Serializer]:
    fields = {name: _field(parser) for name, parser in core.FIELDS[section].items()}
    fields["id"] = serializers.CharField(required=False, help_text="The record's reference")
    name = "".join(part.title() for part in core.RECORD_TYPES[section].split("_"))
    return type(name, (serializers.Serializer,), fields)


class FindingSerializer(serializers.Serializer):
    commitment = serializers.CharField()
    status = serializers.ChoiceField(choices=["met", "explained", "not_met", "unknown"])
    strength = serializers.ChoiceField(choices=["must", "aim"])
    message = serializers.CharField()


def record_response_serializer(section: str) -> type[serializers.Serializer]:
    base = record_serializer(section)
    return type(f"{base.__name__}WithFindings", (base,), {"findings": FindingSerializer(many=True)})


class ErrorSerializer(serializers.Serializer):
    record = serializers.CharField(
        allow_null=True, help_text="The record's id, if one is concerned"
    )
    field = serializers.CharField(allow_null=True, help_text="The field, if one is concerned")
    message = serializers.CharField(help_text="What is wrong, in plain words")
    changes = serializers.ListField(
        child=serializers.DictField(), required=False,
        help_text="412 only: the changes saved since the version the client read (who, when, "
        "each field's old and new value)",
    )  # fmt: skip


class ErrorsSerializer(serializers.Serializer):
    errors = ErrorSerializer(many=True)


# The errors the API may answer with, each in the shape of ErrorsSerializer.
ERROR_RESPONSES = {
    400: "The request is not valid: every problem, by record and field",
    401: "Not signed in: send `Authorization: Token ...`",
    403: "Signed in, but not allowed to do this",
    404: "No such thing that you may see",
    409: "The id is in use in this Compact",
    412: "The record changed since the version in If-Match: nothing was saved",
    429: "Too many requests: wait for the seconds in Retry-After",
}


class OrganisationSerializer(serializers.Serializer):
    id = serializers.CharField(source="ref")
    name = serializers.CharField()
    sector = serializers.CharField()
    kind = serializers.CharField()
    org_id = serializers.CharField()
    charity_number = serializers.CharField()
    company_number = serializers.CharField()
    compact_lead = serializers.JSONField()


class EditionSummarySerializer(serializers.Serializer):
    id = serializers.CharField(source="slug")
    title = serializers.CharField()
    in_force_from = serializers.DateField()


class CompactSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    area = serializers.CharField()
    editions = EditionSummarySerializer(many=True)


class FigureSerializer(serializers.Serializer):
    commitment = serializers.CharField()
    summary = serializers.CharField()
    strength = serializers.CharField()
    met = serializers.IntegerField()
    explained = serializers.IntegerField()
    not_met = serializers.IntegerField()
    unknown = serializers.IntegerField()


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A 360Giving file: JSON, CSV or XLSX")
    valid_only = serializers.BooleanField(
        required=False, default=False,
        help_text="Store the valid grants and leave out the invalid ones (otherwise nothing "
        "is stored while any grant is invalid)",
    )  # fmt: skip


class ImportJobSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    file_name = serializers.CharField()
    valid_only = serializers.BooleanField()
    status = serializers.CharField(help_text="queued, running, done, refused, failed, cancelled")
    phase = serializers.CharField(help_text="checking, storing or finished while running")
    percent = serializers.IntegerField()
    grants_read = serializers.IntegerField()
    error_count = serializers.IntegerField(help_text="Every problem found (the first are listed)")
    created = serializers.DateTimeField()
    started = serializers.DateTimeField(allow_null=True)
    finished = serializers.DateTimeField(allow_null=True)
    outcome = serializers.JSONField(help_text="created, changed, unchanged, individuals, ...")
    errors = serializers.JSONField(help_text="Problems: grant_id, path, where, message")
    notes = serializers.JSONField()
