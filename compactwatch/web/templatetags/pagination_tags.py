"""Links for the GOV.UK pagination component that keep the page's filters."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page

register = template.Library()


@register.simple_tag(takes_context=True)
def page_links(context: dict[str, Any], page: Page) -> dict[str, Any]:
    """The previous and next links and the numbered items (None for a gap), each link the
    current address with only its page number changed."""
    query = context["request"].GET.copy()

    def href(number: int) -> str:
        query["page"] = str(number)
        return f"?{query.urlencode()}"

    items = [
        None if number == page.paginator.ELLIPSIS
        else {"number": number, "href": href(number), "current": number == page.number}
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    ]  # fmt: skip
    return {
        "previous": href(page.previous_page_number()) if page.has_previous() else "",
        "next": href(page.next_page_number()) if page.has_next() else "",
        "items": items,
    }
