"""Print and sign before commit on the counter's screens (issue 16): a process is entered, its draft's screen
shows the fees, prints the agreement (免填单) as a PDF with the draft's number and fees, refuses the commit
without the customer-signed box (Chinese reason, nothing written), then commits and collects; a draft is
cancelled with nothing taken; passwords never go into the draft."""

import re
import subprocess
import zlib
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from billing.models import LedgerTransaction, Payment
from boss.tariffs import tariff
from boss.tests.factories import TEST_PASSWORD
from conftest import require_os
from customers.models import CustomerClass, Line
from customers.passwords import service_password_check
from customers.tests.factories import CustomerFactory, IdentityFactory
from orders.models import Order
from orders.services.drafts import line_drafts_expire
from provisioning.models import WorkOrder
from provisioning.services import work_orders_run

pytestmark = pytest.mark.django_db

DOCS = {"documents_checked": ["id_original"]}


@pytest.fixture
def counter(client, live):
    client.force_login(live.rep)
    return client


def _key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def _enter(counter, live, slug, **data):
    response = counter.post(reverse("orders:line_process", args=[live.line.msisdn, slug]),
                            {"idempotency_key": f"k-{slug}", **DOCS, **data})
    assert response.status_code == 302, response.content.decode()[:3000]
    order = Order.objects.latest("pk")
    assert response.url == reverse("orders:line_draft", args=[order.pk])
    return order


def _written():
    return Payment.objects.count(), LedgerTransaction.objects.count(), WorkOrder.objects.count()


@require_os(binaries=["pdftotext"])
def test_a_process_with_a_fee_goes_draft_pdf_signed_commit(counter, live, tmp_path):
    before, line_before = _written(), Line.objects.get(pk=live.line.pk)
    draft = _enter(counter, live, "sim", sim_capacity="usim")
    assert draft.state == "draft" and _written() == before
    page = counter.get(reverse("orders:line_draft", args=[draft.pk])).content.decode()
    assert "¥30.00" in page and 'data-testid="agreement-pdf"' in page and draft.number in page
    assert not re.search(r'<input type="radio" name="method"[^>]*checked', page)   # nothing chosen for them
    assert re.search(r'class="field field-check">\s*<label for="id_agreement_signed"><input type="checkbox"', page)
    assert re.search(r'<input type="checkbox" name="agreement_signed" autofocus', page)   # the next move

    pdf = counter.get(reverse("orders:order_agreement", args=[draft.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    (tmp_path / "a.pdf").write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "a.pdf"), "-"], capture_output=True, text=True).stdout
    assert "业务受理单" in text and draft.number in text and "补换卡费" in text and "30.00" in text
    assert _written() == before

    url = reverse("orders:line_draft", args=[draft.pk])
    unsigned = counter.post(url, {"idempotency_key": _key(page), "method": "cash", "tendered": "50"})
    html = unsigned.content.decode()
    assert unsigned.status_code == 400 and "请先打印客户服务协议并请客户签字，再收取款项。" in html
    assert _written() == before and Order.objects.get(pk=draft.pk).state == "draft"
    no_method = counter.post(url, {"idempotency_key": _key(html), "agreement_signed": "on", "tendered": "50"})
    assert no_method.status_code == 400 and "请选择客户的付款方式。" in no_method.content.decode()
    assert _written() == before

    done = counter.post(url, {"idempotency_key": _key(html), "agreement_signed": "on", "method": "cash",
                              "tendered": "50"})
    assert done.status_code == 302 and done.url == reverse("orders:order_detail", args=[draft.pk])
    order = Order.objects.get(pk=draft.pk)
    assert order.state == "provisioning" and order.payment.amount == 30 and order.agreement_signed
    assert counter.get(url).url == done.url                   # Back: the result, not the form again
    work_orders_run()
    assert Line.objects.get(pk=live.line.pk).iccid != line_before.iccid


def test_a_process_without_a_fee_asks_no_money(counter, live):
    draft = _enter(counter, live, "suspension")
    url = reverse("orders:line_draft", args=[draft.pk])
    page = counter.get(url).content.decode()
    assert 'name="method"' not in page and 'name="tendered"' not in page
    done = counter.post(url, {"idempotency_key": _key(page), "agreement_signed": "on"})
    assert done.status_code == 302 and Order.objects.get(pk=draft.pk).payment is None
    work_orders_run()
    assert Line.objects.get(pk=live.line.pk).status == "suspended_request"


