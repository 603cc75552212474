from django import template
from django.utils.html import format_html

from boss.masking import mask, mask_msisdn
from boss.money import format_yuan, yuan_capital

register = template.Library()


@register.filter
def yuan(value):
    return format_yuan(value)


@register.filter
def capital(value):
    return yuan_capital(value)


@register.filter(name="mask")
def mask_filter(value):
    return mask(value)


@register.filter
def msisdn_masked(value):
    return mask_msisdn(value)


@register.simple_tag
def badge(text, tone="neutral"):
    """A status or class badge: tone is one of ok, warn, bad, vip, neutral."""
    return format_html('<span class="badge badge-{}">{}</span>', tone, text)


@register.filter
def absolute(value):
    return abs(value) if value is not None else value


@register.filter
def name_for(value, user):
    """`{{ customer.name|name_for:user }}`: the one per-role rule of boss.masking.name_for."""
    from boss.masking import name_for as _name_for

    return _name_for(user, value)


@register.filter
def mask_name(value):
    from boss.masking import mask_name as _mask_name

    return _mask_name(value)


@register.filter(name="action_label")
def action_label_filter(value):
    """An audit action code as the label a person reads (boss.labels)."""
    from boss.labels import action_label

    return action_label(value)


@register.filter(name="choice_label")
def choice_label_filter(value, name):
    """`{{ code|choice_label:"catalog.PaymentMethod" }}`: a stored code as its label (boss.labels)."""
    from boss.labels import label

    return label(name, value)
