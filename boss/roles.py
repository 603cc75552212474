"""Roles of processes.md section 0 as Django groups with explicit permissions.

The roles and the kernel's permissions are listed here; each app lists the permissions it gives
to each role in its own `<app>/roles.py` as `ROLE_PERMISSIONS = {"sales_rep": (...), ...}`.
`roles_sync()` runs after every `migrate` and makes the groups match the union exactly (permissions
that are not listed are removed), so the permission matrix in the tests and the database never drift
apart.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    perms: tuple[str, ...]


# Every staff role uses the counter frame (home, search, language).
_BASE = ("boss.use_counter",)
# Customers' names in full (boss.masking.name_for): the roles that serve or handle the customer. Managers,
# the data-business room and administrators see them masked, on every screen and endpoint alike.
_FULL_NAME = ("boss.view_full_name",)

ROLES: dict[str, Role] = {
    r.code: r
    for r in [
        Role("sales_rep", _("Sales rep"), _BASE + _FULL_NAME),
        Role("customer_manager", _("Customer manager"), _BASE + _FULL_NAME),
        Role("store_manager", _("Store manager"), _BASE + _FULL_NAME + (
            "boss.view_auditevent", "boss.approve_export",
        )),
        Role("account_clerk", _("Account-room clerk"), _BASE + _FULL_NAME + (
            "boss.all_halls",
        )),
        Role("big_customer_room", _("Big-customer room"), _BASE + _FULL_NAME + (
            "boss.all_halls",
        )),
        Role("data_business_room", _("Data-business room"), _BASE + (
            "boss.all_halls",
        )),
        Role("complaint_reviewer", _("Complaint reviewer"), _BASE + _FULL_NAME + (
            "boss.all_halls",
        )),
        Role("department_handler", _("Department handler"), _BASE + _FULL_NAME + (
            "boss.all_halls",
        )),
        Role("manager", _("Manager"), _BASE + (
            "boss.all_halls", "boss.view_auditevent", "boss.approve_export",
        )),
        Role("admin", _("Administrator"), _BASE + (
            "boss.all_halls", "boss.view_auditevent",
            "boss.view_hall", "boss.add_hall", "boss.change_hall",
            "boss.view_department", "boss.add_department", "boss.change_department",
            "boss.view_staff", "boss.add_staff", "boss.change_staff",
            "boss.view_tariffparameter", "boss.change_tariffparameter",
            "auth.view_group",
        )),
    ]
}


def role_label(code: str) -> str:
    role = ROLES.get(code)
    return str(role.label) if role else code


def role_permissions() -> dict[str, tuple[str, ...]]:
    """Every role's permissions: the kernel's (above) plus each app's `roles.ROLE_PERMISSIONS`."""
    from boss.registry import app_modules

    merged = {code: list(role.perms) for code, role in ROLES.items()}
    for module in app_modules("roles"):
        for code, perms in getattr(module, "ROLE_PERMISSIONS", {}).items():
            if code not in merged:
                raise LookupError(f"{module.__name__} names an unknown role {code}")
            merged[code].extend(perms)
    return {code: tuple(dict.fromkeys(perms)) for code, perms in merged.items()}


def roles_sync(*, verbosity: int = 0) -> None:
    """Make every role group hold exactly the permissions listed here."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # Permissions of every app must exist before groups can point at them; create_permissions is
    # idempotent and the post_migrate order between apps is not ours to choose.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)

    by_name = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for code, perms in role_permissions().items():
        missing = [name for name in perms if name not in by_name]
        if missing:
            raise LookupError(f"role {code} names unknown permissions: {missing}")
        group, _created = Group.objects.get_or_create(name=code)
        group.permissions.set([by_name[name] for name in perms])