def test_a_refusal_stays_on_the_entry_form_and_no_draft_is_made(counter, live):
    orders = Order.objects.count()
    response = counter.post(reverse("orders:line_process", args=[live.line.msisdn, "suspension"]),
                            {"idempotency_key": "k1", "documents_checked": []})
    assert response.status_code == 400 and "has-error" in response.content.decode()
    assert Order.objects.count() == orders


def test_the_rep_cancels_the_draft_and_nothing_is_taken(counter, live):
    before = _written()
    draft = _enter(counter, live, "sim", sim_capacity="usim")
    response = counter.post(reverse("orders:line_draft_cancel", args=[draft.pk]), {"reason": "客户离开"})
    assert response.status_code == 302 and response.url == reverse("orders:line_detail", args=[live.line.msisdn])
    assert Order.objects.get(pk=draft.pk).state == "cancelled" and _written() == before


def test_passwords_never_go_into_the_draft(counter, live):
    draft = _enter(counter, live, "customer-data", contact_phone="13600136000", service_password="135790")
    assert "135790" not in str(Order.objects.get(pk=draft.pk).details)
    page = counter.get(reverse("orders:line_draft", args=[draft.pk])).content.decode()
    done = counter.post(reverse("orders:line_draft", args=[draft.pk]),
                        {"idempotency_key": _key(page), "agreement_signed": "on"})
    assert done.status_code == 302
    assert service_password_check("135790", Line.objects.get(pk=live.line.pk).service_password)


def _session_as_stored(client) -> str:
    """The counter's session as its database row holds it and as anyone reading the table sees it: decoded
    and decompressed without any key (the signature guards against changes, it hides nothing)."""
    raw = Session.objects.get(session_key=client.session.session_key).session_data
    payload = raw.split(":")[0]
    data = signing.b64_decode(payload.lstrip(".").encode())
    return raw + (zlib.decompress(data) if payload.startswith(".") else data).decode()


def _kept(client, draft) -> dict:
    return (client.session.get("orders.draft_secrets") or {}).get(str(draft.pk), {})


def test_a_new_service_password_never_rests_readable_in_the_session_and_the_commit_sets_it(counter, live):
    draft = _enter(counter, live, "customer-data", contact_phone="13600136000", service_password="135790")
    stored = _session_as_stored(counter)
    assert "135790" not in stored and "hmac_sha256$" in stored     # its keyed hash (the key is not in the database)
    assert not service_password_check("135790", Line.objects.get(pk=live.line.pk).service_password)
    page = counter.get(reverse("orders:line_draft", args=[draft.pk])).content.decode()
    assert counter.get(reverse("orders:order_agreement", args=[draft.pk])).status_code == 200
    done = counter.post(reverse("orders:line_draft", args=[draft.pk]),
                        {"idempotency_key": _key(page), "agreement_signed": "on"})
    assert done.status_code == 302 and Order.objects.get(pk=draft.pk).state == "completed"
    assert service_password_check("135790", Line.objects.get(pk=live.line.pk).service_password)
    assert _kept(counter, draft) == {} and "135790" not in _session_as_stored(counter)


def test_a_manager_s_override_keeps_who_approved_never_the_password(counter, live, make_staff):
    buyer = CustomerFactory(identity=IdentityFactory(checked_at=timezone.now() - timedelta(minutes=5)))
    CustomerClass.objects.create(customer=buyer, kind="blacklist", reason="测试", since=timezone.localdate())
    manager = make_staff("store_manager", username="sm_a")
    draft = _enter(counter, live, "transfer", new_customer=buyer.pk, new_documents_checked=["id_original"],
                   service_password="582946", override_username="sm_a", override_password=TEST_PASSWORD,
                   override_reason="欠费已结清，经理批准")
    stored = _session_as_stored(counter)
    assert TEST_PASSWORD not in stored and "582946" not in stored
    assert _kept(counter, draft)["override_approved_by"] == manager.pk
    page = counter.get(reverse("orders:line_draft", args=[draft.pk])).content.decode()
    done = counter.post(reverse("orders:line_draft", args=[draft.pk]),
                        {"idempotency_key": _key(page), "agreement_signed": "on", "method": "cash",
                         "tendered": str(draft.amount_due)})
    assert done.status_code == 302, done.content.decode()[:3000]
    order = Order.objects.get(pk=draft.pk)
    assert order.state == "completed" and order.blacklist_override_by == manager
    line = Line.objects.get(pk=live.line.pk)
    assert line.customer_id == buyer.pk and service_password_check("582946", line.service_password)


