"""Serializers that describe the records format for the OpenAPI document.

Validation itself is the core's (compactwatch.compact.records), so the API accepts and
refuses exactly what `compactwatch check` and the upload page do.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_field
from rest_framework import serializers

from compactwatch.compact import records as core

DATE_OR_FALSE = "A date (YYYY-MM-DD), false if recorded as not done, or null if not recorded"
TEXT_OR_FALSE = "Text, false if recorded as none given, or null if not recorded"
FALSE = {"type": "boolean", "enum": [False]}


@extend_schema_field(
    {"oneOf": [{"type": "string", "format": "date", "nullable": True}, FALSE],
     "description": DATE_OR_FALSE}
)  # fmt: skip
class DateOrFalseField(serializers.JSONField):
    pass


@extend_schema_field(
    {"oneOf": [{"type": "string", "nullable": True}, FALSE], "description": TEXT_OR_FALSE}
)
class TextOrFalseField(serializers.JSONField):
    pass


@extend_schema_field(
    {"type": "number", "minimum": 0, "maximum": 10**12, "exclusiveMaximum": True,
     "nullable": True, "description": "An amount under a trillion, with at most two decimal "
     "places, e.g. 1500 or 1500.5"}
)  # fmt: skip
class AmountField(serializers.JSONField):
    """An amount, sent and given as a JSON number (the records format's)."""


@extend_schema_field(
    {"oneOf": [{"type": "object", "nullable": True, "required": ["name", "role"],
                "properties": {"name": {"type": "string", "nullable": True},
                               "role": {"type": "string", "nullable": True}}}, FALSE],
     "description": "The organisation's Compact lead ({name, role}), false if it has none, "
     "or null if not recorded"}
)  # fmt: skip
class CompactLeadField(serializers.JSONField):
    pass


def _field(parser, direction: str) -> serializers.Field:
    """The serializer field that describes a value of the records format, as a request may
    send it or as a response gives it (every field, null when not recorded)."""
    optional = {"required": direction == "response"}
    if parser is core.parse_date:
        return serializers.DateField(allow_null=True, **optional)
    if parser is core.parse_bool:
        return serializers.BooleanField(allow_null=True, **optional)
    if parser is core.parse_amount:  # a number both ways, so a record read can be sent back
        return AmountField(**optional)
    if parser is core.parse_date_or_false:
        return DateOrFalseField(**optional)
    if parser is core.parse_text_or_false:
        return TextOrFalseField(**optional)
    return serializers.CharField(allow_null=True, **optional)


def _fields(section: str, direction: str) -> dict[str, serializers.Field]:
    fields = {name: _field(parser, direction) for name, parser in core.FIELDS[section].items()}
    fields["id"] = serializers.CharField(
        required=direction == "response", help_text="The record's reference"
    )
    return fields


def _class_name(section: str) -> str:
    return "".join(part.title() for part in core.RECORD_TYPES[section].split("_"))


def record_serializer(section: str) -> type[serializers.Serializer]:
    """A record as a request sends it: every field optional (`id` defaults to the address's
    on PUT and PATCH)."""
    return type(_class_name(section), (serializers.Serializer,), _fields(section, "request"))


class FindingSerializer(serializers.Serializer):
    commitment = serializers.CharField(help_text="The commitment, as edition/ref")
    status = serializers.ChoiceField(choices=["met", "explained", "not_met", "unknown"])
    strength = serializers.ChoiceField(choices=["must", "aim"])
    message = serializers.CharField()


def record_response_serializer(section: str) -> type[serializers.Serializer]:
    """A record as the API gives it: every field of the records format, and its findings."""
    fields = {**_fields(section, "response"), "findings": FindingSerializer(many=True)}
    return type(f"{_class_name(section)}WithFindings", (serializers.Serializer,), fields)


class ChangeSerializer(serializers.Serializer):
    by = serializers.CharField(allow_null=True, help_text="Who saved the change")
    at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="The version the change made")
    changes = serializers.DictField(help_text="Each field changed: [old value, new value]")


class ErrorSerializer(serializers.Serializer):
    record = serializers.CharField(
        allow_null=True, help_text="The record's id, if one is concerned"
    )
    field = serializers.CharField(allow_null=True, help_text="The field, if one is concerned")
    message = serializers.CharField(help_text="What is wrong, in plain words")
    changes = ChangeSerializer(
        many=True, required=False,
        help_text="412 only: the changes saved since the version the client read",
    )  # fmt: skip


class ErrorsSerializer(serializers.Serializer):
    errors = ErrorSerializer(many=True)


