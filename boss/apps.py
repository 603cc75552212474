from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_after_migrate(sender, **kwargs):
    from boss.roles import roles_sync
    from boss.tariffs import tariff_sync

    roles_sync()
    tariff_sync()


def _fsm_skip_historical_models() -> None:
    """django-fsm-2 connects a class_prepared receiver for every FSM field of every model class made, the
    historical models that `migrate` renders for each migration included. Those stay alive with the
    migration states, and every model class made calls all of them: `migrate` grew quadratic, most of its
    time (issue 20: the test databases, `make run`). A historical model has no transition methods to
    collect, so its field's receiver is disconnected at once; the app's own models keep theirs."""
    from django.apps import apps as global_apps
    from django.db.models.signals import class_prepared
    from django_fsm import FSMFieldMixin

    if getattr(FSMFieldMixin, "_boss_historical_skip", False):
        return
    contribute = FSMFieldMixin.contribute_to_class

    def contribute_to_class(self, cls, name, *args, **kwargs):
        contribute(self, cls, name, *args, **kwargs)
        if cls._meta.apps is not global_apps:
            class_prepared.disconnect(self._collect_transitions)

    FSMFieldMixin.contribute_to_class = contribute_to_class
    FSMFieldMixin._boss_historical_skip = True


def _migrate_new_models_render_alone() -> None:
    """When a migration creates a model, Django re-renders it together with every model related to the models
    it points to, recursively: here nearly all of them, since almost every model points to the staff member
    or the hall. `migrate` of a new database made some 150 models about 150 times over (a quarter of its
    time: issue 20, the test databases and `make run`). A model that did not exist has nothing pointing to
    it yet, so it is rendered alone: its foreign keys bind to the models already rendered, whose reverse
    relations the registry refreshes as it does for any new model (boss/tests/test_migrate_render.py: the
    schema is the same). A change to an existing model that leaves its relations as they are re-renders the
    model and the models pointing to it, not the models related to the ones it points to (a third fewer
    renders again). A change of relations (the layer split's moves are mostly these) re-renders the model and
    every model pointing to it, directly or not, and not the models it points to. With the data migrations'
    change below, `migrate` of a new database renders 1,300 models instead of 9,300: 11 s of CPU instead of 27.
    The schema and the rows it builds are the same as with Django's own rendering (compared table by table on
    SQLite and PostgreSQL)."""
    from django.db.migrations.state import ProjectState

    if getattr(ProjectState, "_boss_new_model_alone", False):
        return

    def _find_reload_model(self, app_label, model_name, delay=False):
        try:
            old_model = self.apps.get_model(app_label, model_name)
        except LookupError:
            return {(app_label, model_name)}
        if not delay:
            # A change of relations (a foreign key added, removed or pointed elsewhere; Django reloads without
            # delay for these): the model and every model pointing to it, directly or through others, so that no
            # rendered model is left pointing to a class that was replaced. Django also renders again everything
            # the model points to and all that is related to those (here nearly every model, since nearly every
            # model points to the staff member or the hall): those keep their classes, and the registry refreshes
            # their reverse relations, added or gone, as it does for a new model.
            pointing, todo = {(app_label, model_name)}, [old_model]
            while todo:
                for field in todo.pop()._meta.get_fields(include_hidden=True):
                    if field.auto_created and not field.concrete and field.related_model is not None:
                        key = (field.related_model._meta.app_label, field.related_model._meta.model_name)
                        if key not in pointing:
                            pointing.add(key)
                            todo.append(field.related_model)
            return pointing
        self.is_delayed = True   # as Django's: a RunPython renders the whole project again first
        # A change that leaves the model's relations as they are (Django reloads with delay for these: a
        # plain field, an index, a constraint): the model and the models pointing to it, which must bind to
        # its new class. The models it points to stay as they are, and so do the ones pointing to those: the
        # registry refreshes their reverse relations to the new class, as for a new model.
        return {(app_label, model_name)} | {
            (field.related_model._meta.app_label, field.related_model._meta.model_name)
            for field in old_model._meta.get_fields(include_hidden=True)
            if field.auto_created and not field.concrete and field.related_model is not None}

    ProjectState._find_reload_model = _find_reload_model
    ProjectState._boss_new_model_alone = True


class _StateAppsWhenAsked:
    """The migration state's models, rendered when the RunPython function first asks for one."""

    def __init__(self, state):
        self._state = state

    def __getattr__(self, name):
        return getattr(self._state.apps, name)


