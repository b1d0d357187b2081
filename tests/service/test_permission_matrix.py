"""Who may change another organisation's record, by every way in: a matrix.

The records belong to Cambridge City Council (it consults; it funds Fenland CVS). Each cell
is one way in and one role that must be refused: the answer is a refusal (to the sign-in
page, 401, 403 or 404 as the way in answers) and nothing stored has changed. The positive
controls show the same requests succeed for the records' owner and the Compact officer (or
the site administrator, for the admin), so that a cell can fail.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from service_fixtures import PASSWORD, form_data, save_record

from compactwatch.changes.base import Actor
from compactwatch.changes.register import add_membership, save_organisation
from compactwatch.compacts.models import Edition, EditionDraft
from compactwatch.imports.models import ImportJob
from compactwatch.organisations.models import Membership, Organisation, Signature
from compactwatch.records.models import Consultation, FundingAgreement, FundingChange
from compactwatch.reports.models import OpenDataExport
from compactwatch.web.forms import FORMS

DATABASES = ["default"] if connection.vendor == "sqlite" else ["default", "jobs"]
pytestmark = pytest.mark.django_db(databases=DATABASES)
SLUG = "cambridgeshire"
OWNER, RECIPIENT = "cambridge-city-council", "fenland-cvs"


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    # The tests sign in without passwords; a fast hasher saves most of each test's setup.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class Kind:
    type: str
    model: type[Model]
    ref: str
    new_ref: str
    one: str  # the API's name for one record
    many: str  # and for the collection
    acting: str  # the form's field naming the acting body
    changed: dict[str, Any]  # a change to make, in the records format (and the form)
    recipient_sees: bool  # whether the funded organisation may read it


# A change first: deleting its agreement first would leave it without an owner.
KINDS = (
    Kind("funding_change", FundingChange, "pm-n-1", "pm-n-new", "api:change", "api:changes",
         "agreement", {"change": "reduce"}, recipient_sees=True),
    Kind("funding_agreement", FundingAgreement, "pm-g-1", "pm-g-new", "api:agreement",
         "api:agreements", "funder", {"kind": "contract"}, recipient_sees=True),
    Kind("consultation", Consultation, "pm-c-1", "pm-c-new", "api:consultation",
         "api:consultations", "organisation", {"title": "Changed"},
         recipient_sees=True),  # a group reads the consultations of a body that funds it
)  # fmt: skip


def org(ref: str) -> Organisation:
    return Organisation.objects.get(compact__slug=SLUG, ref=ref)


def _member(username: str, ref: str):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    add_membership(Actor.system("test"), org(ref), user)
    return user


@pytest.fixture
def world(compact, officer, group_member, council_member, site_admin):
    city = org(OWNER)
    save_record(
        Consultation(compact=compact, ref="pm-c-1", organisation=city, title="Library review",
                     opens=date(2025, 1, 6), closes=date(2025, 3, 30), formal=True),
        officer,
    )  # fmt: skip
    agreement = save_record(
        FundingAgreement(compact=compact, ref="pm-g-1", funder=city, recipient=org(RECIPIENT),
                         kind="grant", award_date=date(2025, 4, 1)),
        officer,
    )  # fmt: skip
    save_record(
        FundingChange(compact=compact, ref="pm-n-1", agreement=agreement, change="end",
                      notice_given=date(2025, 6, 2), effective=date(2025, 9, 30)),
        officer,
    )  # fmt: skip
    users = {
        "anonymous": None,
        "group": group_member,  # Hunts Forum: no part in the records
        "council": council_member,  # Cambridgeshire County Council: another council
        "recipient": _member("recipient", RECIPIENT),  # may read the funding, not change it
        "owner": _member("owner", OWNER),
        "officer": officer,
        "site_admin": site_admin,
    }
    return SimpleNamespace(compact=compact, users=users)


def everything() -> dict[str, Any]:
    """All that a refused request must leave as it was."""
    records = {
        (model.__name__, record.ref): (record.as_record(), record.version)
        for model in (Consultation, FundingAgreement, FundingChange)
        for record in model.objects.filter(compact__slug=SLUG)
    }
    return {
        "records": records,
        "register": {o.ref: (o.as_record(), o.version) for o in Organisation.objects.all()},
        "editions": list(Edition.objects.values_list("slug", "in_force_from", "version")),
        "officers": sorted(
            get_user_model()
            .objects.filter(compacts_run__isnull=False)
            .values_list("username", flat=True)
        ),
        "memberships": sorted(
            Membership.objects.values_list("user__username", "organisation__ref")
        ),
        "imports": ImportJob.objects.count(),
        "signatures": sorted(Signature.objects.values_list("organisation__ref", "edition__slug")),
        "drafts": list(EditionDraft.objects.values_list("pk", "status", "version", "document")),
        # The public page may queue the first one itself; a person's asking is what's refused.
        "open data asked for": OpenDataExport.objects.exclude(requested_by="").count(),
    }


# Clients and requests --------------------------------------------------------------------


def web(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token = Token.objects.get_or_create(user=user)[0].key
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def stored(kind: Kind):
    return kind.model.objects.get(compact__slug=SLUG, ref=kind.ref)


def plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def updated_row(kind: Kind) -> dict[str, Any]:
    """The stored record in the records format, with the change made."""
    return {**plain(stored(kind).as_record()), **kind.changed}


def new_row(kind: Kind) -> dict[str, Any]:
    """A new record naming the council as the acting body."""
    return {
        "funding_change": {"id": kind.new_ref, "agreement": "pm-g-1", "change": "end",
                           "notice_given": "2025-07-01", "effective": "2025-10-31"},
        "funding_agreement": {"id": kind.new_ref, "funder": OWNER, "recipient": RECIPIENT,
                              "kind": "grant", "award_date": "2025-05-01"},
        "consultation": {"id": kind.new_ref, "organisation": OWNER, "title": "Parks review",
                         "opens": "2025-05-05", "closes": "2025-07-27"},
    }[kind.type]  # fmt: skip


def edit_form(kind: Kind, world) -> dict[str, Any]:
    """The edit form as the officer sees it, with the change made."""
    form = FORMS[kind.type](instance=stored(kind), compact=world.compact,
                            user=world.users["officer"])  # fmt: skip
    return {**form_data(form), **kind.changed}


def create_form(kind: Kind) -> dict[str, Any]:
    """The create form naming the council (or its agreement) as the acting body."""
    row = new_row(kind)
    data = {key: value for key, value in row.items() if key != "id"}
    data["ref"] = row["id"]
    if kind.type == "funding_change":
        data["agreement"] = "pm-g-1"  # the agreement chosen from those found by search
    else:
        data[kind.acting] = org(OWNER).pk
        if kind.type == "funding_agreement":
            data["recipient"] = org(RECIPIENT).pk
    return data


def records_file(kind: Kind, row: dict[str, Any]) -> SimpleUploadedFile:
    content = json.dumps({kind.model.traits.section: [row]}).encode()
    return SimpleUploadedFile("records.json", content, content_type="application/json")


def grants_file() -> SimpleUploadedFile:
    grant = {
        "id": "360G-pm-1", "title": "A grant", "description": "For the test", "currency": "GBP",
        "amountAwarded": 999, "awardDate": "2025-04-01",
        "fundingOrganization": [{"id": "GB-LAE-CAB", "name": "Cambridge City Council"}],
        "recipientOrganization": [{"id": "GB-CHC-1", "name": "Fenland CVS"}],
    }  # fmt: skip
    return SimpleUploadedFile("grants.json", json.dumps({"grants": [grant]}).encode(),
                              content_type="application/json")  # fmt: skip


def _url(name: str, *args: Any) -> str:
    return reverse(name, args=[SLUG, *args])


def _admin_record(kind: Kind) -> str:
    return reverse(f"admin:records_{kind.model._meta.model_name}_change", args=[stored(kind).pk])


# Each way in: (user, kind, world) -> the responses to judge. A way in that concerns one
# record is tried on each kind of record; the others once.
RECORD_WAYS = {
    "web record page": lambda user, kind, world: [
        web(user).get(_url("web:record", kind.type, kind.ref))
    ],
    "web record list": lambda user, kind, world: [
        web(user).get(_url("web:records"), {"type": kind.type})
    ],
    "web edit form GET": lambda user, kind, world: [
        web(user).get(_url("web:record_edit", kind.type, kind.ref))
    ],
    "web edit form POST": lambda user, kind, world: [
        web(user).post(_url("web:record_edit", kind.type, kind.ref), edit_form(kind, world))
    ],
    "web create form for another": lambda user, kind, world: [
        web(user).post(_url("web:record_create", kind.type), create_form(kind))
    ],
    "web agreement search": lambda user, kind, world: [
        web(user).get(_url("web:agreement_search"), {"q": kind.ref})
    ],
    "upload updating another's": lambda user, kind, world: [
        web(user).post(_url("web:upload"), {"files": records_file(kind, updated_row(kind))})
    ],
    "upload creating for another": lambda user, kind, world: [
        web(user).post(_url("web:upload"), {"files": records_file(kind, new_row(kind))})
    ],
    "API list": lambda user, kind, world: [api(user).get(_url(kind.many), {"limit": 500})],
    "API retrieve": lambda user, kind, world: [api(user).get(_url(kind.one, kind.ref))],
    "API create": lambda user, kind, world: [
        api(user).post(_url(kind.many), new_row(kind), format="json")
    ],
    "API PUT": lambda user, kind, world: [
        api(user).put(_url(kind.one, kind.ref), updated_row(kind), format="json")
    ],
    "API PATCH": lambda user, kind, world: [
        api(user).patch(_url(kind.one, kind.ref), kind.changed, format="json")
    ],
    "API DELETE": lambda user, kind, world: [api(user).delete(_url(kind.one, kind.ref))],
    "admin record page": lambda user, kind, world: [
        web(user).get(_admin_record(kind)),
        web(user).post(_admin_record(kind), kind.changed),
    ],
}


# New in-force dates, in the editions' order (a later edition comes into force later).
NEW_DATES = {"cambridgeshire-2007": date(2001, 1, 1), "cambridgeshire-refreshed": date(2002, 1, 1)}


def _editions_post(world) -> dict[str, Any]:
    return {
        f"{edition.slug}-{name}": value
        for edition in world.compact.editions.all()
        for name, value in (
            ("in_force_from", NEW_DATES[edition.slug].isoformat()),
            ("version", edition.version),
        )
    }


def _for_the_officer(user, world) -> bool:
    """Whether the run is the officer's: only it makes the thing its way acts on (a refused
    role is refused before the thing is looked up, and its run must change nothing)."""
    return user is not None and user.compacts_run.filter(pk=world.compact.pk).exists()


def _make_partner(user, world) -> list:
    ref = OWNER  # a partner already: refused roles never reach it
    if _for_the_officer(user, world):
        ref = "known-from-data"
        save_organisation(Actor.system("test"), world.compact, ref,
                          {"name": "A group in grants data", "partner": False}, mode="create")  # fmt: skip
    return [web(user).get(_url("web:make_partner", ref)),
            web(user).post(_url("web:make_partner", ref), {"version": 1})]  # fmt: skip


def _join_request(user, world, way: str) -> list:
    """A request to join, sent from the public form; then the officer's page for it."""
    from django.contrib.auth.models import AnonymousUser

    from compactwatch.changes.joining import submit

    asked = submit(Actor(AnonymousUser(), "form"), world.compact,
                   {"name": "Ely Food Bank", "sector": "voluntary", "signer_name": "Asha Patel",
                    "signer_role": "Chair", "signer_email": "asha@example.org",
                    "lead_status": "none"})  # fmt: skip
    url = _url(way, asked.pk)
    return [web(user).get(url), web(user).post(url, {"version": 1, "reason": "Not local"})]