def test_a_wrong_manager_password_is_refused_at_entry_and_no_draft_is_made(counter, live, make_staff):
    buyer = CustomerFactory(identity=IdentityFactory(checked_at=timezone.now() - timedelta(minutes=5)))
    make_staff("store_manager", username="sm_a")
    orders = Order.objects.count()
    response = counter.post(reverse("orders:line_process", args=[live.line.msisdn, "transfer"]), {
        "idempotency_key": "k-t", **DOCS, "new_customer": buyer.pk, "new_documents_checked": ["id_original"],
        "service_password": "582946", "override_username": "sm_a", "override_password": "wrong-password",
        "override_reason": "经理批准"})
    assert response.status_code == 400 and "经理的用户名或密码不正确" in response.content.decode()
    assert Order.objects.count() == orders


def test_a_cancelled_or_expired_draft_s_secrets_leave_the_session(counter, live):
    cancelled = _enter(counter, live, "customer-data", contact_phone="13600136000", service_password="135790")
    assert _kept(counter, cancelled)
    counter.post(reverse("orders:line_draft_cancel", args=[cancelled.pk]), {"reason": "客户离开"})
    assert _kept(counter, cancelled) == {}
    abandoned = _enter(counter, live, "customer-data", contact_phone="13600136001", service_password="135791",
                       idempotency_key="k-2")
    line_drafts_expire(actor=live.rep, now=timezone.now() + timedelta(hours=tariff("order.draft_hours") + 1))
    assert Order.objects.get(pk=abandoned.pk).state == "cancelled"
    later = _enter(counter, live, "customer-data", contact_phone="13600136002", service_password="135792",
                   idempotency_key="k-3")
    assert _kept(counter, abandoned) == {} and _kept(counter, later)


def test_a_draft_with_passwords_continued_in_another_session_is_refused_not_crashed(client, live, make_staff):
    client.force_login(live.rep)
    draft = _enter(client, live, "customer-data", contact_phone="13600136000", service_password="135790")
    other = make_staff("sales_rep", username="rep_b")
    client.force_login(other)                                  # another rep of the hall, another session
    url = reverse("orders:line_draft", args=[draft.pk])
    page = client.get(url).content.decode()
    pdf = client.get(reverse("orders:order_agreement", args=[draft.pk]))
    assert pdf.status_code == 302 and pdf.url == url            # said on the draft's screen, no 500
    refused = client.post(url, {"idempotency_key": _key(page), "agreement_signed": "on"})
    assert refused.status_code == 400 and "输入的密码未保留" in refused.content.decode()
    assert Order.objects.get(pk=draft.pk).state == "draft"


def test_the_draft_screen_takes_a_bounded_number_of_queries(counter, live, django_assert_max_num_queries):
    draft = _enter(counter, live, "sim", sim_capacity="usim")
    with django_assert_max_num_queries(30):
        assert counter.get(reverse("orders:line_draft", args=[draft.pk])).status_code == 200


def test_another_hall_s_rep_cannot_see_the_draft(client, live, make_staff, other_hall):
    draft_client = client
    draft_client.force_login(live.rep)
    draft = _enter(draft_client, live, "suspension")
    stranger = make_staff("sales_rep", username="rep_other", hall=other_hall)
    client.force_login(stranger)
    assert client.get(reverse("orders:line_draft", args=[draft.pk])).status_code == 404
    assert client.post(reverse("orders:line_draft", args=[draft.pk]), {"agreement_signed": "on"}).status_code == 404
    assert Order.objects.get(pk=draft.pk).state == "draft"
