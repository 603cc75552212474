"""The monthly work plan: targets saved (audited) against actuals from the statistics, the review note,
the print (pdftotext), a store manager kept to their hall, refusals writing nothing."""

import subprocess

import pytest
from django.urls import reverse

from boss.models import AuditEvent
from conftest import require_os
from reports.models import HallMonthPlan
from reports.tests.test_business_report import world  # noqa: F401 (the fixture)


@require_os(binaries=["pdftotext"])
@pytest.mark.needs_os
def test_targets_against_actuals_saved_audited_and_printed(client, world, make_staff, tmp_path,  # noqa: F811
                                                           django_assert_max_num_queries):
    store = make_staff("store_manager", username="store")
    client.force_login(store)
    url = reverse("reports:month_plan")
    assert client.post(url, {"openings": "-1", "review": ""}).status_code == 200
    assert not HallMonthPlan.objects.exists()
    response = client.post(url, {"openings": "4", "orders": "10", "payments": "300.00", "review": "开户完成一半"})
    assert response.status_code == 302
    plan = HallMonthPlan.objects.get()
    assert plan.hall == store.hall and plan.targets == {"openings": "4", "orders": "10", "payments": "300.00"}
    assert AuditEvent.objects.filter(action="month_plan.save", actor=store).exists()
    with django_assert_max_num_queries(30):
        html = client.get(url).content.decode()
    assert 'data-testid="actual-openings">2<' in html and 'data-testid="actual-orders">4<' in html
    assert "50.0" in html   # 2 of 4 openings
    pdf = client.get(reverse("reports:month_plan_pdf"))
    path = tmp_path / "p.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "月度工作计划" in text and "开户完成一半" in text and "50.0" in text


def test_a_store_manager_plans_only_their_hall_and_a_rep_not_at_all(client, world, make_staff):  # noqa: F811
    store = make_staff("store_manager", username="store")
    client.force_login(store)
    assert client.get(reverse("reports:month_plan"), {"hall": world["other_hall"].pk}).status_code == 404
    client.force_login(world["rep_a"])
    assert client.get(reverse("reports:month_plan")).status_code == 403
    assert not HallMonthPlan.objects.exists()
