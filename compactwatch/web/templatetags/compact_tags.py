from django import template

register = template.Library()


@register.filter
def humanise(value: str) -> str:
    """`minimum_notice` -> "Minimum notice"."""
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]
