"""Who signed: approval records the signer (name and role as typed) and the account that
recorded it; the public register entry shows the edition, the day and the role, never the
name. A partner that signed an older edition signs the one in force from its own page,
once; the officer sees which partners have not."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from compactwatch.audit.models import AuditEntry
from compactwatch.changes import joining
from compactwatch.changes.base import Actor, Invalid, NotFound, Refused, Taken
from compactwatch.changes.register import save_organisation
from compactwatch.compacts.models import Edition
from compactwatch.organisations.models import Organisation, Signature

DATABASES = ["default"] if connection.vendor == "sqlite" else ["default", "jobs"]
pytestmark = pytest.mark.django_db(databases=DATABASES)
C = "/compacts/cambridgeshire"
DETAILS = f"{C}/your-organisation/hunts-forum/"
ANSWERS = {
    "name": "Ely Food Bank", "sector": "voluntary", "kind": "charity",
    "charity_number": "1170001", "company_number": "", "org_id": "GB-CHC-1170001",
    "signer_name": "Asha Patel", "signer_role": "Chair of trustees",
    "signer_email": "asha@example.org", "lead_status": "none",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def forum() -> Organisation:
    return Organisation.objects.get(compact__slug="cambridgeshire", ref="hunts-forum")


def in_force(compact) -> Edition:
    return compact.editions.get(slug="cambridgeshire-refreshed")


def test_approval_records_who_signed_and_who_recorded_it(client, compact, officer):
    asked = joining.submit(Actor(AnonymousUser(), "form"), compact, ANSWERS)
    food_bank = joining.approve(Actor(officer, "form"), compact, asked.pk, version=1)
    signature = food_bank.signatures.get()
    assert (signature.signer_name, signature.signer_role, signature.recorded_by) == (
        "Asha Patel", "Chair of trustees", officer,
    )  # fmt: skip
    assert signature.signed_on == timezone.localdate(asked.submitted)
    entry = AuditEntry.objects.get(record_type="signature", record_ref=food_bank.ref)
    assert entry.changes["signer_name"][1] == "Asha Patel"
    # The public entry: edition in words, the day and the role; not the person's name.
    page = client.get(f"{C}/register/{food_bank.ref}/").content.decode()
    assert "Signed the refreshed edition on" in page and "by its chair of trustees" in page
    assert "Asha Patel" not in page


def test_a_partner_that_signed_an_older_edition_is_asked_to_sign(client, compact, group_member):
    assert [s.edition.slug for s in forum().signatures.all()] == ["cambridgeshire-2007"]
    client.force_login(group_member)
    page = client.get(DETAILS).content.decode()
    assert "Your organisation has not yet signed the refreshed edition" in page
    assert ">Sign</button>" in page
    # Errors name the field and keep what was typed.
    empty = client.post(DETAILS, {"form": "sign", "signer_name": "Jo Bloggs", "signer_role": ""})
    assert empty.status_code == 200
    assert "Enter your role" in str(empty.context["sign_form"].errors["signer_role"])
    assert empty.context["sign_form"]["signer_name"].value() == "Jo Bloggs"
    assert not forum().signatures.filter(edition=in_force(compact)).exists()
    signed = client.post(DETAILS, {"form": "sign", "signer_name": " Jo  Bloggs ",
                                   "signer_role": "Chief executive"})  # fmt: skip
    assert signed.status_code == 302
    signature = forum().signatures.get(edition=in_force(compact))
    assert (signature.signer_name, signature.signer_role, signature.recorded_by,
            signature.signed_on) == ("Jo Bloggs", "Chief executive", group_member,
                                     timezone.localdate())  # fmt: skip
    entry = AuditEntry.objects.filter(record_type="signature").latest("id")
    assert entry.username == "group" and entry.via == "form"
    assert entry.summary == "Hunts Forum signed the refreshed edition: Jo Bloggs (Chief executive)"
    after = client.get(DETAILS).content.decode()
    assert "has not yet signed" not in after and ">Sign</button>" not in after
    # A second signing (another tab) is refused, and says why.
    again = client.post(DETAILS, {"form": "sign", "signer_name": "A", "signer_role": "B"})
    assert "has signed the refreshed edition already" in again.content.decode()
    assert forum().signatures.count() == 2
    public = client.get(f"{C}/register/hunts-forum/").content.decode()
    assert "by its chief executive" in public and "Jo Bloggs" not in public


def test_once_per_edition_and_only_the_edition_in_force(compact, group_member):
    actor = Actor(group_member, "test")
    with pytest.raises(Invalid) as older:
        joining.sign_edition(actor, forum(), compact.editions.get(slug="cambridgeshire-2007"),
                             "Jo", "Chair")  # fmt: skip
    assert "not the edition in force" in older.value.message
    joining.sign_edition(actor, forum(), in_force(compact), "Jo", "Chair")
    with pytest.raises(Taken):
        joining.sign_edition(actor, forum(), in_force(compact), "Jo", "Chair")
    assert forum().signatures.filter(edition=in_force(compact)).count() == 1


@pytest.mark.parametrize(
    "name, role, field",
    [("", "Chair", "signer_name"), ("Jo", "  ", "signer_role"), ("x" * 201, "Chair", "signer_name"),
     ("Jo", "y" * 201, "signer_role")],
)  # fmt: skip
def test_the_signer_is_named_within_bounds(compact, group_member, name, role, field):
    with pytest.raises(Invalid) as problem:
        joining.sign_edition(Actor(group_member, "test"), forum(), in_force(compact), name, role)
    assert problem.value.field == field
    assert not Signature.objects.filter(edition=in_force(compact), organisation=forum()).exists()


def test_the_longest_names_are_taken(compact, group_member):
    signature = joining.sign_edition(Actor(group_member, "test"), forum(), in_force(compact),
                                     "x" * 200, "y" * 200)  # fmt: skip
    assert len(signature.signer_name) == len(signature.signer_role) == 200


@pytest.mark.parametrize("role", ["anonymous", "council_member"])
def test_only_its_members_or_the_officer_sign_for_it(client, compact, request, role):
    user = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    with pytest.raises(Refused):
        joining.sign_edition(Actor(user, "test"), forum(), in_force(compact), "Mallory", "Chair")
    if role != "anonymous":
        client.force_login(user)
    answer = client.post(DETAILS, {"form": "sign", "signer_name": "M", "signer_role": "C"})
    assert answer.status_code == (302 if role == "anonymous" else 403)
    assert not forum().signatures.filter(edition=in_force(compact)).exists()


def test_the_officer_signs_for_a_partner_and_not_for_a_non_partner(compact, officer):
    signature = joining.sign_edition(Actor(officer, "test"), forum(), in_force(compact),
                                     "Jo Bloggs", "Chair")  # fmt: skip
    assert signature.recorded_by == officer
    known = save_organisation(Actor.system("test"), compact, "known", {"name": "Known",
                                 "partner": False}, mode="create")  # fmt: skip
    with pytest.raises(Invalid):
        joining.sign_edition(Actor(officer, "test"), known, in_force(compact), "Jo", "Chair")
    other = Edition(compact=known.compact, slug="x")
    other.compact_id = compact.pk + 1000
    with pytest.raises(NotFound):
        joining.sign_edition(Actor(officer, "test"), forum(), other, "Jo", "Chair")


def test_the_officer_sees_which_partners_have_not_signed(client, compact, officer, group_member):
    client.force_login(officer)
    page = client.get(f"{C}/manage/joining/").content.decode()
    assert "Partners who have not signed the refreshed edition" in page
    assert "Hunts Forum" in page
    _, missing = joining.partners_not_signed(compact)
    joining.sign_edition(Actor(group_member, "test"), forum(), in_force(compact), "Jo", "Chair")
    _, now_missing = joining.partners_not_signed(compact)
    assert [org.ref for org in missing if org.ref not in {o.ref for o in now_missing}] == [
        "hunts-forum"
    ]
    assert "Hunts Forum" not in client.get(f"{C}/manage/joining/").content.decode()
