from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_after_migrate(sender, **kwargs):
    from boss.roles import roles_sync
    from boss.tariffs import tariff_sync

    roles_sync()
    tariff_sync()


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

        # Once per migrate: runs after every app's tables exist (sender = this app).
        post_migrate.connect(_sync_after_migrate, sender=self, dispatch_uid="boss.sync_roles_tariffs")