def _own_details(user, way: str, posted: dict[str, Any]) -> list:
    url = _url(way, OWNER)  # Cambridge City Council's: no refused role acts for it
    return [web(user).get(url), web(user).post(url, posted)]


def _undo_import(user, world) -> list:
    pk = 1  # no such import: refused roles never reach it
    if _for_the_officer(user, world):
        pk = ImportJob.objects.create(compact=world.compact, status="done", file_name="g.json").pk
    return [web(user).get(_url("web:import_undo", pk)), web(user).post(_url("web:import_undo", pk))]


def _edition_upload(user, world) -> list:
    """The upload page, then the confirmation that stores a new edition (the refreshed
    edition under an id of its own)."""
    import yaml

    from compactwatch.compact.loader import shipped_editions

    document = {**shipped_editions()["cambridgeshire-refreshed"].document, "id": "pm-2026",
                "default_in_force_from": "2026-04-01"}  # fmt: skip
    posted = {"step": "confirm", "file_name": "pm-2026.yaml", "in_force_from": "2026-04-01",
              "text": yaml.safe_dump(document, sort_keys=False, allow_unicode=True)}  # fmt: skip
    url = _url("web:edition_upload")
    return [web(user).get(url), web(user).post(url, posted)]


def _draft_pages(user, world, way: str, posted: dict[str, Any] | None = None, *args: Any) -> list:
    """A page of a draft of a new edition: GET, then POST. Only the officer's run has a
    draft (refused roles are refused before it is looked up)."""
    from compactwatch.changes.edition_drafts import start_draft

    pk = 1
    if _for_the_officer(user, world):
        pk = start_draft(Actor.system("test"), world.compact).pk
    url = _url(way, pk, *args)
    return [web(user).get(url), web(user).post(url, {"version": 1, **(posted or {})})]


