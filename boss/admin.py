"""Django admin for reference data: halls, departments, staff, tariff parameters; the audit trail read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from boss.audit import audit_record
from boss.models import AuditEvent, Department, Hall, Staff, TariffParameter
from boss.tariffs import tariff_cache_clear

admin.site.site_header = _("Service-hall BOSS administration")
admin.site.site_title = _("Service-hall BOSS")


class AuditedAdmin(admin.ModelAdmin):
    """Every change made in the admin is an audit event like any other."""

    def save_model(self, request, obj, form, change):
        before = {f: str(form.initial.get(f)) for f in form.changed_data} if change else None
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action=f"admin.{obj._meta.model_name}.{'change' if change else 'add'}",
                     target=obj, before=before, after={f: str(form.cleaned_data.get(f)) for f in form.changed_data})


@admin.register(Hall)
class HallAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "designated_for_cancellation", "redemption_hall", "group_sms_allowed",
                    "active"]
    list_filter = ["kind", "designated_for_cancellation", "redemption_hall", "active"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "parent", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name"]


@admin.register(Staff)
class StaffAdmin(UserAdmin):
    list_display = ["username", "last_name", "first_name", "hall", "department", "is_active"]
    list_filter = ["groups", "hall", "department", "is_active"]
    fieldsets = UserAdmin.fieldsets + ((_("Workplace"), {"fields": ("hall", "department", "language")}),)
    add_fieldsets = UserAdmin.add_fieldsets + ((_("Workplace"), {"fields": ("hall", "department", "groups")}),)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        fields = [f for f in form.changed_data if f not in ("password", "password1", "password2")]
        audit_record(actor=request.user, action=f"admin.staff.{'change' if change else 'add'}", target=obj,
                     after={"fields": fields})


@admin.register(TariffParameter)
class TariffParameterAdmin(AuditedAdmin):
    list_display = ["key", "label", "value", "default", "updated_by", "updated_at"]
    readonly_fields = ["key", "label", "default", "updated_by", "updated_at"]
    fields = ["key", "label", "value", "default", "updated_by", "updated_at"]
    search_fields = ["key"]

    @admin.display(description=_("parameter"))
    def label(self, obj):
        return obj.definition.label if obj.definition else "?"

    @admin.display(description=_("default"))
    def default(self, obj):
        return obj.definition.default if obj.definition else ""

    def has_add_permission(self, request):
        return False  # rows come from the registry (boss/tariffs.py)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        tariff_cache_clear()


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "actor", "hall", "action", "target_repr", "reason"]
    list_filter = ["action"]
    search_fields = ["action", "target_repr"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
