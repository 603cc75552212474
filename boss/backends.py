"""The authentication backend: Django's ModelBackend with each staff member's permission set kept per
process for a few seconds.

Every API request checks a permission, and Django reads the user's and the groups' permissions from the
database on each request (two queries, for a set that changes when an administrator edits a role). Here
the set is kept in this process for `BOSS_PERMISSION_CACHE_SECONDS` (default 10; 0 switches it off): a
change of groups or permissions made in this process takes effect at once (the signals below empty the
cache), one made in another process within that many seconds. Whether the account is active is read
on every request as before (the user row is fetched for each request).
"""

import time

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save

_cache: dict[tuple[int, str], tuple[float, set[str]]] = {}


def permission_cache_clear(**kwargs) -> None:
    _cache.clear()


class CachedPermissionsBackend(ModelBackend):
    def _get_permissions(self, user_obj, obj, from_name):
        seconds = getattr(settings, "BOSS_PERMISSION_CACHE_SECONDS", 10)
        if seconds <= 0 or obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return super()._get_permissions(user_obj, obj, from_name)
        perm_cache_name = f"_{from_name}_perm_cache"
        if hasattr(user_obj, perm_cache_name):
            return getattr(user_obj, perm_cache_name)
        key, now = (user_obj.pk, from_name), time.monotonic()
        hit = _cache.get(key)
        if hit is None or hit[0] <= now:
            perms = super()._get_permissions(user_obj, obj, from_name)
            _cache[key] = (now + seconds, perms)
            return perms
        setattr(user_obj, perm_cache_name, hit[1])
        return hit[1]


def connect_signals() -> None:
    """Called from BossConfig.ready(): any change of roles empties this process's cache."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    for through in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(permission_cache_clear, sender=through, dispatch_uid=f"perm-cache-{through.__name__}")
    for model in (Group, Permission, user_model):
        post_save.connect(permission_cache_clear, sender=model, dispatch_uid=f"perm-cache-save-{model.__name__}")
        post_delete.connect(permission_cache_clear, sender=model, dispatch_uid=f"perm-cache-del-{model.__name__}")
