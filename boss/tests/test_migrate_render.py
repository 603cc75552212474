"""`migrate` renders again only the models a change needs (boss/apps.py, issue 20): a model a migration creates
alone; a model whose plain field, index or constraint changes with the models pointing to it; a model whose
relations change with every model pointing to it, directly or not; and a data migration's models only when its
function asks for them. Every rendered model stays bound both ways to the others. The schema a fresh `migrate`
builds is compared with the models by the migration tests (tests/test_migration_from_old_layout.py,
makemigrations --check)."""

from types import SimpleNamespace

import pytest
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.special import RunPython
from django.db.migrations.state import ModelState


@pytest.fixture
def state():
    """The migrations' state of the whole project, rendered, as `migrate` has it."""
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    state.apps.get_model("boss", "Staff")
    return state


@pytest.fixture
def rendered(monkeypatch):
    """The models rendered from here on, as (app label, model name)."""
    found = []
    render = ModelState.render

    def counted(self, apps):
        found.append((self.app_label, self.name_lower))
        return render(self, apps)

    monkeypatch.setattr(ModelState, "render", counted)
    return found


def _all_bound(state) -> None:
    """Every relation of every model points to the class the registry holds for its model."""
    for model in state.apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is not None:
                target = field.related_model._meta
                assert field.related_model is state.apps.get_model(target.app_label, target.model_name), \
                    f"{model._meta.label}.{field.name} points to a replaced {target.label}"


def test_a_created_model_is_rendered_alone_and_bound_to_the_models_it_points_to(state, rendered):
    staff = state.apps.get_model("boss", "Staff")
    state.add_model(ModelState("boss", "Probe", [("id", models.AutoField(primary_key=True)),
                                                 ("staff", models.ForeignKey("boss.Staff", models.CASCADE))]))
    assert rendered == [("boss", "probe")]   # Django alone re-rendered every model related to the staff member
    probe = state.apps.get_model("boss", "Probe")
    assert state.apps.get_model("boss", "Staff") is staff
    assert probe._meta.get_field("staff").related_model is staff
    assert probe in [rel.related_model for rel in staff._meta.related_objects]


def test_a_changed_model_renders_again_with_the_models_pointing_to_it_only(state, rendered):
    """An index added to the staff member (a change that leaves its relations alone): the staff member and
    the models pointing to it are rendered again, not every model related to the hall it points to, and the
    hall's reverse relation binds to its new class."""
    hall = state.apps.get_model("boss", "Hall")
    pointing = {(f.related_model._meta.app_label, f.related_model._meta.model_name)
                for f in state.apps.get_model("boss", "Staff")._meta.get_fields(include_hidden=True)
                if f.auto_created and not f.concrete and not f.related_model._meta.auto_created}
    state.add_index("boss", "staff", models.Index(fields=["username"], name="probe_staff_idx"))
    assert set(rendered) == {("boss", "staff")} | pointing
    assert ("boss", "hall") not in rendered                      # Django re-rendered the hall and all its relations
    assert len(rendered) < len(state.models) / 2
    staff = state.apps.get_model("boss", "Staff")
    assert state.apps.get_model("boss", "Hall") is hall
    assert staff._meta.get_field("hall").related_model is hall
    assert staff in [rel.related_model for rel in hall._meta.related_objects]
    assert "probe_staff_idx" in [index.name for index in staff._meta.indexes]


def test_a_relation_added_and_removed_renders_the_model_and_what_points_to_it_only(state, rendered):
    """A foreign key from the complaint to the hall, added then removed (a change of relations, which Django
    reloads without delay): the complaint is rendered again with what points to it, and every model stays bound
    to the classes the registry holds; not the hall nor the models related to it (Django rendered nearly every
    model of the project). The hall gains the reverse relation, then loses it."""
    hall = state.apps.get_model("boss", "Hall")
    state.add_field("complaints", "complaint", "probe_hall",
                    models.ForeignKey("boss.Hall", models.CASCADE, null=True, related_name="probe_complaints"), True)
    assert ("complaints", "complaint") in rendered and ("boss", "hall") not in rendered
    assert len(rendered) < len(state.models) / 4
    _all_bound(state)
    complaint = state.apps.get_model("complaints", "Complaint")
    assert state.apps.get_model("boss", "Hall") is hall
    assert complaint._meta.get_field("probe_hall").related_model is hall
    assert complaint in [rel.related_model for rel in hall._meta.related_objects if rel.name == "probe_complaints"]

    rendered.clear()
    state.remove_field("complaints", "complaint", "probe_hall")
    assert ("complaints", "complaint") in rendered and ("boss", "hall") not in rendered
    _all_bound(state)
    assert "probe_complaints" not in [rel.name for rel in hall._meta.related_objects]


def test_a_data_migration_with_nothing_to_change_renders_no_model(state, rendered):
    """RunPython hands its function the models when it asks for them: one that returns first renders none
    (Django rendered the whole project for each); one that asks gets the models of its moment."""
    state.is_delayed = True           # as after a plain field's change: Django renders everything again first
    asked = []
    editor = SimpleNamespace(connection=connection)   # what RunPython reads of the schema editor: the database
    RunPython(lambda apps, schema_editor: None).database_forwards("boss", editor, state.clone(), state)
    assert rendered == []
    RunPython(lambda apps, schema_editor: asked.append(apps.get_model("boss", "Hall"))).database_forwards(
        "boss", editor, state.clone(), state)
    assert len(rendered) == len(state.models) and asked[0]._meta.db_table == "boss_hall"