# What each draft page's form posts (with the version read), as the officer fills it.
NEW_DRAFT = {"edition_name": "2030 edition", "edition_id": "cambridgeshire-2030"}
DRAFT_FORMS = {
    "web:draft_commitment": {"name": "", "text": "Changed.", "p0__minimum_length": 16,
                             "p0__formal_required": "true",
                             "p0__shorter_allowed_with_rationale": "true"},
    "web:draft_add": {"ref": "2.10", "section": "outcome-2-public", "binds": "public_bodies",
                      "strength": "must", "text": "New."},
    "web:draft_consult": {"opens": "2030-01-06", "closes": "2030-04-06"},
    "web:draft_adopt": {"in_force_from": "2030-01-01", "confirm": "yes"},
}  # fmt: skip


def _draft_form(way: str, *args: Any, read_only: bool = False):
    def pages(user, world) -> list:
        posted = dict(DRAFT_FORMS.get(way, {}))
        if way == "web:draft_consult":
            posted["organisation"] = org(OWNER).pk
        responses = _draft_pages(user, world, way, posted, *args)
        return responses[:1] if read_only else responses

    return pages


DRAFT_WAYS = {
    "officer: start a draft edition": lambda user, world: [
        web(user).get(_url("web:draft_start")),
        web(user).post(_url("web:draft_start"), NEW_DRAFT),
    ],
    "officer: a draft's commitment": _draft_form("web:draft_commitment", "2.4"),
    "officer: add a commitment to a draft": _draft_form("web:draft_add"),
    "officer: remove a draft's commitment": _draft_form("web:draft_remove", "2.9"),
    "officer: consult on a draft": _draft_form("web:draft_consult"),
    "officer: adopt a draft": _draft_form("web:draft_adopt"),
    "officer: abandon a draft": _draft_form("web:draft_abandon"),
    "officer: a draft's overview": _draft_form("web:draft", read_only=True),
    "officer: a draft's preview": _draft_form("web:draft_preview", read_only=True),
}


