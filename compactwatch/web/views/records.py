"""Stub views: to be written."""

from django.http import HttpResponse


def record_list(request, **kwargs):
    return HttpResponse("record_list")


def upload(request, **kwargs):
    return HttpResponse("upload")


def record_create(request, **kwargs):
    return HttpResponse("record_create")


def record_detail(request, **kwargs):
    return HttpResponse("record_detail")


def record_edit(request, **kwargs):
    return HttpResponse("record_edit")
