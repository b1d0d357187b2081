"""Stub; to be written."""

from django.http import HttpResponse


def home(request, **kwargs):
    return HttpResponse("home")