OTHER_WAYS = {
    **DRAFT_WAYS,
    "admin organisation page": lambda user, world: [
        web(user).get(reverse("admin:organisations_organisation_change", args=[org(OWNER).pk])),
        web(user).post(
            reverse("admin:organisations_organisation_change", args=[org(OWNER).pk]),
            {"name": "Renamed", "ref": OWNER},
        ),
    ],
    "admin Compact page": lambda user, world: [
        web(user).get(reverse("admin:compacts_compact_change", args=[world.compact.pk])),
        web(user).post(
            reverse("admin:compacts_compact_change", args=[world.compact.pk]),
            {"slug": SLUG, "name": "Renamed", "area": "X", "officers": [user.pk if user else ""]},
        ),
    ],
    "360Giving import page": lambda user, world: [
        web(user).get(_url("web:imports")),
        web(user).post(_url("web:imports"), {"file": grants_file()}),
    ],
    "360Giving import API": lambda user, world: [
        api(user).get(_url("api:imports")),
        api(user).post(_url("api:imports"), {"file": grants_file()}, format="multipart"),
    ],
    "officer: editions' dates": lambda user, world: [
        web(user).get(_url("web:manage_editions")),
        web(user).post(_url("web:manage_editions"), _editions_post(world)),
    ],
    "officer: new register entry": lambda user, world: [
        web(user).get(_url("web:organisation_create")),
        web(user).post(_url("web:organisation_create"), {"name": "New body", "ref": "new-body"}),
    ],
    "officer: audit trail": lambda user, world: [web(user).get(_url("web:audit"))],
    "officer: make a partner": lambda user, world: _make_partner(user, world),
    "officer: undo an import": lambda user, world: _undo_import(user, world),
    "officer: requests to join": lambda user, world: [web(user).get(_url("web:join_requests"))],
    "officer: approve a request to join": lambda user, world: _join_request(
        user, world, "web:join_approve"
    ),
    "officer: decline a request to join": lambda user, world: _join_request(
        user, world, "web:join_decline"
    ),
    "a partner's own details": lambda user, world: _own_details(
        user,
        "web:partner_details",
        {"form": "details", "version": 1, "lead_status": "none", "dbs_checks_paid": "true"},
    ),
    "a partner leaves the Compact": lambda user, world: _own_details(
        user, "web:partner_leave", {"version": 1, "reason": "Closed"}
    ),
    "a partner signs the edition in force": lambda user, world: _own_details(
        user,
        "web:partner_details",
        {"form": "sign", "signer_name": "Jo Bloggs", "signer_role": "Leader"},
    ),
    "officer: people": lambda user, world: [web(user).get(_url("web:people"))],
    "officer: invite someone": lambda user, world: [
        web(user).get(_url("web:invite")),
        web(user).post(_url("web:invite"), {"email": "new@example.org", "role": "officer"}),
    ],
    "officer: a person's partners and roles": lambda user, world: [
        web(user).get(_url("web:person", world.users["council"].pk)),
        web(user).post(_url("web:person", world.users["council"].pk), {"action": "make_officer"}),
    ],
    "officer: upload an edition": lambda user, world: _edition_upload(user, world),
    "officer: make or publish the annual report": lambda user, world: [
        web(user).get(_url("web:annual_report_manage", 2025)),
        web(user).post(_url("web:annual_report_manage", 2025), {"action": "make"}),
    ],
    "officer: ask for a fresh open data download": lambda user, world: [
        web(user).get(_url("web:open_data_manage")),
        web(user).post(_url("web:open_data_manage")),
    ],
}
REFUSED_ROLES = ("anonymous", "group", "council", "recipient")


