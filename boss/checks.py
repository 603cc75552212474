"""Deployment checks of the product (`manage.py check --deploy`, issue 12 item 10).

Outside parties are simulated behind an interface (the HLR, the group's national card-count service, the
SMS gateway). A simulator in production makes checks pass that must not pass (一证五号 always allowed, an
SMS never sent), so a deployment check fails on any simulator unless `BOSS_DEMO_DEPLOYMENT=True` says
this deployment is a demonstration. Settings are read with getattr: a setting an app has not added yet
is simply not checked.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

# setting name -> the simulator it names by default
SIMULATORS = {
    "BOSS_NETWORK_ADAPTER": "provisioning.adapters.SimulatedHlr",
    "BOSS_NATIONAL_COUNT_BACKEND": "customers.national.SimulatedNationalCountService",
    "BOSS_SMS_BACKEND": "notifications.backends.SimulatedSmsGateway",
}


def simulators_configured() -> list[tuple[str, str]]:
    """(setting, value) of every outside party that is configured as a simulator."""
    found = []
    for name, simulator in SIMULATORS.items():
        value = getattr(settings, name, None)
        if not value or not isinstance(value, str):
            continue
        if value == simulator or value.rsplit(".", 1)[-1].startswith("Simulated"):
            found.append((name, value))
    return found


@register(Tags.security, deploy=True)
def check_no_simulators(app_configs=None, **kwargs):
    if getattr(settings, "BOSS_DEMO_DEPLOYMENT", False):
        return []
    return [Error(f"{name} is the simulator {value}: production needs the real one.",
                  hint="Configure the real backend, or set BOSS_DEMO_DEPLOYMENT=true for a demonstration "
                       "deployment that may run on simulators.",
                  id="boss.E001")
            for name, value in simulators_configured()]
