"""Find a module of the same name in every installed app of the project (roles, navigation, demo ...).

Each app contributes to the kernel's tables through its own module, so that work on one app never
has to edit another app's files.
"""

from functools import cache
from importlib import import_module
from types import ModuleType


@cache
def app_modules(name: str) -> tuple[ModuleType, ...]:
    """`app_modules("navigation")` → (customers.navigation, billing.navigation, ...) where they exist."""
    from django.apps import apps
    from django.conf import settings

    found = []
    for app_config in apps.get_app_configs():
        if app_config.name not in settings.PROJECT_APPS:
            continue
        dotted = f"{app_config.name}.{name}"
        try:
            found.append(import_module(dotted))
        except ModuleNotFoundError as exc:
            if exc.name != dotted:
                raise
    return tuple(found)
