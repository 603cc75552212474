"""Django admin for the number segments and handset models (reference data of the inventory). Numbers
and stock enter through the CSV import, never here."""

from django.contrib import admin

from boss.admin import AuditedAdmin
from inventory.models import HandsetModel, NumberSegment


@admin.register(NumberSegment)
class NumberSegmentAdmin(AuditedAdmin):
    list_display = ["prefix", "operator", "kind", "number_length", "active", "note"]
    list_filter = ["operator", "kind", "active"]


@admin.register(HandsetModel)
class HandsetModelAdmin(AuditedAdmin):
    list_display = ["code", "brand", "name", "network", "price", "active"]
