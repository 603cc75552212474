from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def msisdn_spaced(value) -> str:
    """`13912348888` -> `139 1234 8888`: the way a rep reads a number aloud to the customer."""
    value = str(value or "")
    return f"{value[:3]} {value[3:7]} {value[7:]}" if len(value) == 11 else value


@register.simple_tag
def msisdn_marked(msisdn: str, pattern: str = ""):
    """The number spaced, with its last four digits in bold when it has a grading pattern."""
    value = str(msisdn or "")
    if len(value) != 11:
        return value
    if pattern:
        return format_html('{} {} <strong class="tail">{}</strong>', value[:3], value[3:7], value[7:])
    return format_html("{} {} {}", value[:3], value[3:7], value[7:])
