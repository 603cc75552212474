"""Filtersets of the number pool and the stock, shared by the screens and the API (NetBox style)."""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from boss.models import Hall
from catalog.models import NumberGrade, NumberGradeRule, SimCapacity
from inventory.models import Handset, HandsetModel, NumberSegment, RechargeCard, SimCard
from inventory.selectors import number_pattern_rules, numbers_containing, numbers_ending, numbers_with_pattern

_digits = RegexValidator(r"^\d{1,8}$", _("Enter 1 to 8 digits."))


def _digits_widget(placeholder: str):
    return forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 8, "autocomplete": "off",
                                  "placeholder": placeholder, "size": 8})


class NumberSearchFilterSet(django_filters.FilterSet):
    """Free numbers by segment, ending, contained digits, pattern and grade.

    Segment and grade resolve to their row first (one small query each), so that the database uses
    the (segment, msisdn) and (grade, msisdn) indexes rather than a join over the whole pool.
    """

    ending = django_filters.CharFilter(label=_("ending"), method="filter_ending", validators=[_digits],
                                       widget=_digits_widget("8888"))
    contains = django_filters.CharFilter(label=_("contains"), method="filter_contains", validators=[_digits],
                                         widget=_digits_widget("168"))
    pattern = django_filters.ModelChoiceFilter(
        label=_("pattern"), queryset=NumberGradeRule.objects.none(), to_field_name="code",
        method="filter_pattern", empty_label=_("any"))
    segment = django_filters.ModelChoiceFilter(
        label=_("segment"), queryset=NumberSegment.objects.filter(active=True), to_field_name="prefix",
        field_name="segment", empty_label=_("any"))
    grade = django_filters.ModelChoiceFilter(
        label=_("grade"), queryset=NumberGrade.objects.all(), to_field_name="code", field_name="grade",
        empty_label=_("any"))

    class Meta:
        fields = ["ending", "contains", "pattern", "segment", "grade"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["pattern"].queryset = number_pattern_rules()

    def filter_ending(self, queryset, name, value):
        return numbers_ending(queryset, value) if value else queryset

    def filter_contains(self, queryset, name, value):
        return numbers_containing(queryset, value) if value else queryset

    @extend_schema_field(OpenApiTypes.STR)  # the rule's code (AABB ...) in the query string
    def filter_pattern(self, queryset, name, value):
        return numbers_with_pattern(queryset, value) if value else queryset


class SimCardFilterSet(django_filters.FilterSet):
    iccid = django_filters.CharFilter(label=_("ICCID"), lookup_expr="startswith")
    capacity = django_filters.ChoiceFilter(label=_("capacity"), choices=SimCapacity.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=SimCard.Status.choices)
    hall = django_filters.ModelChoiceFilter(label=_("service hall"), queryset=Hall.objects.all(),
                                            to_field_name="code")

    class Meta:
        model = SimCard
        fields = ["iccid", "capacity", "status", "hall"]


class HandsetFilterSet(django_filters.FilterSet):
    imei = django_filters.CharFilter(label=_("IMEI"), lookup_expr="startswith")
    model = django_filters.ModelChoiceFilter(label=_("model"), queryset=HandsetModel.objects.all(),
                                             to_field_name="code")
    status = django_filters.ChoiceFilter(label=_("status"), choices=Handset.Status.choices)
    hall = django_filters.ModelChoiceFilter(label=_("service hall"), queryset=Hall.objects.all(),
                                            to_field_name="code")

    class Meta:
        model = Handset
        fields = ["imei", "model", "status", "hall"]


class RechargeCardFilterSet(django_filters.FilterSet):
    serial = django_filters.CharFilter(label=_("serial number"), lookup_expr="startswith")
    face_value = django_filters.NumberFilter(label=_("face value"))
    status = django_filters.ChoiceFilter(label=_("status"), choices=RechargeCard.Status.choices)
    hall = django_filters.ModelChoiceFilter(label=_("service hall"), queryset=Hall.objects.all(),
                                            to_field_name="code")

    class Meta:
        model = RechargeCard
        fields = ["serial", "face_value", "status", "hall"]
