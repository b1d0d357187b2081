"""Stub views: to be written."""

from django.http import HttpResponse


def compact(request, **kwargs):
    return HttpResponse("compact")


def compare_editions(request, **kwargs):
    return HttpResponse("compare_editions")


def edition(request, **kwargs):
    return HttpResponse("edition")


def register(request, **kwargs):
    return HttpResponse("register")


def organisation(request, **kwargs):
    return HttpResponse("organisation")


def figures(request, **kwargs):
    return HttpResponse("figures")


def plan(request, **kwargs):
    return HttpResponse("plan")
