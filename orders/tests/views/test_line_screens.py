"""The line's screen and the process screens: only what the state allows, refusals at the field with nothing
written, post/redirect/get with idempotent forms, the agreement PDF in Chinese, query counts."""

import subprocess

import pytest
from django.urls import reverse

from billing.models import LedgerTransaction
from conftest import require_os
from customers.models import Line
from orders.models import Order
from orders.tests.drafts import draft_of, sign_and_commit
from provisioning.services import work_orders_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter(client, live):
    client.force_login(live.rep)
    return client


def test_the_line_screen_lists_only_what_the_state_and_the_role_allow(counter, live, client):
    html = counter.get(reverse("orders:line_detail", args=[live.line.msisdn])).content.decode()
    assert 'data-testid="service-report-loss"' in html and 'data-testid="service-suspension"' in html
    assert 'data-testid="service-unlock"' not in html and 'data-testid="service-cancel"' not in html
    assert 'data-testid="service-precancel"' not in html  # a sales rep does not pre-cancel
    assert 'data-testid="portability-min_days"' in html and "✘" in html
    assert "清单" in html or "itemised" in html.lower()
    client.force_login(live.manager)
    html = client.get(reverse("orders:line_detail", args=[live.line.msisdn])).content.decode()
    assert 'data-testid="service-precancel"' in html


def test_the_line_screen_takes_a_bounded_number_of_queries(counter, live, django_assert_max_num_queries):
    from orders.services.line_services import line_resume, line_suspend

    url = reverse("orders:line_detail", args=[live.line.msisdn])
    # the secondary cards cost one query on the screen and one in what the state allows
    with django_assert_max_num_queries(26):
        counter.get(url)
    for service in (line_suspend, line_resume):  # more orders and documents must not cost more queries
        service(actor=live.rep, line=live.line, documents_checked=["id_original"], agreement_signed=True)
        work_orders_run()
    with django_assert_max_num_queries(26):
        counter.get(url)


def test_lookup_goes_to_the_line(counter, live):
    response = counter.get(reverse("orders:line_lookup"), {"msisdn": live.line.msisdn})
    assert response.status_code == 302 and response.url == reverse("orders:line_detail", args=[live.line.msisdn])
    assert counter.get(reverse("orders:line_lookup"), {"msisdn": "12"}).status_code == 400


def test_a_refusal_is_shown_at_the_form_and_nothing_is_written(counter, live):
    url = reverse("orders:line_process", args=[live.line.msisdn, "report-loss"])
    orders = Order.objects.count()
    response = counter.post(url, {"idempotency_key": "k1", "agreement_signed": "on"})
    html = response.content.decode()
    assert response.status_code == 400 and "has-error" in html and Order.objects.count() == orders
    assert 'data-testid="customer-banner"' in html


def test_a_process_posts_once_and_redirects_to_its_order(counter, live):
    url = reverse("orders:line_process", args=[live.line.msisdn, "suspension"])
    assert counter.get(url).status_code == 200
    data = {"idempotency_key": "k-suspend", "documents_checked": ["id_original"]}
    first = counter.post(url, data)
    again = counter.post(url, data)  # a double click replays the first answer: one draft
    assert first.status_code == again.status_code == 302 and first.url == again.url
    assert Order.objects.filter(kind="suspend").count() == 1
    done = sign_and_commit(counter, first)
    assert done.status_code == 302 and done.url == reverse("orders:order_detail", args=[draft_of(first).pk])
    work_orders_run()
    assert Line.objects.get(pk=live.line.pk).status == "suspended_request"
    html = counter.get(reverse("orders:line_detail", args=[live.line.msisdn])).content.decode()
    assert 'data-testid="service-resumption"' in html and 'data-testid="service-suspension"' not in html


def test_a_process_the_state_forbids_says_so_on_its_screen(counter, live):
    response = counter.get(reverse("orders:line_process", args=[live.line.msisdn, "unlock"]))
    assert 'data-testid="not-allowed"' in response.content.decode()