# What each refusal looks like -----------------------------------------------------------

SIGN_IN, ADMIN_SIGN_IN, FORM_ERROR, UPLOAD_ERROR, ABSENT, SHOWN = (
    "to the sign-in page", "to the admin's sign-in page", "the form again, with an error",
    "the upload page, listing the problem", "not listed", "listed",
)  # fmt: skip


def refusal(way: str, role: str, kind: Kind | None) -> int | str:
    """The answer a role must get from a way in (for the funded organisation's member, the
    reading ways of funding it is part of answer, as it may read them)."""
    anonymous = role == "anonymous"
    reads = role == "recipient" and kind is not None and kind.recipient_sees
    if way.startswith("admin"):
        return ADMIN_SIGN_IN
    if way.startswith("web") or way.startswith("upload"):
        if anonymous:
            return SIGN_IN
        return {
            "web record page": 200 if reads else 404,
            "web record list": SHOWN if reads else ABSENT,
            "web edit form GET": 403 if reads else 404,
            "web edit form POST": 403 if reads else 404,
            "web create form for another": FORM_ERROR,
            "web agreement search": ABSENT,  # for a change to it: no one's but the funder's
            "upload updating another's": UPLOAD_ERROR,
            "upload creating for another": UPLOAD_ERROR,
        }[way]
    if way == "API list":
        return SHOWN if reads else ABSENT
    if way == "API retrieve":
        return 200 if reads else 404
    if way.startswith("API"):
        if anonymous:
            return 401
        if way == "API create":
            # A change names its agreement, which is no agreement to one who cannot change it.
            return 400 if kind.type == "funding_change" else 403
        return 403 if reads else 404
    if way == "360Giving import API":
        return 401 if anonymous else 403
    return SIGN_IN if anonymous else 403  # the import page and the officer's pages


def judge(response, expected: int | str, kind: Kind | None) -> None:
    where = f"{response.request['REQUEST_METHOD']} {response.request['PATH_INFO']}"
    if expected in (SIGN_IN, ADMIN_SIGN_IN):
        assert response.status_code == 302, where
        page = "/admin/login/" if expected == ADMIN_SIGN_IN else reverse("web:login")
        assert response["Location"].startswith(page), (where, response["Location"])
    elif expected == FORM_ERROR:
        assert response.status_code == 200, where
        assert kind.acting in response.context["form"].errors, where
    elif expected == UPLOAD_ERROR:
        assert response.status_code == 200, where
        errors = response.context.get("errors") or []
        assert any(kind.ref in e or kind.new_ref in e for e in errors), (where, errors)
    elif expected in (ABSENT, SHOWN):
        assert response.status_code == 200, where
        if "page" in (response.context or {}):
            refs = [record.ref for record in response.context["page"].object_list]
        else:
            refs = [record["id"] for record in response.json()["results"]]
        assert (kind.ref in refs) == (expected == SHOWN), (where, refs)
    else:
        assert response.status_code == expected, (where, response.content[:300])


def _cells():
    for way in (*RECORD_WAYS, *OTHER_WAYS):
        for role in REFUSED_ROLES:
            yield pytest.param(way, role, id=f"{way} | {role}")


@pytest.mark.parametrize("way, role", list(_cells()))
def test_refused_and_nothing_changed(world, way, role):
    user = world.users[role]
    before = everything()
    if way in RECORD_WAYS:
        for kind in KINDS:
            for response in RECORD_WAYS[way](user, kind, world):
                judge(response, refusal(way, role, kind), kind)
    else:
        for response in OTHER_WAYS[way](user, world):
            judge(response, refusal(way, role, None), None)
    assert everything() == before


# The positive controls: the same requests succeed for those who may make them ------------


def succeeded(way: str, kind: Kind, responses: list, role: str) -> None:
    """Each way in's success, and what it stored: a member's new record under the id it
    gave, with its organisation's id in front; the officer's under the id as given."""
    (response,) = responses
    new_ref = kind.new_ref if role == "officer" else f"{OWNER}/{kind.new_ref}"
    if way in ("web record page", "web edit form GET", "API retrieve"):
        assert response.status_code == 200
    elif way in ("web record list", "API list"):
        judge(response, SHOWN, kind)
    elif way == "web agreement search":  # finds the agreement, and nothing else by its id
        judge(response, SHOWN if kind.model is FundingAgreement else ABSENT, kind)
    elif way == "web edit form POST":
        assert response.status_code == 302, response.context and response.context["form"].errors
        assert stored(kind).version == 2
    elif way == "web create form for another":
        assert response.status_code == 302, response.context and response.context["form"].errors
        assert kind.model.objects.filter(ref=new_ref).exists()
    elif way.startswith("upload"):
        assert response.status_code == 200
        assert "errors" not in response.context, response.context["errors"]
        assert response.context["outcome"].total == 1
        if way == "upload updating another's":
            assert stored(kind).version == 2
        else:
            assert kind.model.objects.filter(ref=new_ref).exists()
    elif way == "API create":
        assert response.status_code == 201, response.json()
        assert response.json()["id"] == new_ref
    elif way in ("API PUT", "API PATCH"):
        assert response.status_code == 200, response.json()
        assert stored(kind).version == 2
        assert all(response.json()[name] == value for name, value in kind.changed.items())
    elif way == "API DELETE":
        assert response.status_code == 204
        assert not kind.model.objects.filter(ref=kind.ref).exists()


