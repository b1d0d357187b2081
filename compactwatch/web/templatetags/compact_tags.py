from django import template

from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact

register = template.Library()


@register.filter
def humanise(value: str) -> str:
    """`minimum_notice` -> "Minimum notice"."""
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]


@register.simple_tag
def commitment_name(compact: Compact, citation: str) -> str:
    """`cambridgeshire-refreshed/4.5` -> "4.5 Three months' notice in writing (refreshed edition)"."""
    return editions_of(compact).describe(citation)
