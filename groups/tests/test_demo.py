"""The demo's group business (issue 13, "done means": bigcust1 and databiz1 have real work on their home
screens): after the demo's halls and staff and groups' demo, each room's home page shows its queue."""

import pytest

from boss import demo as boss_demo
from boss.models import Staff
from customers.tests.factories import LineFactory, OrganizationFactory
from groups import demo
from groups.models import GroupSmsApplication, VpmnApplication

pytestmark = pytest.mark.django_db


def test_bigcust1_and_databiz1_find_their_work_on_their_home_screens(client):
    boss_demo.load()
    rep = Staff.objects.get(username="rep1")
    for i in range(6):
        LineFactory(hall=rep.hall, msisdn=f"1390000{i:04d}")
    orgs = [OrganizationFactory(), OrganizationFactory()]
    demo.load_history()
    signed = VpmnApplication.objects.get(state="signed")
    handed_over = GroupSmsApplication.objects.get(state="handed_over")
    building = GroupSmsApplication.objects.get(state="building")
    assert {signed.group.customer_id, handed_over.group.customer_id} <= {o.pk for o in orgs}

    client.force_login(Staff.objects.get(username="bigcust1"))
    page = client.get("/").content.decode()
    assert "VPMN 待办" in page and signed.number in page and "已签署：待大客户室处理" in page
    assert "集团短信待办" in page and handed_over.number in page and "已移交：待大客户室接收" in page

    client.force_login(Staff.objects.get(username="databiz1"))
    page = client.get("/").content.decode()
    assert "集团短信待办" in page and building.number in page and "数据业务室制作平台数据" in page
    assert handed_over.number not in page         # still the big-customer room's step
