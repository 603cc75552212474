"""Stock screens are hall-scoped; the import screen keeps good lines and reports bad ones by number."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from boss.models import AuditEvent
from inventory.models import SimCard, StockImport

pytestmark = pytest.mark.django_db


def _sim(hall, i):
    return SimCard.objects.create(iccid=f"8986000000000000{i:04d}", imsi=f"46000000000{i:04d}", capacity="usim",
                                  hall=hall)


def test_a_rep_sees_only_the_stock_of_their_hall(client, rep, other_hall, django_assert_max_num_queries):
    for i in range(5):
        _sim(rep.hall, i)
    _sim(other_hall, 99)
    client.force_login(rep)
    with django_assert_max_num_queries(16):
        html = client.get(reverse("inventory:sim_list")).content.decode()
    assert "89860000000000000000" in html and "89860000000000000099" not in html
    summary = client.get(reverse("inventory:stock_summary")).content.decode()
    assert rep.hall.name in summary and other_hall.name not in summary


def test_a_manager_sees_every_hall(client, make_staff, rep, other_hall):
    _sim(rep.hall, 1)
    _sim(other_hall, 2)
    client.force_login(make_staff("manager", username="mgr", hall=None))
    html = client.get(reverse("inventory:sim_list")).content.decode()
    assert "89860000000000000001" in html and "89860000000000000002" in html


def test_the_import_screen_reports_refused_lines_by_number(client, make_staff):
    manager = make_staff("store_manager", username="sm")
    client.force_login(manager)
    upload = SimpleUploadedFile("delivery.csv", b"iccid,imsi,capacity\n89860000000000000001,460000000000001,usim\n"
                                                b"bad,460000000000002,usim\n")
    response = client.post(reverse("inventory:stock_import"), {"kind": "sim", "file": upload}, follow=True)
    html = response.content.decode()
    assert "导入完成：新增 1，跳过重复 0，拒绝 1 行。" in html and "ICCID无效" in html
    assert SimCard.objects.get().hall == manager.hall


def test_a_file_without_a_header_is_refused_at_the_file_field(client, make_staff):
    client.force_login(make_staff("store_manager", username="sm"))
    upload = SimpleUploadedFile("x.csv", b"89860000000000000001,460000000000001,usim\n")
    response = client.post(reverse("inventory:stock_import"), {"kind": "sim", "file": upload})
    assert response.status_code == 400 and "第一行须为列名" in response.content.decode()
    assert StockImport.objects.count() == 0


def test_an_import_report_of_another_hall_is_not_found(client, make_staff, other_hall):
    from inventory.services.stock import stock_import

    admin = make_staff("admin", username="adm", hall=None)
    batch = stock_import(actor=admin, kind="sim", data="iccid,imsi,capacity\n89860000000000000001,460000000000001,usim",
                         hall=other_hall)
    client.force_login(make_staff("store_manager", username="sm"))
    assert client.get(reverse("inventory:stock_import_detail", args=[batch.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied").exists()
