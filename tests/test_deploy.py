"""Production settings pass Django's deployment checks; the API schema validates; demo data is
idempotent; Celery's beat schedule names real tasks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def _check_deploy(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "BOSS_DEMO_DEPLOYMENT", "BOSS_SMS_BACKEND")}
    env.update({"DJANGO_SETTINGS_MODULE": "boss.settings.production",
           "SECRET_KEY": "x7!Qm2#vL9$pR4&tW8*zN1^cB5(hJ3)kF6@dS0%gY-Lq8+Vd3~Ea6=Ro1?Ui4",
           "ALLOWED_HOSTS": "boss.example.cn",
           "DATABASE_URL": "sqlite:////tmp/boss-check.sqlite3", **extra})
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=env, capture_output=True, text=True)


def test_production_settings_pass_check_deploy_as_a_declared_demo():
    result = _check_deploy(BOSS_DEMO_DEPLOYMENT="true")
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_on_a_simulator_in_production():
    """Issue 12 item 10: the simulated HLR and national count service are refused by `check --deploy`; the
    simulated SMS sender is refused before the check runs (issue 13: the settings do not load on it)."""
    result = _check_deploy()
    out = result.stdout + result.stderr
    assert result.returncode != 0 and "BOSS_SMS_BACKEND" in out and "SimulatedSmsGateway" in out
    result = _check_deploy(BOSS_SMS_BACKEND="notifications.backends.SmppSmsGateway")
    out = result.stdout + result.stderr
    assert result.returncode != 0 and "boss.E001" in out
    assert "BOSS_NETWORK_ADAPTER" in out and "BOSS_NATIONAL_COUNT_BACKEND" in out


LOAD = "import django; django.setup(); from django.conf import settings; print('LOADED', settings.BOSS_SMS_BACKEND)"


def _load_production(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "BOSS_DEMO_DEPLOYMENT", "BOSS_SMS_BACKEND")}
    env.update({"DJANGO_SETTINGS_MODULE": "boss.settings.production", "SECRET_KEY": "k" * 60,
                "ALLOWED_HOSTS": "boss.example.cn", "DATABASE_URL": "sqlite:////tmp/boss-check.sqlite3", **extra})
    return subprocess.run([sys.executable, "-c", LOAD], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_production_settings_refuse_to_start_on_the_simulated_sms_sender():
    """Issue 13: what gunicorn, Celery or any command loads, not only `check --deploy`, refuses the simulated
    SMS gateway unless BOSS_DEMO_DEPLOYMENT says the deployment is a demonstration."""
    refused = _load_production()
    assert refused.returncode != 0 and "LOADED" not in refused.stdout
    assert "ImproperlyConfigured" in refused.stderr and "BOSS_SMS_BACKEND" in refused.stderr
    assert "BOSS_DEMO_DEPLOYMENT=true" in refused.stderr
    demo = _load_production(BOSS_DEMO_DEPLOYMENT="true")
    assert demo.returncode == 0 and "LOADED notifications.backends.SimulatedSmsGateway" in demo.stdout, demo.stderr
    real = _load_production(BOSS_SMS_BACKEND="notifications.backends.SmppSmsGateway")
    assert real.returncode == 0 and "LOADED notifications.backends.SmppSmsGateway" in real.stdout, real.stderr


def test_the_simulator_table_covers_every_outside_party(settings):
    from boss.checks import check_no_simulators

    settings.BOSS_DEMO_DEPLOYMENT = False
    settings.BOSS_NETWORK_ADAPTER = "provisioning.adapters.SimulatedHlr"
    settings.BOSS_NATIONAL_COUNT_BACKEND = "acme.national.GroupCountService"
    settings.BOSS_SMS_BACKEND = "notifications.backends.SimulatedSmsGateway"
    assert {e.msg.split(" ")[0] for e in check_no_simulators()} == {"BOSS_NETWORK_ADAPTER", "BOSS_SMS_BACKEND"}
    settings.BOSS_NETWORK_ADAPTER = "acme.hlr.HuaweiHlr"
    settings.BOSS_SMS_BACKEND = "acme.sms.Gateway"
    assert check_no_simulators() == []
    settings.BOSS_SMS_BACKEND = "notifications.backends.SimulatedSmsGateway"
    settings.BOSS_DEMO_DEPLOYMENT = True
    assert check_no_simulators() == []


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "boss.settings.production", "ALLOWED_HOSTS": "x"})
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_openapi_schema_validates(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/v1/auth/token" in out.read_text()


@pytest.mark.django_db
def test_demo_data_is_idempotent(monkeypatch):
    import inventory.demo
    from boss.models import Department, Hall, Staff

    # A pool of 3,000 numbers instead of 100,000: the pool's import is the demo's longest part (20 s of this
    # test's 27 on the CI machine) and its size is no part of what is checked here.
    monkeypatch.setattr(inventory.demo, "DEMO_NUMBERS", 3000)
    call_command("demo_data", "--quiet")
    counts = (Hall.objects.count(), Department.objects.count(), Staff.objects.count())
    call_command("demo_data", "--quiet")
    assert (Hall.objects.count(), Department.objects.count(), Staff.objects.count()) == counts
    from customers.models import LineCommitment

    # One demo line is on a premium number with a minimum monthly spend, opened once.
    assert LineCommitment.objects.filter(ended_on__isnull=True, line__status="active").count() == 1
    assert counts[0] == 3 and Hall.objects.filter(kind="partner").count() == 1
    from boss.roles import ROLES

    for role in ROLES:
        assert Staff.objects.filter(groups__name=role).exists(), f"no demo user for {role}"
    from billing.models import PointsEntry
    from inventory.models import GiftStock
    from loyalty import demo as loyalty_demo

    # A newcomer can redeem at once: the four demo gifts in stock at the redemption hall, received by its store
    # manager, and points for the demo customers (given once).
    stock = GiftStock.objects.filter(hall__code=loyalty_demo.HALL, hall__redemption_hall=True, quantity__gt=0)
    assert sorted(stock.values_list("gift__code", flat=True)) == ["MUG", "PWR", "SPK", "UMB"]
    given = PointsEntry.objects.filter(reference=loyalty_demo.REFERENCE)
    assert given.exists() and given.count() == given.values("customer").distinct().count()
    from groups.models import GroupSmsApplication, VpmnApplication

    # One group with VPMN open, one application signed and waiting on the big-customer room's worklist; group
    # SMS applications on the big-customer room's and the data-business room's worklists.
    assert sorted(VpmnApplication.objects.values_list("state", flat=True)) == ["open", "signed"]
    assert sorted(GroupSmsApplication.objects.values_list("state", flat=True)) == ["building", "handed_over"]


def test_beat_schedule_names_registered_tasks():
    from boss.celery import app

    app.loader.import_default_modules()
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, f"{name}: {entry['task']} is not a registered task"


def test_compose_starts_the_production_like_stack():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    assert "gunicorn" in services["web"]["command"]
    for name in ("web", "worker", "postgres", "redis"):
        assert "healthcheck" in services[name], name


def test_every_project_app_is_collected_by_pytest():
    import tomllib

    from django.conf import settings

    testpaths = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"]
    assert set(settings.PROJECT_APPS) <= set(testpaths)