# The errors the API may answer with, each in the shape of ErrorsSerializer.
ERROR_RESPONSES = {
    400: "The request is not valid: every problem, by record and field",
    401: "Not signed in, or the token is not valid: send `Authorization: Token ...`",
    403: "Signed in, but not allowed to do this",
    404: "No such thing that you may see",
    409: "The id is in use in this Compact",
    411: "A body sent in chunks: send it with its length (Content-Length)",
    412: "The record changed since the version in If-Match (or If-Match is not one of this "
    "API's ETags): nothing was saved. The ETag header gives the current version.",
    413: "The body is larger than this address takes",
    429: "Too many requests (or failed sign-ins): wait before trying again",
}

ETAG = OpenApiParameter(
    "ETag", str, OpenApiParameter.HEADER, response=[200, 201], required=True,
    description="The record's version, e.g. `\"3\"`: send it back in If-Match to change the "
    "record only if nobody has changed it since",
)  # fmt: skip
STALE_ETAG = OpenApiParameter(
    "ETag", str, OpenApiParameter.HEADER, response=[412],
    description="The record's current version (when If-Match was an older one)",
)  # fmt: skip
IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=False,
    description="The ETag of the version you read: the change is refused (412) if the record "
    "has changed since. Leave it out (or send `*`) to change whatever is stored.",
)  # fmt: skip


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Error responses for `extend_schema(responses=...)`, in the API's one error shape."""
    return {code: OpenApiResponse(ErrorsSerializer, description=ERROR_RESPONSES[code])
            for code in codes}  # fmt: skip


class OrganisationSerializer(serializers.Serializer):
    id = serializers.CharField(source="ref")
    name = serializers.CharField()
    sector = serializers.CharField()
    kind = serializers.CharField()
    org_id = serializers.CharField()
    charity_number = serializers.CharField()
    company_number = serializers.CharField()
    compact_lead = CompactLeadField()


class EditionSummarySerializer(serializers.Serializer):
    id = serializers.CharField(source="slug")
    title = serializers.CharField()
    in_force_from = serializers.DateField()


class CompactSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    area = serializers.CharField()
    editions = EditionSummarySerializer(many=True)


class StandardSerializer(serializers.Serializer):
    check = serializers.CharField(help_text="The check that tests records against it")
    summary = serializers.CharField()


class CommitmentSerializer(serializers.Serializer):
    ref = serializers.CharField(help_text="The commitment's number in the edition, e.g. 4.5")
    citation = serializers.CharField(help_text="edition/ref, as findings cite it")
    section = serializers.CharField()
    outcome = serializers.IntegerField(allow_null=True)
    binds = serializers.CharField(help_text="public_bodies, voluntary_groups or all_partners")
    strength = serializers.CharField(help_text="must or aim")
    text = serializers.CharField(help_text="The commitment word for word")
    standards = StandardSerializer(many=True)


class EditionSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    edition_name = serializers.CharField()
    in_force_from = serializers.DateField()
    commitments = CommitmentSerializer(many=True)


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
    outcome = serializers.DictField(help_text="created, changed, unchanged, individuals, ...")
    errors = serializers.ListField(
        child=serializers.DictField(), help_text="Problems: grant_id, path, where, message"
    )
    notes = serializers.ListField(
        child=serializers.CharField(), help_text="What the reader noticed"
    )
    summary = serializers.DictField(
        help_text="The file in short, read before anything is stored: grants; funders {count, "
        "top}; amounts by currency [{currency, grants, total, smallest, largest}]; "
        "award_dates {first, last, without}; recipients {organisations, individuals, by_kind}"
    )
    problem_kinds = serializers.ListField(
        child=serializers.DictField(),
        help_text="Every problem grouped by kind, most frequent first: {kind, rule, field, "
        "heading, count, examples (the first five problems)}",
    )
    warnings = serializers.ListField(
        child=serializers.DictField(),
        help_text="Personal data the file holds about grants to individuals (compactwatch keeps "
        "none): {check, grants, examples, message}",
    )
    problems_listed = serializers.IntegerField(
        help_text="How many problems the downloadable list holds (the import page's problems.csv)"
    )
    url = serializers.SerializerMethodField(help_text="The import's address: GET it to follow it")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, job) -> str:
        address = reverse("api:import", args=[job.compact.slug, job.pk])
        return self.context["request"].build_absolute_uri(address)


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})
    code = serializers.CharField(
        required=False,
        help_text="The current code from the authenticator app, for an account with "
        "two-factor sign-in on",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token ...`")
