"""`migrate` renders a model a migration creates on its own (boss/apps.py, issue 20): the migrations' state
of the whole project, rendered, gains a model pointing to the staff member; only that model is rendered,
and it is bound both ways to the models already there. The schema a fresh `migrate` builds is compared with
the models by the migration tests (tests/test_migration_from_old_layout.py, makemigrations --check)."""

from django.db import models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ModelState


def test_a_created_model_is_rendered_alone_and_bound_to_the_models_it_points_to(monkeypatch):
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    staff = state.apps.get_model("boss", "Staff")   # the whole project rendered, as migrate has it
    rendered = []
    render = ModelState.render

    def counted(self, apps):
        rendered.append(self.name_lower)
        return render(self, apps)

    monkeypatch.setattr(ModelState, "render", counted)
    state.add_model(ModelState("boss", "Probe", [("id", models.AutoField(primary_key=True)),
                                                 ("staff", models.ForeignKey("boss.Staff", models.CASCADE))]))
    assert rendered == ["probe"]            # Django alone re-rendered every model related to the staff member
    probe = state.apps.get_model("boss", "Probe")
    assert state.apps.get_model("boss", "Staff") is staff
    assert probe._meta.get_field("staff").related_model is staff
    assert probe in [rel.related_model for rel in staff._meta.related_objects]


def test_a_changed_model_renders_again_with_the_models_pointing_to_it_only(monkeypatch):
    """An index added to the staff member (a change that leaves its relations alone): the staff member and
    the models pointing to it are rendered again, not every model related to the hall it points to, and the
    hall's reverse relation binds to its new class."""
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    hall = state.apps.get_model("boss", "Hall")
    pointing = {(f.related_model._meta.app_label, f.related_model._meta.model_name)
                for f in state.apps.get_model("boss", "Staff")._meta.get_fields(include_hidden=True)
                if f.auto_created and not f.concrete and not f.related_model._meta.auto_created}
    rendered = []
    render = ModelState.render

    def counted(self, apps):
        rendered.append((self.app_label, self.name_lower))
        return render(self, apps)

    monkeypatch.setattr(ModelState, "render", counted)
    state.add_index("boss", "staff", models.Index(fields=["username"], name="probe_staff_idx"))
    assert set(rendered) == {("boss", "staff")} | pointing
    assert ("boss", "hall") not in rendered                      # Django re-rendered the hall and all its relations
    assert len(rendered) < len(state.models) / 2
    staff = state.apps.get_model("boss", "Staff")
    assert state.apps.get_model("boss", "Hall") is hall
    assert staff._meta.get_field("hall").related_model is hall
    assert staff in [rel.related_model for rel in hall._meta.related_objects]
    assert "probe_staff_idx" in [index.name for index in staff._meta.indexes]
