"""Template pieces every screen that shows a customer or a line reuses (ui.md: the customer banner; big
customers marked wherever they appear).

    {% load customers_tags %}
    {% customer_banner customer %}            {# or: {% customer_banner customer line=line %} #}
    {% customer_badges customer %}            {# VIP / 黑名单 / 红名单 badges #}
    {% line_status_badge line %}
"""

from django import template
from django.utils.html import format_html

from boss import labels
from boss.masking import mask_address
from customers.selectors import CLASS_TONES, LINE_STATUS_TONES, customer_banner, customer_classes_active

register = template.Library()


@register.inclusion_tag("customers/_banner.html", name="customer_banner", takes_context=True)
def customer_banner_tag(context, customer, line=None, oob=False):
    """The banner of a customer, or of one of their lines (its state and its account's money); nothing
    when the screen serves no customer yet. The user is passed on for the per-role name rule. `oob`: a
    fragment that updates part of the page (htmx polling) carries the banner too, out of band, so the
    banner and the body come from the same read."""
    return {"banner": customer_banner(customer=customer, line=line) if customer is not None else None,
            "user": context.get("user"), "oob": oob}


@register.inclusion_tag("customers/_class_badges.html")
def customer_badges(customer):
    """Badges of the classes in force (uses the `active_classes` prefetch of list selectors)."""
    return {"classes": customer_classes_active(customer=customer)}


@register.filter
def class_tone(customer_class) -> str:
    return CLASS_TONES.get(customer_class.kind, "neutral")


@register.simple_tag
def line_status_badge(line):
    return format_html('<span class="badge badge-{}" data-status="{}">{}</span>',
                       LINE_STATUS_TONES.get(line.status, "neutral"), line.status, line.get_status_display())


@register.filter
def address_masked(value) -> str:
    return mask_address(value)


@register.filter
def action_label(action: str) -> str:
    return labels.action_label(action)
