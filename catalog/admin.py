"""Django admin for the catalog and the number grade table (the admin role maintains them). Every change
is audited (boss.admin.AuditedAdmin)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from boss.admin import AuditedAdmin
from catalog.grading import grade_table_regrade_request, pattern_check
from catalog.models import Discount, Feature, NumberGrade, NumberGradeRule, Offer, OneTimeFee, Plan


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "brand", "network", "monthly_fee", "voice_minutes", "data_mb", "active",
                    "valid_from", "valid_until"]
    list_filter = ["kind", "brand", "network", "active"]
    search_fields = ["code", "name"]


@admin.register(Feature)
class FeatureAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "level", "monthly_fee", "deposit_param", "active", "valid_from",
                    "valid_until"]
    list_filter = ["kind", "active"]


@admin.register(OneTimeFee)
class OneTimeFeeAdmin(AuditedAdmin):
    list_display = ["code", "name", "business", "kind", "sim_capacity", "grade", "amount", "valid_from", "valid_until"]
    list_filter = ["business", "kind"]


@admin.register(Discount)
class DiscountAdmin(AuditedAdmin):
    list_display = ["code", "name", "business", "plan", "target", "percent_off", "amount_off", "active", "valid_from",
                    "valid_until"]
    list_filter = ["business", "target", "active"]


@admin.register(Offer)
class OfferAdmin(AuditedAdmin):
    list_display = ["code", "name", "product", "audience", "priority", "active", "valid_from", "valid_until"]
    list_filter = ["audience", "active"]
    filter_horizontal = ["from_plans"]


@admin.register(NumberGrade)
class NumberGradeAdmin(AuditedAdmin):
    list_display = ["code", "name", "rank", "pre_deposit", "min_monthly_spend", "agreement_months", "is_default"]


class NumberGradeRuleForm(forms.ModelForm):
    class Meta:
        model = NumberGradeRule
        fields = ["code", "name", "kind", "pattern", "grade", "demote_steps", "window", "priority", "active"]

    def clean(self):
        data = super().clean()
        if data.get("kind") and data.get("pattern"):
            try:
                pattern_check(data["kind"], data["pattern"])
            except forms.ValidationError as exc:
                self.add_error("pattern", exc)
        return data


@admin.register(NumberGradeRule)
class NumberGradeRuleAdmin(AuditedAdmin):
    """Rules grade numbers as they enter the pool; after a change, the action "grade the free numbers
    again" (or `manage.py numbers_regrade`) brings the free numbers of the pool in line."""

    form = NumberGradeRuleForm
    list_display = ["code", "name", "kind", "pattern", "grade", "demote_steps", "priority", "active"]
    list_filter = ["kind", "active"]
    actions = ["regrade_pool"]

    @admin.action(description=_("Grade the free numbers of the pool again (in the background)"))
    def regrade_pool(self, request, queryset):
        grade_table_regrade_request()
        self.message_user(request, _("The free numbers are being graded again; numbers reserved, sold or "
                                     "cooling down keep their grade."))
