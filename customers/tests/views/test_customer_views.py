"""Customer screens: thin checks of status codes, errors at the field, masking, and query counts."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from billing.services.ledger import (
    credit,
    debit,
    ledger_account_cash_drawer,
    ledger_account_customer,
    ledger_account_revenue,
    transaction_post,
)
from boss.models import AuditEvent
from customers import profile
from customers.models import Customer, CustomerClass
from customers.profile import Section, register_section
from customers.tests.factories import (
    AccountFactory,
    CustomerClassFactory,
    CustomerFactory,
    LineFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


@pytest.fixture
def rep_client(rep):
    client = Client()
    client.force_login(rep)
    return client


@pytest.fixture
def manager_client(manager):
    client = Client()
    client.force_login(manager)
    return client


def _form(**overrides):
    data = {"doc_type": "resident_id", "number": ID, "name": "张三", "address": "北京市朝阳区建国路1号",
            "check_method": "card_reader", "contact_phone": "13900001111", "contact_address": "",
            "idempotency_key": "0b7e7a4e-8f1c-4c1e-9d55-6c2f1f0d7a11"}
    data.update(overrides)
    return data


# --- register -------------------------------------------------------------------------------------------


def test_the_create_form_carries_an_idempotency_key_and_starts_at_the_document(rep_client):
    html = rep_client.get(reverse("customers:create")).content.decode()
    assert 'name="idempotency_key"' in html and "autofocus" in html
    assert reverse("customers:identity_check") in html


def test_registering_redirects_to_the_360_page(rep_client):
    response = rep_client.post(reverse("customers:create"), _form())
    customer = Customer.objects.get()
    assert response.status_code == 302 and response.url == reverse("customers:detail", args=[customer.pk])


def test_a_bad_check_digit_is_shown_at_the_number_and_nothing_is_saved(rep_client):
    response = rep_client.post(reverse("customers:create"), _form(number="110105194912310021"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["number"] == ["校验位不符：请按证件重新输入号码。"]
    assert not Customer.objects.exists()
    assert response.context["form"]["name"].value() == "张三"  # nothing typed is lost


def test_missing_data_is_shown_at_every_field(rep_client):
    response = rep_client.post(reverse("customers:create"), _form(name="", address="", contact_phone=""))
    assert set(response.context["form"].errors) == {"name", "address", "contact_phone"}


def test_a_double_submit_registers_once_and_lands_on_the_same_customer(rep_client):
    first = rep_client.post(reverse("customers:create"), _form())
    second = rep_client.post(reverse("customers:create"), _form())
    assert first.url == second.url and Customer.objects.count() == 1


def test_a_registered_identity_is_refused_at_the_number_and_points_to_its_customer(rep_client):
    existing = CustomerFactory(identity__number=ID, identity__name="张三")
    response = rep_client.post(reverse("customers:create"), _form())
    assert "number" in response.context["form"].errors and Customer.objects.count() == 1
    link = f'href="{reverse("customers:detail", args=[existing.pk])}" data-testid="duplicate-customer"'
    assert link in response.content.decode()        # issue 11 item 11: a duplicate points to what it duplicates
    live = rep_client.post(reverse("customers:identity_check"), {"doc_type": "resident_id", "number": ID},
                           HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="identity-check-duplicate"' in live and link in live


def test_live_identity_check_answers_with_the_code_or_what_the_number_says(rep_client):
    url = reverse("customers:identity_check")
    bad = rep_client.post(url, {"doc_type": "resident_id", "number": "110105194912310021"}, HTTP_HX_REQUEST="true")
    assert 'data-code="bad_check_digit"' in bad.content.decode()
    good = rep_client.post(url, {"doc_type": "resident_id", "number": "11010519491231002x"}, HTTP_HX_REQUEST="true")
    html = good.content.decode()
    assert 'data-testid="identity-check-ok"' in html and "1949-12-31" in html and "北京市" in html
    org = rep_client.post(url, {"doc_type": "uscc", "number": "91350100M000100Y43"})
    assert "单位客户" in org.content.decode()
    assert rep_client.get(url).status_code == 405


# --- list and search ------------------------------------------------------------------------------------


def test_the_list_masks_identities_marks_vips_and_filters_by_class(rep_client, django_assert_max_num_queries):
    vip = CustomerClassFactory(kind="vip", vip_level=2).customer
    plain = [CustomerFactory() for _ in range(3)]
    rep_client.get(reverse("customers:list"))
    with django_assert_max_num_queries(13) as few:
        rep_client.get(reverse("customers:list"))
    plain += [CustomerClassFactory(kind="redlist", vip_level=None).customer for _ in range(30)]
    with django_assert_max_num_queries(13) as many:
        html = rep_client.get(reverse("customers:list")).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)  # no query per row
    assert vip.identity.number not in html and vip.identity.number[:3] + "**************" in html
    assert 'class="vip"' in html and "大客户 2 级" in html
    filtered = rep_client.get(reverse("customers:list"), {"customer_class": "vip"}).content.decode()
    assert vip.name in filtered and plain[0].name not in filtered


def test_search_by_identity_number_is_post_only_and_masked(rep_client):
    customer = CustomerClassFactory(kind="vip", vip_level=1, customer__identity__number=ID,
                                    customer__identity__name="张三").customer
    response = rep_client.post(reverse("search"), {"q": "11010519491231002x"})
    html = response.content.decode()
    assert reverse("customers:detail", args=[customer.pk]) in html
    assert ID not in html and "110**************X" in html and "大客户 1 级" in html
    assert rep_client.get(reverse("search"), {"q": ID}).context["hits"] is None  # refused by GET


def test_search_by_legacy_number_name_and_mobile(rep_client):
    customer = CustomerFactory(identity__number=ID, identity__name="张三丰")
    line = LineFactory(customer=customer, msisdn="13912345678")
    assert customer.name in rep_client.post(reverse("search"), {"q": "110105491231002"}).content.decode()
    assert customer.name in rep_client.post(reverse("search"), {"q": "张三"}).content.decode()
    html = rep_client.post(reverse("search"), {"q": "139 1234 5678"}).content.decode()
    assert line.msisdn in html and "110**************X" in html


def test_search_finds_nothing_for_staff_without_the_customer_permission(client, make_staff):
    CustomerFactory(identity__name="张三")
    client.force_login(make_staff("admin", username="adm"))
    assert client.post(reverse("search"), {"q": "张三"}).context["hits"] == []


# --- the 360 page ---------------------------------------------------------------------------------------


def _rich_customer(rep, lines=4):
    customer = CustomerFactory()
    CustomerClassFactory(customer=customer, kind="vip", vip_level=3)
    CustomerClassFactory(customer=customer, kind="redlist", vip_level=None)
    account = AccountFactory(customer=customer)
    other_payer = AccountFactory()
    for i in range(lines):
        LineFactory(customer=customer, account=account if i % 2 else other_payer)
    transaction_post(actor=rep, kind="test", postings=[
        debit(ledger_account_cash_drawer(staff=rep), Decimal("80.00")),
        credit(ledger_account_customer(account=account), Decimal("80.00")),
    ])
    for _ in range(5):
        AuditEvent.objects.create(action="customer.update_contact", target_type="customers.customer",
                                  target_id=str(customer.pk), actor=rep)
    return customer


def test_the_360_page_shows_everything_masked_in_a_fixed_number_of_queries(rep_client, rep,
                                                                            django_assert_max_num_queries):
    small = _rich_customer(rep, lines=1)
    big = _rich_customer(rep, lines=8)
    rep_client.get(reverse("customers:detail", args=[small.pk]))
    # one query per section at most: 20 with the minimum-spend commitments, the return priority, the points to
    # redeem and the joint blacklist
    with django_assert_max_num_queries(20) as small_ctx:
        rep_client.get(reverse("customers:detail", args=[small.pk]))
    with django_assert_max_num_queries(20) as big_ctx:
        response = rep_client.get(reverse("customers:detail", args=[big.pk]))
    assert len(big_ctx.captured_queries) == len(small_ctx.captured_queries)  # no N+1 over lines or accounts
    html = response.content.decode()
    assert big.identity.number not in html and big.contact_phone not in html
    assert 'data-testid="customer-banner"' in html and "大客户 3 级" in html and "红名单" in html
    assert "¥80.00" in html
    assert "没有未完成的订单" in html and "没有投诉记录" in html  # empty slots of later apps
    assert "修改联系方式" in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_360_page_is_404_for_an_unknown_customer(rep_client):
    assert rep_client.get(reverse("customers:detail", args=[999999])).status_code == 404


def test_sections_registered_by_other_apps_fill_their_slot(rep_client, monkeypatch):
    monkeypatch.setattr("customers.profile._SECTIONS", {})
    customer = CustomerFactory()

    def orders(*, request, customer):
        return Section(title="open", template="customers/_class_badges.html", context={})

    register_section("orders", orders)
    register_section("orders", orders)  # registering twice keeps one
    assert len(profile._SECTIONS["orders"]) == 1
    html = rep_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "没有未完成的订单" not in html and "没有投诉记录" in html


def test_only_roles_that_may_reveal_see_the_reveal_form(rep_client, manager_client, customer):
    url = reverse("customers:detail", args=[customer.pk])
    assert reverse("customers:reveal", args=[customer.pk]) not in rep_client.get(url).content.decode()
    assert reverse("customers:reveal", args=[customer.pk]) in manager_client.get(url).content.decode()


# --- reveal ---------------------------------------------------------------------------------------------


def test_reveal_shows_the_value_once_uncached_and_audits_without_it(manager_client, customer):
    url = reverse("customers:reveal", args=[customer.pk])
    response = manager_client.post(url, {"field": "number", "reason": "核对原件"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert customer.identity.number in html and 'data-testid="revealed"' in html
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="identity.reveal")
    assert customer.identity.number not in str(event.after) + event.reason


def test_reveal_without_a_reason_is_refused_at_the_reason(manager_client, customer):
    response = manager_client.post(reverse("customers:reveal", args=[customer.pk]), {"field": "number", "reason": ""})
    assert response.status_code == 200 and "reason" in response.context["reveal_form"].errors
    assert customer.identity.number not in response.content.decode()
    assert not AuditEvent.objects.filter(action="identity.reveal").exists()


def test_reveal_is_post_only_and_refused_to_reps(rep_client, manager_client, customer):
    url = reverse("customers:reveal", args=[customer.pk])
    assert manager_client.get(url).status_code == 405
    assert rep_client.post(url, {"field": "number", "reason": "核对原件"}).status_code == 403


# --- contact data and classes ---------------------------------------------------------------------------


def test_editing_contact_data_keeps_what_is_left_empty(rep_client):
    customer = CustomerFactory(contact_phone="13900001111", contact_address="旧地址")
    url = reverse("customers:edit", args=[customer.pk])
    response = rep_client.post(url, {"contact_phone": "", "contact_address": "新"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.contact_phone, customer.contact_address) == ("13900001111", "新")
    bad = rep_client.post(reverse("customers:edit", args=[customer.pk]), {"contact_phone": "123"})
    assert "contact_phone" in bad.context["form"].errors
    assert "13900001111" not in rep_client.get(reverse("customers:edit", args=[customer.pk])).content.decode()


def test_a_customer_manager_adds_a_vip_class_but_cannot_choose_the_blacklist(client, make_staff, customer):
    client.force_login(make_staff("customer_manager", username="cm"))
    url = reverse("customers:classify", args=[customer.pk])
    assert "blacklist" not in client.get(url).content.decode()
    missing = client.post(url, {"kind": "vip", "reason": "大客户"})
    assert "vip_level" in missing.context["form"].errors and not CustomerClass.objects.exists()
    assert client.post(url, {"kind": "vip", "vip_level": "2", "reason": "大客户"}).status_code == 302
    assert CustomerClass.objects.get().vip_level == 2
    assert "kind" in client.post(url, {"kind": "blacklist", "reason": "x"}).context["form"].errors


def test_revoking_a_class_from_the_screen(manager_client, customer):
    klass = CustomerClassFactory(customer=customer, kind="blacklist", vip_level=None)
    url = reverse("customers:class_revoke", args=[customer.pk, klass.pk])
    assert manager_client.get(url).status_code == 200
    assert "reason" in manager_client.post(url, {"reason": ""}).context["form"].errors
    assert manager_client.post(url, {"reason": "已结清"}).status_code == 302
    klass.refresh_from_db()
    assert klass.revoked_at is not None
    other = CustomerFactory()
    assert manager_client.get(reverse("customers:class_revoke", args=[other.pk, klass.pk])).status_code == 404


def test_organizations_show_their_type(rep_client):
    org = OrganizationFactory()
    assert "单位客户" in rep_client.get(reverse("customers:detail", args=[org.pk])).content.decode()


# --- the reusable banner and badges ---------------------------------------------------------------------


def test_the_banner_tag_shows_a_line_its_state_and_its_accounts_money(rep, django_assert_max_num_queries):
    from django.template import Context, Template

    customer = CustomerFactory()
    CustomerClassFactory(customer=customer, kind="blacklist", vip_level=None)
    line = LineFactory(customer=customer, status="suspended_arrears", msisdn="13912340000")
    transaction_post(actor=rep, kind="test", postings=[
        debit(ledger_account_customer(account=line.account), Decimal("35.50")),  # a bill: arrears
        credit(ledger_account_revenue(fee_type="monthly"), Decimal("35.50")),
    ])
    template = Template("{% load customers_tags %}{% customer_banner customer line=line %}"
                        "{% customer_badges customer %}{% line_status_badge line %}")
    rep.has_perm("boss.view_full_name")   # the request's permission cache, warmed by the page frame
    with django_assert_max_num_queries(4):
        html = template.render(Context({"customer": customer, "line": line, "user": rep}))
    assert "13912340000" in html and 'data-status="suspended_arrears"' in html and "badge-bad" in html
    assert "-¥35.50" in html and "欠费 ¥35.50" in html and "黑名单" in html
    assert "var(--bad)" in html  # a blacklisted customer's banner is edged red
    assert customer.identity.number not in html
