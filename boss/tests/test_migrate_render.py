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
