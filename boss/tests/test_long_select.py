"""boss.forms.LongSelect writes what Django's select templates write."""

import pytest
from django import forms
from django.test import SimpleTestCase

from boss.forms import LongSelect
from boss.labels import action_choices

CHOICES = [("", "任意"), ("a", "甲 & <乙>"), ("分组", [("b", "丙"), ("c", '"丁"')]), (3, "三")]


@pytest.mark.parametrize("value", [None, "a", "b", 3, ["a", "c"]])
@pytest.mark.parametrize("attrs", [None, {"id": "id_x", "required": True, "disabled": False, "class": "w"}])
def test_the_html_is_djangos_whatever_is_selected(value, attrs):
    ours = LongSelect(choices=CHOICES).render("x", value, attrs=attrs)
    djangos = forms.Select(choices=CHOICES).render("x", value, attrs=attrs)
    SimpleTestCase().assertHTMLEqual(ours, djangos)
    assert "甲 &amp; &lt;乙&gt;" in ours and "&quot;丁&quot;" in ours   # labels escaped


@pytest.mark.django_db
def test_the_audit_filter_offers_every_action_through_it():
    from boss.filtersets import AuditEventFilterSet

    form = AuditEventFilterSet({"action": "payment.collect"}).form
    assert isinstance(form.fields["action"].widget, LongSelect)
    ours = str(form["action"])
    form.fields["action"].widget = forms.Select(choices=form.fields["action"].choices)
    SimpleTestCase().assertHTMLEqual(ours, str(form["action"]))
    assert ours.count("<option") == len(action_choices()) + 1 and 'value="payment.collect" selected' in ours
