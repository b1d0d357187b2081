"""Stub views: to be written."""

from django.http import HttpResponse


def editions(request, **kwargs):
    return HttpResponse("editions")


def organisation_create(request, **kwargs):
    return HttpResponse("organisation_create")


def organisation_edit(request, **kwargs):
    return HttpResponse("organisation_edit")


def audit(request, **kwargs):
    return HttpResponse("audit")
