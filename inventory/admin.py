"""Django admin for the number segments, handset models and the points gift catalogue (reference data of the
inventory). Numbers and stock enter through the CSV import, never here."""

from django.contrib import admin

from boss.admin import AuditedAdmin
from inventory.forms import GiftAdminForm
from inventory.models import Gift, HandsetModel, NumberSegment


@admin.register(NumberSegment)
class NumberSegmentAdmin(AuditedAdmin):
    list_display = ["prefix", "operator", "kind", "number_length", "active", "note"]
    list_filter = ["operator", "kind", "active"]


@admin.register(HandsetModel)
class HandsetModelAdmin(AuditedAdmin):
    list_display = ["code", "brand", "name", "network", "price", "active"]


@admin.register(Gift)
class GiftAdmin(AuditedAdmin):
    form = GiftAdminForm
    list_display = ["code", "name", "points", "cash_topup", "valid_from", "valid_until", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name"]
    exclude = ["picture", "picture_type"]
