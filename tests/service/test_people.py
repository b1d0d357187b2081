"""The officer's People pages: invitations by email, partners, officers, deactivation."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from service_fixtures import PASSWORD

from compactwatch.audit.models import AuditEntry
from compactwatch.changes.base import Actor
from compactwatch.changes.people import make_officer
from compactwatch.changes.register import save_compact
from compactwatch.compacts.models import Compact
from compactwatch.organisations.models import Membership

pytestmark = pytest.mark.django_db
SLUG = "cambridgeshire"
NEW_PASSWORD = "a-new-long-password-42"


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, *args) -> str:
    return reverse(f"web:{name}", args=[SLUG, *args])


def can_sign_in(username: str, password: str = PASSWORD) -> bool:
    response = Client().post(reverse("web:login"), {"username": username, "password": password})
    return response.status_code == 302


def test_an_invitation_from_the_page_sets_the_password_once(officer):
    client = signed_in(officer)
    assert client.get(url("invite")).status_code == 200
    response = client.post(
        url("invite"), {"email": "sam@example.org", "role": "cambridgeshire-county-council"}
    )
    assert response.status_code == 302
    sam = get_user_model().objects.get(email="sam@example.org")
    assert not sam.has_usable_password()
    assert list(sam.memberships.values_list("organisation__ref", flat=True)) == [
        "cambridgeshire-county-council"
    ]
    (email,) = mail.outbox
    assert email.to == ["sam@example.org"]
    assert "a member of Cambridgeshire County Council" in email.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", email.body).group(1)
    choose = Client()
    form = choose.get(link, follow=True)
    assert form.status_code == 200 and "new_password1" in form.context["form"].fields
    done = choose.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert can_sign_in("sam@example.org", NEW_PASSWORD)
    again = Client().get(link, follow=True)
    assert not again.context["validlink"]  # the link worked once
    listed = client.get(url("people"))
    assert "sam@example.org" in listed.content.decode()
    assert AuditEntry.objects.filter(record_type="user", record_ref="sam@example.org").exists()


def test_inviting_an_officer_and_a_bad_form(officer):
    client = signed_in(officer)
    refused = client.post(url("invite"), {"email": "not an email", "role": "nobody"})
    assert refused.status_code == 200
    assert set(refused.context["form"].errors) == {"email", "role"}
    assert not mail.outbox
    client.post(url("invite"), {"email": "jo@example.org", "role": "officer"})
    compact = Compact.objects.get(slug=SLUG)
    assert compact.officers.filter(username="jo@example.org").exists()
    assert "an officer of" in mail.outbox[0].body


def test_changing_the_partners_a_person_acts_for(officer, council_member):
    client = signed_in(officer)
    page = url("person", council_member.pk)
    assert client.get(page).status_code == 200
    client.post(page, {"action": "join", "organisation": "hunts-forum"})
    assert set(council_member.memberships.values_list("organisation__ref", flat=True)) == {
        "cambridgeshire-county-council",
        "hunts-forum",
    }
    client.post(page, {"action": "leave", "organisation": "cambridgeshire-county-council"})
    assert list(council_member.memberships.values_list("organisation__ref", flat=True)) == [
        "hunts-forum"
    ]
    assert client.post(page, {"action": "join", "organisation": "nowhere"}).status_code == 400
    actions = AuditEntry.objects.filter(record_type="membership", username="officer")
    assert sorted(actions.values_list("action", flat=True)) == ["created", "deleted"]


def test_the_last_officer_stays(officer, council_member):
    compact = Compact.objects.get(slug=SLUG)
    client = signed_in(officer)
    alone = client.post(url("person", officer.pk), {"action": "stop_officer"})
    assert alone.status_code == 200
    assert "the only officer" in alone.context["problem"]
    assert list(compact.officers.all()) == [officer]

    client.post(url("person", council_member.pk), {"action": "make_officer"})
    assert set(compact.officers.all()) == {officer, council_member}
    assert client.post(url("person", officer.pk), {"action": "stop_officer"}).status_code == 302
    assert list(compact.officers.all()) == [council_member]
    entries = AuditEntry.objects.filter(record_type="officers", username="officer")
    assert entries.count() == 2


def test_deactivating_stops_sign_in_and_keeps_the_records(officer, council_member):
    client = signed_in(officer)
    member = signed_in(council_member)
    page = url("person", council_member.pk)
    assert client.post(page, {"action": "deactivate", "version": 1}).status_code == 302
    council_member.refresh_from_db()
    assert not council_member.is_active
    assert not can_sign_in("council")
    assert member.get(url("records")).status_code == 302  # the open session ends too
    assert Membership.objects.filter(user=council_member).exists()
    # A form opened before the change is stale: nothing is saved.
    stale = client.post(page, {"action": "reactivate", "version": 1})
    assert stale.status_code == 200 and stale.context["stale"]
    council_member.refresh_from_db()
    assert not council_member.is_active
    assert client.post(page, {"action": "reactivate", "version": 2}).status_code == 302
    assert can_sign_in("council")
    entries = AuditEntry.objects.filter(record_type="user", record_ref="council")
    assert list(entries.order_by("version").values_list("summary", flat=True)) == [
        "deactivated",
        "reactivated",
    ]
    trail = client.get(url("audit")).content.decode()
    assert "deactivated" in trail and "reactivated" in trail
    yourself = client.post(url("person", officer.pk), {"action": "deactivate", "version": 1})
    assert "your own account" in yourself.context["problem"]


def test_the_people_pages_are_the_officers_of_this_compact_only(
    officer, council_member, group_member
):
    other = Compact.objects.get(slug=SLUG)
    leeds_officer = get_user_model().objects.create_user("leeds", password=PASSWORD)
    leeds = save_compact(Actor.system("test"), Compact(slug="leeds", name="Leeds", area="Leeds"))
    make_officer(Actor.system("test"), leeds, leeds_officer)

    def state():
        return (
            sorted(Membership.objects.values_list("user__username", "organisation__ref")),
            sorted(other.officers.values_list("username", flat=True)),
            sorted(get_user_model().objects.values_list("username", "is_active")),
            AuditEntry.objects.count(),
            len(mail.outbox),
        )

    before = state()
    posts = [
        (url("invite"), {"email": "x@example.org", "role": "officer"}),
        (url("person", group_member.pk), {"action": "make_officer"}),
        (url("person", officer.pk), {"action": "stop_officer"}),
        (url("person", council_member.pk), {"action": "deactivate", "version": 1}),
        (url("person", council_member.pk), {"action": "leave",
                                            "organisation": "cambridgeshire-county-council"}),
    ]  # fmt: skip
    for client, refusal in ((signed_in(group_member), 403), (signed_in(leeds_officer), 403),
                            (Client(), 302)):  # fmt: skip
        for path in (url("people"), url("invite"), url("person", officer.pk)):
            assert client.get(path).status_code == refusal, path
        for path, data in posts:
            response = client.post(path, data)
            assert response.status_code == refusal, path
            if refusal == 302:
                assert response["Location"].startswith(reverse("web:login"))
    assert state() == before
    # Leeds's officer cannot reach Cambridgeshire's people through Leeds's pages either.
    leeds_page = reverse("web:person", args=["leeds", council_member.pk])
    assert signed_in(leeds_officer).get(leeds_page).status_code == 404


def test_the_sign_in_page_says_how_to_get_an_account(officer):
    officer.email = "officer@example.org"
    officer.save()
    page = Client().get(reverse("web:login")).content.decode()
    assert "Ask your Compact officer for an invitation" in page
    assert 'href="mailto:officer@example.org"' in page
    assert reverse("web:password_reset") in page


def test_the_officer_adds_and_removes_a_member_of_the_development_group(
    officer, council_member, group_member
):
    """A member of the Compact Development Group sees every disagreement (6.2); only the
    officer changes who is on it, from the person's page, each change audited."""
    from case_helpers import raise_one

    from compactwatch import permissions

    compact = council_member.memberships.first().organisation.compact
    # Hunts Forum with Cambridge City Council: the county council's member is no party.
    case = raise_one(compact, group_member, other="cambridge-city-council")
    page = url("person", council_member.pk)
    assert signed_in(council_member).get(url("case", case.ref)).status_code == 404
    assert "Add to the Compact Development Group" in signed_in(officer).get(page).content.decode()
    outsider = signed_in(group_member).post(page, {"action": "join_group"})
    assert outsider.status_code == 403
    assert not permissions.in_development_group(council_member, case.compact)
    done = signed_in(officer).post(page, {"action": "join_group"})
    assert done.status_code == 302
    assert permissions.in_development_group(council_member, case.compact)
    assert signed_in(council_member).get(url("case", case.ref)).status_code == 200
    assert "Compact Development Group" in signed_in(officer).get(url("people")).content.decode()
    signed_in(officer).post(page, {"action": "leave_group"})
    assert not permissions.in_development_group(council_member, case.compact)
    assert signed_in(council_member).get(url("case", case.ref)).status_code == 404
    actions = AuditEntry.objects.filter(record_type="development_group", username="officer")
    assert sorted(actions.values_list("action", flat=True)) == ["created", "deleted"]
