"""Who may do what.

- The public reads the public pages: the Compact's text, the register, each body's figures.
- A member of a partner organisation records and edits its own records (those where it is
  the consulting body or the funder) and sees every record it is part of, with findings,
  and the consultations of the bodies that fund it (findings/treatment.py: on_side).
- A Compact officer does everything for their Compact, the register and editions included.
- Site administrators (superusers) do everything everywhere.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from compactwatch.compacts.models import Compact
from compactwatch.disputes.models import Case, DevelopmentGroupMember, PublicStatus
from compactwatch.findings.treatment import on_side
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import Record

User = AbstractBaseUser | AnonymousUser


def is_site_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def is_officer(user: User, compact: Compact) -> bool:
    if not user.is_authenticated:
        return False
    return is_site_admin(user) or compact.officers.filter(pk=user.pk).exists()


def organisation_ids(user: User, compact: Compact | None = None) -> list[int]:
    """The organisations the user acts for (in one Compact, if given)."""
    if not user.is_authenticated:
        return []
    memberships = user.memberships.all()
    if compact is not None:
        memberships = memberships.filter(organisation__compact=compact)
    return list(memberships.values_list("organisation_id", flat=True))


def visible_records(user: User, model: type[Record], compact: Compact) -> QuerySet:
    """The records of a kind the user may read: all for officers, else those their
    organisation takes part in, on either side."""
    queryset = model.objects.filter(compact=compact)
    if is_officer(user, compact):
        return queryset
    ids = organisation_ids(user, compact)
    if not ids:
        return queryset.none()
    return queryset.filter(on_side(model, ids))


def editable_records(user: User, model: type[Record], compact: Compact) -> QuerySet:
    """The records of a kind the user may change: all for officers, else those in which
    their organisation acts."""
    queryset = model.objects.filter(compact=compact)
    if is_officer(user, compact):
        return queryset
    return queryset.filter(**{f"{model.traits.acting}__in": organisation_ids(user, compact)})


def can_view(user: User, record: Record) -> bool:
    if is_officer(user, record.compact):
        return True
    ids = set(organisation_ids(user, record.compact))
    if any(org.pk in ids for org in record.involved()):
        return True
    return visible_records(user, type(record), record.compact).filter(pk=record.pk).exists()


def can_edit(user: User, record: Record) -> bool:
    """Officers, and members of the acting body (the consulting body, or the funder)."""
    if is_officer(user, record.compact):
        return True
    body = record.body()
    return body is not None and body.pk in organisation_ids(user, record.compact)


def can_record_for(user: User, organisation: Organisation | None, compact: Compact) -> bool:
    """Whether the user may make a record in which `organisation` is the acting body."""
    if is_officer(user, compact):
        return True
    return organisation is not None and organisation.pk in organisation_ids(user, compact)


def can_record(user: User, compact: Compact) -> bool:
    """Whether the user may make any record in the Compact at all."""
    return is_officer(user, compact) or bool(organisation_ids(user, compact))


# ---------------------------------------------------------------- disagreements (issue 13)
# A case is seen by its parties' members, whoever raised it, the officer and the members of
# the Compact Development Group; a case sent from the public form and not accepted, by the
# officer only; confidential notes, by the officer only.


def in_development_group(user: User, compact: Compact) -> bool:
    return bool(
        user.is_authenticated
        and DevelopmentGroupMember.objects.filter(compact=compact, user_id=user.pk).exists()
    )


def case_roles(user: User, case: Case) -> list[str]:
    """The roles `user` holds in `case`, most particular first (the core's role names)."""
    if not user.is_authenticated:
        return []
    roles = []
    accepted = case.public_status in (PublicStatus.NOT_PUBLIC, PublicStatus.ACCEPTED)
    ids = set(organisation_ids(user, case.compact)) if accepted else set()
    if accepted and (case.raised_by_id == user.pk or case.raising_organisation_id in ids):
        roles.append("raiser")
    if case.other_party_id in ids:
        roles.append("other party")
    if accepted and in_development_group(user, case.compact):
        roles.append("Compact Development Group")
    if is_officer(user, case.compact):
        roles.append("officer")
    return roles


def visible_cases(user: User, compact: Compact) -> QuerySet:
    """The cases of `compact` the user may see."""
    cases = Case.objects.filter(compact=compact)
    if is_officer(user, compact):
        return cases
    if not user.is_authenticated:
        return cases.none()
    accepted = cases.filter(public_status__in=[PublicStatus.NOT_PUBLIC, PublicStatus.ACCEPTED])
    if in_development_group(user, compact):
        return accepted
    ids = organisation_ids(user, compact)
    return accepted.filter(
        Q(raised_by_id=user.pk) | Q(raising_organisation_id__in=ids) | Q(other_party_id__in=ids)
    )


def can_see_case(user: User, case: Case) -> bool:
    return bool(case_roles(user, case))


def can_read_confidential_notes(user: User, case: Case) -> bool:
    return is_officer(user, case.compact)
