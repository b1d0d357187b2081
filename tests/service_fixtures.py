"""Fixtures for the service (a pytest plugin loaded by conftest): the Cambridgeshire Compact installed, a user for each role."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from compactwatch.changes import records as record_changes
from compactwatch.changes.base import Actor
from compactwatch.changes.editions import install_shipped_compact
from compactwatch.changes.register import add_membership, add_officer
from compactwatch.organisations.models import Organisation

PASSWORD = "a-long-test-password-1"


@pytest.fixture(autouse=True)
def _plain_static(settings):
    # Tests render pages without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    # Uploaded files and the progress of imports on SQLite are kept in the data folder.
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"  # documents attached to disagreements' steps


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Counts kept in the cache (the public forms' rate limits) start at nothing in each test.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _close_the_jobs_connection():
    # Imports report progress through a second connection; close it so that PostgreSQL
    # can drop the test database at the end.
    yield
    from django.db import connections

    connections["jobs"].close()


@pytest.fixture
def compact(db):
    return install_shipped_compact()


def _user(username: str, **fields):
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)


@pytest.fixture
def officer(compact):
    user = _user("officer")
    add_officer(Actor.system("test"), compact, user)
    return user


@pytest.fixture
def site_admin(db):
    return _user("admin", is_superuser=True, is_staff=True)


def _member(compact, username: str, ref: str):
    user = _user(username)
    add_membership(Actor.system("test"), Organisation.objects.get(compact=compact, ref=ref), user)
    return user


@pytest.fixture
def council_member(compact):
    return _member(compact, "council", "cambridgeshire-county-council")


@pytest.fixture
def group_member(compact):
    return _member(compact, "group", "hunts-forum")


# The fields of a record that the use case takes as values (the rest it keeps itself).
KEPT = {"id", "compact", "ref", "created", "updated", "created_by", "version"}


def save_record(record, user):
    """Save a record built as a model instance, through the one way in, as `user` (a test's
    shorthand for filling a form): returns it as stored."""
    values = {
        field.name: getattr(record, field.name)
        for field in type(record)._meta.concrete_fields
        if field.name not in KEPT
    }
    return record_changes.save_record(
        Actor(user, "test"), record.compact, type(record), record.ref or None, values,
        mode="upsert",
    )  # fmt: skip


def form_data(form) -> dict:
    """What a browser posts back for a form as rendered (its initial values)."""
    from django import forms

    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        data[name] = "" if value is None else value
    return data