def _allowed():
    for way in RECORD_WAYS:
        if way.startswith("admin"):
            yield pytest.param(way, "site_admin", id=f"{way} | site_admin")
            continue
        for role in ("owner", "officer"):
            yield pytest.param(way, role, id=f"{way} | {role}")


@pytest.mark.parametrize("way, role", list(_allowed()))
def test_the_owner_and_the_officer_can(world, way, role):
    user = world.users[role]
    for kind in KINDS:
        if way.startswith("admin"):
            assert web(user).get(_admin_record(kind)).status_code == 200
        else:
            succeeded(way, kind, RECORD_WAYS[way](user, kind, world), role)


@pytest.mark.parametrize(
    "way, role",
    [("admin organisation page", "site_admin"), ("admin Compact page", "site_admin"),
     *((way, "officer") for way in OTHER_WAYS if not way.startswith("admin"))],
)  # fmt: skip
def test_the_officer_and_the_site_administrator_can(world, way, role):
    user = world.users[role]
    responses = OTHER_WAYS[way](user, world)
    assert responses[0].status_code == 200, "the page (or list) is shown"
    if way.startswith("admin"):
        return  # the refused cells post to it; here the page is enough
    if len(responses) > 1:
        assert responses[1].status_code in (202, 302), responses[1].content[:300]
    if "import" in way:
        assert ImportJob.objects.count() == 1
    elif way == "officer: editions' dates":
        assert dict(Edition.objects.values_list("slug", "in_force_from")) == NEW_DATES
    elif way == "officer: new register entry":
        assert org("new-body").name == "New body"
    elif way == "officer: upload an edition":
        assert Edition.objects.filter(slug="pm-2026").exists()
    elif way == "officer: ask for a fresh open data download":
        assert OpenDataExport.objects.get().requested_by == user.username


# Pages every role may read, signed in or not: the Compact's text searched, the records
# format and its template files. Nothing a role does there changes what is stored.
PUBLIC_WAYS = {
    "search the Compact": lambda: reverse("web:search", args=[SLUG]) + "?q=notice",
    "the records format": lambda: reverse("web:records_format"),
    "a records template": lambda: reverse("web:record_template", args=["funding_changes.csv"]),
    "organisations known from imported data": lambda: reverse("web:known_from_data", args=[SLUG]),
    "join the Compact": lambda: reverse("web:join", args=[SLUG]),
    "is the Compact working? (indicators)": lambda: (
        reverse("web:indicators", args=[SLUG]) + "?body=" + OWNER
    ),
    "the indicators by API": lambda: reverse("api:indicators", args=[SLUG]),
    "the annual reports": lambda: reverse("web:reports", args=[SLUG]),
    "the open data": lambda: reverse("web:open_data", args=[SLUG]),
    "the open data by API": lambda: reverse("api:open_data_table", args=[SLUG, "register"]),
}


@pytest.mark.parametrize("way", PUBLIC_WAYS)
@pytest.mark.parametrize("role", [*REFUSED_ROLES, "owner", "officer", "site_admin"])
def test_public_pages_answer_every_role(world, way, role):
    before = everything()
    assert web(world.users[role]).get(PUBLIC_WAYS[way]()).status_code == 200
    assert everything() == before


# Each person's own account: every signed-in role opens its own, nobody else's (the pages
# name no account: each acts on the one signed in); signed out, the sign-in page.
OWN_ACCOUNT_WAYS = {
    "your account": lambda: reverse("web:account"),
    "two-factor sign-in": lambda: reverse("web:two_factor"),
}


@pytest.mark.parametrize("way", OWN_ACCOUNT_WAYS)
@pytest.mark.parametrize("role", [*REFUSED_ROLES, "owner", "officer", "site_admin"])
def test_own_account_pages_are_each_signed_in_persons(world, way, role):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client, url = web(world.users[role]), OWN_ACCOUNT_WAYS[way]()
    if role == "anonymous":
        judge(client.get(url), SIGN_IN, None)
        judge(client.post(url, {"code": "123456"}), SIGN_IN, None)
    else:
        page = client.get(url)
        assert page.status_code == 200 and world.users[role].username in str(
            page.context.get("user")
        )
    assert not TOTPDevice.objects.exists()


