"""Labels of bill items and usage records in the reader's language (the stored data is language-free)."""

from decimal import Decimal, InvalidOperation

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from billing.models import FeeType, UsageRecord
from boss.money import format_yuan

register = template.Library()
_USAGE = {FeeType.VOICE, FeeType.SMS, FeeType.DATA, FeeType.ROAMING, FeeType.LONG_DISTANCE}


@register.filter
def item_label(item) -> str:
    """A bill line (or a charge item before the bill run) as the customer reads it."""
    if item.fee_type == FeeType.MONTHLY:
        text = _("Plan monthly fee: %(name)s") % {"name": item.name}
    elif item.fee_type == FeeType.FEATURE:
        text = _("Feature fee: %(name)s") % {"name": item.name}
    elif item.fee_type == FeeType.DISCOUNT:
        text = _("Discount: %(name)s") % {"name": item.name}
    elif item.fee_type == FeeType.MINIMUM_SPEND:   # `name` is the month's minimum, a language-free amount
        text = _("Minimum spend top-up (minimum this month %(minimum)s)") % {"minimum": _yuan(item.name)}
    elif item.fee_type == FeeType.LATE_FEE:   # `name` is the overdue bills' amount
        text = _("Late fee on the overdue bill of %(amount)s") % {"amount": _yuan(item.name)}
    else:
        text = str(FeeType(item.fee_type).label)
        if item.quantity:
            text += _(" (%(n)d records)") % {"n": item.quantity}
    if item.fee_type not in _USAGE and item.days:
        text += _(" (%(days)d days)") % {"days": item.days}
    return text


def _yuan(text: str) -> str:
    try:
        return format_yuan(Decimal(text))
    except (InvalidOperation, TypeError):
        return text


@register.filter
def usage_amount(record) -> str:
    """Duration of a call, count of an SMS, volume of a data session."""
    if record.kind == UsageRecord.Kind.VOICE:
        minutes, seconds = divmod(record.duration_seconds, 60)
        return _("%(m)d min %(s)02d s") % {"m": minutes, "s": seconds}
    if record.kind == UsageRecord.Kind.SMS:
        return _("1 message")
    if record.volume_kb >= 1024:
        return f"{record.volume_kb / 1024:.1f} MB"
    return f"{record.volume_kb} KB"


@register.filter
def usage_flags(record) -> str:
    flags = []
    if record.roaming:
        flags.append(_("roaming"))
    if record.long_distance:
        flags.append(_("long distance"))
    return "、".join(flags)


@register.filter
def rating_of(record):
    """The record's rating, or None when it is not rated yet."""
    try:
        return record.rating
    except ObjectDoesNotExist:
        return None
