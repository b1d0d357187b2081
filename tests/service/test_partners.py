"""Partners of the Compact apart from organisations known only from imported data: the
register lists partners; an import's groups are listed apart; the officer makes one a
partner; an import whose funder is not a partner says so."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from grants_helpers import TRAFFORD_JSON

from compactwatch.audit.models import AuditEntry
from compactwatch.changes.base import Actor, Refused, Stale
from compactwatch.changes.register import make_partner, save_entry, save_organisation
from compactwatch.guard import way_in
from compactwatch.imports.describe import outcome_lines
from compactwatch.imports.services import create_job, run_job
from compactwatch.organisations.models import Organisation, Signature

DATABASES = ["default"] if connection.vendor == "sqlite" else ["default", "jobs"]
pytestmark = pytest.mark.django_db(databases=DATABASES)
C = "/compacts/cambridgeshire"
NOT_A_PARTNER = (
    "Trafford Metropolitan Borough Council, the funder of 555 grants in this file, is not a "
    "partner of the Cambridgeshire Compact: its grants are kept and checked, but the Compact "
    "does not bind it until it signs."
)
CHOIR = "Altrincham Children's Choir"  # a group the Trafford file funds


def import_trafford(compact):
    job = create_job(compact, TRAFFORD_JSON, TRAFFORD_JSON.name)
    return run_job(job.pk)


def shown(response) -> list[str]:
    return [org.name for org in response.context["page"].object_list]


def test_the_shipped_register_is_of_partners_and_the_migration_sorts_imported_ones(compact):
    register = Organisation.objects.filter(compact=compact)
    assert register.count() > 20 and not register.filter(partner=False).exists()
    # Rows stored before partners were told apart: an imported entry is a partner only if
    # it signed an edition.
    for ref in ("signed-group", "unsigned-group"):
        save_organisation(Actor.system("test"), compact, ref, {"name": ref, "imported": True},
                          mode="create")  # fmt: skip
    signed = Organisation.objects.get(ref="signed-group")
    save_entry(
        Actor.system("test"), Signature(organisation=signed, edition=compact.editions.first())
    )
    migration = import_module("compactwatch.organisations.migrations.0003_partner")
    with way_in():
        migration.mark_partners(apps, None)
    assert set(register.filter(partner=False).values_list("ref", flat=True)) == {"unsigned-group"}


def test_the_register_lists_partners_and_the_imported_groups_apart(client, compact):
    partners = Organisation.objects.filter(compact=compact).count()
    import_trafford(compact)
    known = Organisation.objects.filter(compact=compact, partner=False)
    assert known.count() > 300 and known.filter(name=CHOIR, imported=True).exists()
    register = client.get(f"{C}/register/")
    assert register.context["page"].paginator.count == partners
    page = register.content.decode()
    assert f"Organisations known from imported data ({known.count()})" in page
    assert not client.get(f"{C}/register/", {"q": "Altrincham"}).context["page"].paginator.count
    listed = client.get(f"{C}/known-from-data/", {"q": "Altrincham Children"})
    assert shown(listed) == [CHOIR]
    everyone = client.get(f"{C}/known-from-data/")
    assert everyone.context["page"].paginator.count == known.count()
    assert "Cambridgeshire County Council" not in shown(everyone)
    assert 'class="cw-table-scroll" role="region"' in everyone.content.decode()


def test_the_register_sorts_by_name_whatever_its_case(client, compact):
    save_organisation(Actor.system("test"), compact, "aardvark", {"name": "aardvark trust"},
                      mode="create")  # fmt: skip
    names = shown(client.get(f"{C}/register/"))
    assert names[0] == "aardvark trust"
    assert names == sorted(names, key=str.casefold)


def test_the_register_names_editions_and_kinds_in_words(client, compact):
    page = client.get(f"{C}/register/").content.decode()
    assert "Signed the 2007 edition" in page and "cambridgeshire-2007" not in page
    assert "NHS body" in page and "Nhs body" not in page and "nhs_body" not in page


def test_those_who_write_records_files_see_the_ids_they_need(
    client, compact, officer, group_member
):
    column = "Id in records files"
    assert column not in client.get(f"{C}/register/").content.decode()
    for user in (officer, group_member):
        client.force_login(user)
        page = client.get(f"{C}/register/").content.decode()
        assert column in page and "<code>cambridgeshire-county-council</code>" in page


def test_an_import_whose_funder_is_not_a_partner_says_so(client, compact, officer):
    job = import_trafford(compact)
    assert NOT_A_PARTNER in outcome_lines(job)  # the command line prints these lines
    client.force_login(officer)
    assert NOT_A_PARTNER in client.get(job.get_absolute_url()).content.decode().replace(
        "&#x27;", "'"
    )
    # Once the funder is a partner, importing its file again says nothing of the kind.
    trafford = Organisation.objects.get(compact=compact, org_id="GB-LAE-TRF")
    make_partner(Actor(officer, "test"), compact, trafford.ref, version=trafford.version)
    again = import_trafford(compact)
    assert again.outcome["unchanged"] == 555
    assert not any("not a partner" in line for line in outcome_lines(again))


def test_the_officer_makes_an_organisation_known_from_data_a_partner(client, compact, officer):
    import_trafford(compact)
    choir = Organisation.objects.get(compact=compact, name=CHOIR)
    client.force_login(officer)
    listed = client.get(f"{C}/known-from-data/", {"q": CHOIR}).content.decode()
    assert f"/manage/register/{choir.ref}/partner/" in listed
    check = client.get(f"{C}/manage/register/{choir.ref}/partner/").content.decode()
    assert "Make a partner" in check and choir.ref in check
    response = client.post(f"{C}/manage/register/{choir.ref}/partner/", {"version": choir.version})
    assert response.status_code == 302
    choir.refresh_from_db()
    assert choir.partner and choir.version == 2
    assert shown(client.get(f"{C}/register/", {"q": CHOIR})) == [CHOIR]
    assert shown(client.get(f"{C}/known-from-data/", {"q": CHOIR})) == []
    entry = AuditEntry.objects.get(record_type="organisation", record_ref=choir.ref)
    assert entry.username == "officer" and entry.changes["partner"] == [False, True]
    assert "made a partner" in entry.summary


def test_a_stale_version_is_refused_and_nothing_changes(client, compact, officer):
    import_trafford(compact)
    choir = Organisation.objects.get(compact=compact, name=CHOIR)
    save_organisation(Actor(officer, "test"), compact, choir.ref, {"kind": "charity"},
                      mode="update", version=choir.version)  # fmt: skip
    with pytest.raises(Stale):
        make_partner(Actor(officer, "test"), compact, choir.ref, version=choir.version)
    client.force_login(officer)
    response = client.post(f"{C}/manage/register/{choir.ref}/partner/", {"version": choir.version})
    assert (
        response.status_code == 200 and "Changed since you opened it" in response.content.decode()
    )
    choir.refresh_from_db()
    assert not choir.partner and choir.version == 2
    bad = client.post(f"{C}/manage/register/{choir.ref}/partner/", {"version": "x"})
    assert bad.status_code == 400


@pytest.mark.parametrize("role", ["anonymous", "council_member", "group_member"])
def test_only_the_officer_makes_partners(client, compact, request, role):
    import_trafford(compact)
    choir = Organisation.objects.get(compact=compact, name=CHOIR)
    if role != "anonymous":
        user = request.getfixturevalue(role)
        client.force_login(user)
        with pytest.raises(Refused):
            make_partner(Actor(user, "test"), compact, choir.ref, version=choir.version)
    url = f"{C}/manage/register/{choir.ref}/partner/"
    response = client.post(url, {"version": choir.version})
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert client.get(url).status_code == (302 if role == "anonymous" else 403)
    assert "/manage/register/" not in client.get(f"{C}/known-from-data/").content.decode()
    choir.refresh_from_db()
    assert not choir.partner and choir.version == 1