def test_the_code_step_of_signing_in_is_nobodys_without_a_password(world):
    """Without a right password first in the same session, the code page only sends back
    to the sign-in page, whoever is asking."""
    for role in ("anonymous", "group"):
        client = web(world.users[role])
        answer = client.post(reverse("web:sign_in_code"), {"code": "123456"})
        assert answer.status_code == 302 and answer["Location"] == reverse("web:login")


# Disagreements (issue 13): every way to a case, by every role. Fenland CVS (recipient)
# raised the case about Cambridge City Council (owner), with a document; Hunts Forum (group)
# and Cambridgeshire County Council (council) are third organisations, which see nothing of
# it (404, as if it did not exist); the public is sent to sign in, or 401/404 by the API.
CASE_ROLES = ("anonymous", "group", "council", "recipient", "owner", "officer")
PARTIES = ("recipient", "owner", "officer")


@pytest.fixture
def a_case(world):
    from compactwatch.changes.cases import raise_case

    document = SimpleUploadedFile("letter.txt", b"Notice letter", content_type="text/plain")
    return raise_case(
        Actor.system("test"), world.compact, other_party=org(OWNER),
        commitments=["cambridgeshire-refreshed/4.5"], what_happened="Short notice",
        wanted="Reasons", raising_organisation=org(RECIPIENT), documents=[document],
    )  # fmt: skip


def _case_note(user, case) -> list:
    url = _url("web:case", case.ref)
    return [web(user).post(url, {"action": "note", "note-version": case.version,
                                 "note-text": "A note"})]  # fmt: skip


def _calendar(user, case) -> list:
    from compactwatch.web.views.case_calendar import calendar_token

    person = user or get_user_model().objects.get(username="officer")  # the public: a guess
    token = calendar_token(person, case.compact) if user else "0" * 40
    return [web(None).get(_url("web:case_calendar", person.pk, token))]


CASE_WAYS = {
    "web case page": lambda user, case: [web(user).get(_url("web:case", case.ref))],
    "web case step": _case_note,
    "web case document": lambda user, case: [web(user).get(
        _url("web:case_document", case.ref, case.steps.get().documents.get().pk))],
    "web cases list": lambda user, case: [web(user).get(_url("web:cases"))],
    "web raise a concern": lambda user, case: [web(user).get(_url("web:case_raise"))],
    "web public concern form": lambda user, case: [web(user).get(_url("web:case_public"))],
    "web concerns from the public": lambda user, case: [web(user).get(_url("web:case_waiting"))],
    "web route for disagreements": lambda user, case: [web(user).get(_url("web:case_route"))],
    "calendar feed by its own address": _calendar,
    "API case": lambda user, case: [api(user).get(_url("api:case", case.ref))],
    "API cases list": lambda user, case: [api(user).get(_url("api:cases"))],
    "API case step": lambda user, case: [api(user).post(
        _url("api:case_steps", case.ref), {"kind": "note", "text": "A note",
                                           "version": case.version}, format="json")],
}  # fmt: skip


def case_answer(way: str, role: str) -> int | str:
    """What a role gets from a way to the case."""
    party = role in PARTIES
    if way == "web public concern form":
        return 200
    if way == "calendar feed by its own address":
        return 200 if role == "officer" else 404
    if way.startswith("API"):
        if way == "API cases list":
            return SHOWN if party else ABSENT
        if way == "API case step" and role == "anonymous":
            return 401
        return 200 if party else 404
    if role == "anonymous":
        return SIGN_IN
    if way in ("web concerns from the public", "web route for disagreements"):
        return 200 if role == "officer" else 403
    if way == "web raise a concern":
        return 200
    if way == "web cases list":
        return SHOWN if party else ABSENT
    if way == "web case step":
        return 302 if party else 404
    return 200 if party else 404


@pytest.mark.parametrize("way", CASE_WAYS)
@pytest.mark.parametrize("role", CASE_ROLES)
def test_a_case_by_every_way_and_role(world, a_case, way, role):
    steps = a_case.steps.count()
    (response,) = CASE_WAYS[way](world.users[role], a_case)
    expected = case_answer(way, role)
    where = f"{way} | {role}"
    if expected in (SHOWN, ABSENT):
        assert response.status_code == 200, where
        if "rows" in (response.context or {}):
            refs = [row.case.ref for row in response.context["rows"]]
        else:
            refs = [item["id"] for item in response.json()["results"]]
        assert (a_case.ref in refs) == (expected == SHOWN), (where, refs)
    elif expected == SIGN_IN:
        judge(response, SIGN_IN, None)
    else:
        assert response.status_code == expected, (where, response.content[:300])
    stepped = way in ("web case step", "API case step") and expected in (200, 302)
    assert a_case.steps.count() == steps + stepped, where