def test_permission_is_required_for_each_process(client, live, make_staff):
    clerk = make_staff("account_clerk", username="clerk_x")
    client.force_login(clerk)
    assert client.get(reverse("orders:line_detail", args=[live.line.msisdn])).status_code == 403
    assert client.get(reverse("orders:line_process", args=[live.line.msisdn, "cancel"])).status_code == 403
    client.force_login(live.rep)
    assert client.get(reverse("orders:line_process", args=[live.line.msisdn, "precancel"])).status_code == 403
    assert client.get(reverse("orders:line_process", args=[live.line.msisdn, "nope"])).status_code == 404


def test_the_cancel_screen_shows_the_settlement(client, live):
    from orders.services.precancel import RetentionInput, line_precancel

    line_precancel(actor=live.manager, line=live.line, retention=RetentionInput("moving", "保号", False),
                   documents_checked=["id_original"], agreement_signed=True)
    work_orders_run()
    client.force_login(live.rep)
    html = client.get(reverse("orders:line_process", args=[live.line.msisdn, "cancel"])).content.decode()
    assert 'data-testid="refund"' in html and "100.00" in html
    tx = LedgerTransaction.objects.count()
    entered = client.post(reverse("orders:line_process", args=[live.line.msisdn, "cancel"]),
                          {"idempotency_key": "k-c", "documents_checked": ["id_original"]})
    assert LedgerTransaction.objects.count() == tx           # the draft takes nothing
    response = sign_and_commit(client, entered)
    assert response.status_code == 302 and LedgerTransaction.objects.count() > tx
    assert Line.objects.get(pk=live.line.pk).status == "cancelled"


def test_reprint_returns_the_copy_pdf(counter, live):
    from billing.models import Document, DocumentPrint

    document = Document.objects.filter(customer=live.line.customer).first()
    DocumentPrint.objects.create(document=document, printed_by=live.rep)
    response = counter.post(reverse("orders:line_invoice_reprint", args=[live.line.msisdn]),
                            {"document": document.pk, "reason": "遗失"})
    assert response["Content-Type"] == "application/pdf"
    assert DocumentPrint.objects.filter(document=document, copy=True).count() == 1


@require_os(binaries=["pdftotext"])
@pytest.mark.needs_os
def test_the_agreement_of_a_transfer_is_chinese_with_both_owners(counter, live, tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    from customers.tests.factories import CustomerFactory, IdentityFactory
    from orders.services.transfer import line_transfer

    buyer = CustomerFactory(identity=IdentityFactory(checked_at=timezone.now() - timedelta(minutes=1)))
    order = line_transfer(actor=live.rep, line=live.line, new_customer=buyer, service_password="582946",
                          documents_checked=["id_original"], new_documents_checked=["id_original"],
                          agreement_signed=True)
    response = counter.get(reverse("orders:order_agreement", args=[order.pk]))
    path = tmp_path / "a.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "业务受理单" in text and "原机主" in text and "新机主" in text and "过户" in text
    assert "贰佰元整" in text  # the 200 yuan minimum prepayment in capital numerals


def test_the_search_box_leads_to_the_line_screen(live):
    from boss.search import search

    hits = search(actor=live.rep, query=live.line.msisdn)
    assert any(h.url == reverse("orders:line_detail", args=[live.line.msisdn]) for h in hits)


def test_the_document_to_reprint_is_not_chosen_for_the_customer(counter, live):
    from billing.models import DocumentPrint

    page = counter.get(reverse("orders:line_detail", args=[live.line.msisdn])).content.decode()
    select = page[page.index('name="document"'):]
    select = select[:select.index("</select>")]
    assert '<option value="" selected>请选择票据</option>' in select and select.count("selected") == 1
    before = DocumentPrint.objects.count()
    response = counter.post(reverse("orders:line_invoice_reprint", args=[live.line.msisdn]),
                            {"document": "", "reason": "遗失"}, follow=True)
    assert response.redirect_chain and "application/pdf" not in response["Content-Type"]
    assert "请选择票据并说明补打原因。" in response.content.decode()
    assert DocumentPrint.objects.count() == before
