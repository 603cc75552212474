from django import template
from django.template.base import render_value_in_context
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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


@register.simple_tag(takes_context=True)
def table_row(context, row):
    """One row of a django-tables2 table, written as the library's template writes it (`<tr attrs><td attrs>cell`
    for each column, a cell rendered as `{{ cell }}` renders it), built here in one pass: the template's loop
    over the cells was about a fifth of a 50-row list's time (templates/tables/table.html)."""
    html = [f"<tr {row.attrs.as_html()}>"]
    static = row.table.__dict__.setdefault("_boss_static_td", {})
    for column, cell in row.items():
        if column.localize is not None:
            cell = formats.localize(cell, use_l10n=column.localize)
        td = static.get(column.name)
        if td is None:
            td = column.attrs["td"].as_html()
            if _td_attrs_static(row.table, column):
                static[column.name] = td
        html.append(f"<td {td}>{render_value_in_context(cell, context)}</td>")
    html.append("</tr>")
    return mark_safe("".join(html))  # noqa: S308  (attributes and cells escaped as the template escapes them)


def _td_attrs_static(table, column) -> bool:
    """Whether a column's cell attributes are the same in every row (no value computed from the record): then
    they are written once per table, not worked out for each cell."""
    attrs = {**table.attrs, **column.column.attrs}
    td = attrs.get("td", attrs.get("cell", {}))
    return not any(callable(value) for value in td.values())
