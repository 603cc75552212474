"""Permissions in two layers (style.md B5).

Coarse: a Django permission checked at the view or API entry (`PermissionRequiredMixin`,
`RequiresPerm`). Fine: hall scope, checked in the selectors that receive `actor`: what a user sees is
limited to their hall unless their role spans halls (`boss.all_halls`). An object of another hall is
reported as not found (404), never as forbidden, so ids cannot be probed; the failed access is logged
and audited.
"""

from typing import TYPE_CHECKING

from django.db.models import Model, QuerySet
from django.http import Http404
from rest_framework.permissions import BasePermission

from boss.audit import audit_record
from boss.logging import security_log
from boss.prepared import Prepared

if TYPE_CHECKING:
    from boss.models import Staff


def actor_spans_halls(actor) -> bool:
    return bool(actor and actor.is_authenticated and actor.has_perm("boss.all_halls"))


def restrict_to_actor(qs: QuerySet, actor, *, hall_field: str = "hall") -> QuerySet:
    """Limit a queryset to the actor's hall unless their role spans halls. Deny by default."""
    if actor_spans_halls(actor):
        return qs
    if actor is None or not actor.is_authenticated or actor.hall_id is None:
        return qs.none()
    return qs.filter(**{hall_field: actor.hall_id})


def get_for_actor(qs: QuerySet, actor, *, hall_field: str = "hall", visible: QuerySet | None = None,
                  **lookup) -> Model:
    """Fetch one object the actor may see, or raise Http404 and record the refused access.

    `visible` is the actor's view of `qs` when it is narrower than the hall scope (own drawers only).
    """
    model = qs.model
    if visible is None:
        visible = restrict_to_actor(qs, actor, hall_field=hall_field)
    obj = visible.filter(**lookup).first()
    if obj is not None:
        return obj
    if qs.filter(**lookup).exists():
        access_denied(actor=actor, what=f"{model._meta.label_lower} {lookup}")
    raise Http404


def access_denied(*, actor, what: str) -> None:
    """Log and audit a refused access to an object outside the actor's scope (ASVS 7.2.2)."""
    security_log.warning("access denied: user=%s what=%s", getattr(actor, "username", "?"), what)
    audit_record(actor=actor if getattr(actor, "pk", None) else None, action="access.denied",
                 target=None, after={"what": what[:150]})


def ensure_same_hall(*, actor, hall_id) -> None:
    """For services: the actor acts for this hall, or their role spans halls. Raises NotPermitted."""
    from django.utils.translation import gettext as _

    from boss.errors import NotPermitted

    if actor_spans_halls(actor) or (actor.hall_id is not None and actor.hall_id == hall_id):
        return
    raise NotPermitted(_("This belongs to another service hall."))


def RequiresPerm(*perms: str) -> type[BasePermission]:  # noqa: N802 (a class factory, read as a class)
    """DRF permission class requiring every listed Django permission."""

    class _RequiresPerm(BasePermission):
        required = perms

        def has_permission(self, request, view):
            user = request.user
            if not (user and user.is_authenticated and user.has_perms(perms)):
                security_log.info("api permission refused: user=%s perms=%s path=%s",
                                  getattr(user, "username", "-"), ",".join(perms), request.path)
                return False
            return True

    _RequiresPerm.__name__ = "RequiresPerm_" + "_".join(p.replace(".", "_") for p in perms)
    return _RequiresPerm


def _staff_named(username: str) -> QuerySet:
    from boss.models import Staff

    return Staff.objects.filter(username=username)


# Every work order's completion acts as it: read by a statement compiled once per process (issue 20).
_STAFF_NAMED = Prepared(_staff_named, str)


def system_actor() -> "Staff":
    """The staff account timed jobs act as (cannot log in: no usable password)."""
    from boss.models import Staff

    found = _STAFF_NAMED.first("system")
    if found is not None:
        return found
    actor, created = Staff.objects.get_or_create(
        username="system", defaults={"is_system": True, "first_name": "系统", "is_active": False}
    )
    if created:
        actor.set_unusable_password()
        actor.save(update_fields=["password"])
    return actor


def approver_authenticate(request, *, username: str, password: str):
    """A second person approves at the counter by typing their own user name and password (a manager's
    blacklist override, a store manager's signature). Returns the approver; a wrong name or password is
    refused at the password field (the login lockout counts it like any failed login)."""
    from django.contrib.auth import authenticate
    from django.utils.translation import gettext as _

    from boss.errors import DomainError

    approver = authenticate(request, username=username or "", password=password or "")
    if approver is None:
        raise DomainError(_("The manager's user name or password is wrong."), field="override_password")
    return approver
