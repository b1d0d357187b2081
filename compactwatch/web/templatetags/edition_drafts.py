"""Drafts of new editions on pages that are not their own: the editions page's "Drafts"
section and the six-year review warning (the officer's editions page and the Compact's
page)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from compactwatch.compacts.models import Compact, EditionDraft
from compactwatch.compacts.review import ReviewDue, review_due

register = template.Library()


@register.simple_tag
def drafts_of(compact: Compact) -> list[EditionDraft]:
    """The Compact's drafts, newest first."""
    return list(compact.drafts.select_related("adopted_as"))


@register.simple_tag
def review_warning(compact: Compact) -> ReviewDue | None:
    """The review warning, when the edition in force is due a review."""
    return review_due(compact, timezone.localdate())
