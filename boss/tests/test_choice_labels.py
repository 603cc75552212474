"""get_FOO_display() with the labels of a field's choices kept per field and language (boss/apps.py)."""

from django.apps import apps
from django.db.models import Model
from django.db.models.fields import Field
from django.utils import translation

from customers.models import Line

UNKNOWN = "no-such-choice"


def _fields_with_choices():
    for model in apps.get_models():
        for field in model._meta.fields:
            if isinstance(field.choices, list | tuple) and field.choices:
                yield model, field


def test_every_label_is_djangos_in_both_languages_and_an_unknown_value_shows_as_itself():
    """Each model's get_FOO_display() answers what Django's own function does, for every choice and for a value
    that is none of them, in Chinese and in English."""
    checked = 0
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for model, field in _fields_with_choices():
                for value in [value for value, _label in field.flatchoices] + [UNKNOWN]:
                    obj = model()
                    obj.__dict__[field.attname] = value   # as the database's row would (a protected state too)
                    expected = Model._get_FIELD_display(obj, field)
                    assert getattr(obj, f"get_{field.name}_display")() == expected, (model, field.name, value)
                    checked += 1
    assert checked > 500


def test_a_fields_labels_are_read_once_per_language(monkeypatch):
    """Django read and hashed every choice's lazy label (translating it) on every call: a list of 50 rows did it
    for each row's status. Now once per field and language."""
    reads = []
    flatchoices = Field.flatchoices

    def counting(self):
        reads.append((self.model, self.name))
        return flatchoices.fget(self)

    monkeypatch.setattr(Field, "flatchoices", property(counting))
    line = Line(status=Line.Status.ACTIVE)
    with translation.override("zh-hans"):
        labels = [line.get_status_display() for _ in range(5)]
    with translation.override("en"):
        english = line.get_status_display()
    assert labels == ["正常"] * 5 and english == "Active"
    assert len([r for r in reads if r == (Line, "status")]) <= 2