def _run_python_renders_when_asked() -> None:
    """Before every RunPython, Django renders the whole project's models of that moment (some 150 classes) to hand
    them to the function, whether it uses them or not: a twelfth of `migrate` on a new database each time (issue 20:
    the test databases, `make run`). A data migration that finds no rows to change returns before asking for a model
    (boss.db.rows_exist): its models are now rendered only when asked for. A function that asks gets
    the same registry as before."""
    from django.db import router
    from django.db.migrations.operations.special import RunPython

    if getattr(RunPython, "_boss_apps_when_asked", False):
        return

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        from_state.clear_delayed_apps_cache()
        if router.allow_migrate(schema_editor.connection.alias, app_label, **self.hints):
            self.code(_StateAppsWhenAsked(from_state), schema_editor)

    RunPython.database_forwards = database_forwards
    RunPython._boss_apps_when_asked = True


def _tables_signature_cached() -> None:
    """django-tables2 reads the signature of a column's render method (inspect.signature) for every cell it
    renders, to pass only the arguments the method takes: a fifth of a 50-row list's time (issue 20). A
    function's signature does not change: it is kept per function (weakly: a function that goes away takes its
    entry along); a bound method's is its function's without `self`, kept per function as well."""
    import weakref

    from django_tables2 import utils

    if getattr(utils, "_boss_signature_cached", False):
        return
    original = utils.signature
    plain: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
    bound: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def signature(fn):
        func = getattr(fn, "__func__", None)
        cache, key = (bound, func) if func is not None else (plain, fn)
        try:
            found = cache.get(key)
        except TypeError:          # not weakly referable (a callable object): as django-tables2 does
            return original(fn)
        if found is None:
            found = original(fn)
            try:
                cache[key] = found
            except TypeError:
                pass
        return found

    utils.signature = signature
    utils._boss_signature_cached = True


def _choice_labels_cached() -> None:
    """Django's get_FOO_display() builds a dict of all the field's choices on every call, hashing each lazy label,
    which translates it: django-tables2 calls it for every cell of a field with choices, and a 50-row list spent
    about a tenth of its time there (issue 20: store1's work-order list, 264 calls). The labels of a field's fixed
    choices are kept per field and language, translated once; a value that is not among them is shown as
    Django shows it. Choices given by a callable are left to Django (they may change). Each model got its
    get_FOO_display() bound to Django's function when its class was made: those are bound to this one (a
    method a model defines itself is kept)."""
    from functools import partialmethod

    from django.apps import apps
    from django.db.models import Model
    from django.utils.encoding import force_str
    from django.utils.hashable import make_hashable
    from django.utils.translation import get_language

    original = Model._get_FIELD_display
    labels_of: dict[tuple, dict] = {}
    missing = object()

    def display(self, field):
        if not isinstance(field.choices, list | tuple):
            return original(self, field)
        key = (field, get_language())
        labels = labels_of.get(key)
        if labels is None:
            labels = {value: force_str(label, strings_only=True) for value, label in make_hashable(field.flatchoices)}
            labels_of[key] = labels
        value = getattr(self, field.attname)
        found = labels.get(make_hashable(value), missing)
        return force_str(value, strings_only=True) if found is missing else found

    for model in apps.get_models():
        for field in model._meta.fields:
            name = f"get_{field.name}_display"
            bound = model.__dict__.get(name)
            if isinstance(bound, partialmethod) and bound.func is original:
                setattr(model, name, partialmethod(display, field=field))


class BossConfig(AppConfig):
    name = "boss"
    verbose_name = _("Service hall")

    def ready(self):
        from boss import checks, signals  # noqa: F401  (deploy checks; login and logout auditing)
        from boss.backends import connect_signals
        from boss.logging import mask_every_handler

        # Settings.LOGGING masks its own handlers; this also covers the ones libraries added (gunicorn's
        # access and error logs, set up before the application loads).
        mask_every_handler()
        connect_signals()  # a change of roles empties the permission cache (boss/backends.py)
        from boss import server_prepared

        server_prepared.install()  # statements prepared on the PostgreSQL server once a session
        _fsm_skip_historical_models()
        _migrate_new_models_render_alone()
        _run_python_renders_when_asked()
        _tables_signature_cached()
        _choice_labels_cached()

        # Once per migrate: runs after every app's tables exist (sender = this app).
        post_migrate.connect(_sync_after_migrate, sender=self, dispatch_uid="boss.sync_roles_tariffs")