# The action plan and the annual review (issue 14): an item of the 2026 plan owned by
# Cambridge City Council (owner). Everyone reads the plan, its items and the review; the
# owner's members and the officer add progress notes; only the officer changes the plan,
# records the review and carries a year on. Refused: the sign-in page, or 403.
PLAN_YEAR = 2026
PLAN_ROLES = ("anonymous", "group", "council", "recipient", "owner", "officer")


@pytest.fixture
def an_item(world):
    from compactwatch.changes import action_plan, annual_review

    officer = Actor.system("test")
    annual_review.add_work_item(officer, world.compact, PLAN_YEAR,
                                {"title": "Run the survey", "lead_kind": "group", "quarter": 2})  # fmt: skip
    return action_plan.add_item(officer, world.compact, PLAN_YEAR, {
        "title": "List every consultation", "success": "All listed", "owner_kind": "partner",
        "owner": org(OWNER), "commitment": "cambridgeshire-refreshed/2.4",
        "due": date(PLAN_YEAR, 6, 30),
    })  # fmt: skip


def _item_post(item) -> dict[str, Any]:
    return {"title": "Changed", "success": "All listed", "owner_kind": "partner",
            "owner": item.owner_id, "due": "", "status": "in_progress",
            "commitment": "cambridgeshire-refreshed/2.4", "indicator": "", "version": 1}  # fmt: skip


def _get_post(name: str, posted, *args: Any):
    def pages(user, item) -> list:
        url = _url(name, *args)
        data = posted(item) if callable(posted) else posted
        return [web(user).get(url), web(user).post(url, data)]

    return pages


PLAN_WAYS = {
    "the action plan": lambda user, item: [web(user).get(_url("web:action_plan", PLAN_YEAR))],
    "an action item": lambda user, item: [web(user).get(_url("web:action_item", PLAN_YEAR, 1))],
    "the annual review": lambda user, item: [web(user).get(_url("web:annual_review", PLAN_YEAR))],
    "add a progress note": lambda user, item: [web(user).post(
        _url("web:action_item", PLAN_YEAR, 1), {"text": "Half done", "status": "", "version": 1})],
    "add an action item": _get_post("web:action_item_new", _item_post, PLAN_YEAR),
    "change an action item": _get_post("web:action_item_edit", _item_post, PLAN_YEAR, 1),
    "record the review meeting": _get_post(
        "web:annual_review_meeting", {"date": "2027-05-14", "minutes": "Met"}, PLAN_YEAR),
    "add to the work programme": _get_post(
        "web:work_item_new", {"title": "Train funders", "lead_kind": "group", "quarter": "3"},
        PLAN_YEAR),
    "change the work programme": _get_post(
        "web:work_item_edit", {"title": "Changed", "lead_kind": "group", "quarter": "3",
                               "version": 1}, PLAN_YEAR, 1),
    "carry unfinished items on": _get_post("web:annual_review_carry", {}, PLAN_YEAR),
}  # fmt: skip
PLAN_READS = ("the action plan", "an action item", "the annual review")


def plan_answer(way: str, role: str) -> int | str:
    if way in PLAN_READS:
        return 200
    if role == "anonymous":
        return SIGN_IN
    if way == "add a progress note":
        return 302 if role in ("owner", "officer") else 403
    return "ok" if role == "officer" else 403


def monitoring_rows() -> dict[str, Any]:
    from compactwatch.monitoring.models import (
        ActionItem,
        ProgressNote,
        ReviewMeeting,
        WorkProgrammeItem,
    )

    return {
        "items": list(
            ActionItem.objects.values_list("year", "number", "title", "status", "version")
        ),
        "notes": ProgressNote.objects.count(),
        "meetings": list(ReviewMeeting.objects.values_list("year", "minutes", "version")),
        "work": list(WorkProgrammeItem.objects.values_list("title", "quarter", "version")),
    }


@pytest.mark.parametrize("way", PLAN_WAYS)
@pytest.mark.parametrize("role", PLAN_ROLES)
def test_the_action_plan_by_every_way_and_role(world, an_item, way, role):
    before = monitoring_rows()
    responses = PLAN_WAYS[way](world.users[role], an_item)
    expected = plan_answer(way, role)
    where = f"{way} | {role}"
    if expected == "ok":  # the officer: the page, then the form saved (a redirect)
        assert responses[0].status_code == 200, where
        assert responses[1].status_code == 302, (where, responses[1].context
                                                 and responses[1].context["form"].errors)  # fmt: skip
        assert monitoring_rows() != before, where
        return
    for response in responses:
        if expected == SIGN_IN:
            judge(response, SIGN_IN, None)
        else:
            assert response.status_code == expected, (where, response.content[:300])
    if expected == 302:  # a note added by the owner or the officer
        assert monitoring_rows()["notes"] == before["notes"] + 1, where
    else:
        assert monitoring_rows() == before, where
