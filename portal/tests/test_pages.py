"""The customer's own pages: read only, in Chinese, one query budget each, and nobody else's anything (every
portal URL tried with another customer's ids answers 404)."""

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

import portal.urls
from boss.months import month_start
from complaints.models import Complaint
from complaints.tests.factories import ComplaintCategoryFactory, department
from conftest import require_os
from portal.tests.conftest import sign_in


@pytest.fixture
def their_complaint(theirs, rep):
    from boss.models import Department
    from complaints.services.workflow import complaint_open

    department("CS", Department.Kind.CUSTOMER_SERVICE, name="客服中心")
    category = ComplaintCategoryFactory(code="NET-SIGNAL", name="网络信号差")
    return complaint_open(actor=rep, channel=Complaint.Channel.COUNTER, category=category, description="信号差",
                          msisdn=theirs.msisdn)


@pytest.fixture
def their_order(theirs):
    """Another customer's gift ordered online (waiting to be collected)."""
    from portal.tests.test_gift_order import gift_world

    world = gift_world(theirs)
    return world.order(theirs)


def _with_ids(pattern: URLPattern, *, line, complaint, order) -> str:
    kwargs = {}
    for name in pattern.pattern.converters:
        kwargs[name] = {"line_id": line.pk, "pk": complaint.pk, "redemption_id": order.pk,
                        "period": month_start(timezone.localdate())}[name]
    return reverse(f"portal:{pattern.name}", kwargs=kwargs)


def test_every_portal_url_with_another_customers_ids_is_404(client, mine, theirs, their_complaint, their_order):
    sign_in(client, mine)
    tried = 0
    for pattern in portal.urls.urlpatterns:
        if not pattern.pattern.converters:
            continue
        if pattern.name.startswith("desk_"):   # the staff's chat queue: a customer is sent to the staff login
            url = reverse(f"portal:{pattern.name}", args=[theirs.customer_id])
            assert "/login/" in client.get(url)["Location"], url
            continue
        if pattern.name == "gift_picture":   # the catalogue's, no customer's (test_gift_order.py)
            continue
        url = _with_ids(pattern, line=theirs, complaint=their_complaint, order=their_order)
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"agreed": "on", "idempotency_key": "k1", "serial": "1", "pin": "1",
                                 "plan": "5G128"}).status_code in (404, 405), url
        tried += 1
    assert tried >= 10
    # Nothing was written on their line, and their complaint is unchanged.
    from orders.models import Order

    assert not Order.objects.filter(line=theirs).exclude(kind="open_account").exists()
    their_order.refresh_from_db()
    assert their_order.state == "ordered"


def test_own_ids_work_on_the_same_urls(client, mine, theirs, their_complaint):
    sign_in(client, mine)
    for name in ("line", "payments", "bills", "recharge", "plan", "loss", "portability"):
        assert client.get(reverse(f"portal:{name}", args=[mine.pk])).status_code == 200, name


def test_a_cancelled_or_unknown_line_is_404(client, mine):
    sign_in(client, mine)
    assert client.get(reverse("portal:line", args=[999999])).status_code == 404


def test_home_lists_own_lines_with_balance_in_chinese(client, mine, theirs, django_assert_max_num_queries):
    sign_in(client, mine)
    with django_assert_max_num_queries(10):
        page = client.get("/portal/")
    text = page.content.decode()
    assert page.status_code == 200 and mine.msisdn in text and theirs.msisdn not in text
    assert "我的号码" in text and "余额" in text and 'lang="zh-CN"' in text
    assert "sidenav" not in text   # no staff navigation


@pytest.mark.parametrize("name,budget", [("line", 14), ("payments", 10), ("bills", 10), ("portability", 14),
                                         ("recharge", 9), ("plan", 14), ("loss", 9)])
def test_line_pages_query_budget(client, mine, name, budget, django_assert_max_num_queries):
    sign_in(client, mine)
    url = reverse(f"portal:{name}", args=[mine.pk])
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_itemised_bill_masks_the_other_party_and_has_a_pdf(client, mine, django_assert_max_num_queries):
    from billing.models import UsageRecord

    now = timezone.now()
    UsageRecord.objects.create(record_id="P1", line=mine, msisdn=mine.msisdn, kind="voice", started_at=now,
                               duration_seconds=65, other_party="13900139000")
    sign_in(client, mine)
    url = reverse("portal:itemised", args=[mine.pk, month_start(timezone.localdate())])
    with django_assert_max_num_queries(18):
        page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "139****9000" in text and "13900139000" not in text


@pytest.mark.needs_os
@require_os(binaries=["pdftotext"])
def test_itemised_pdf(client, mine):
    sign_in(client, mine)
    response = client.get(reverse("portal:itemised_pdf", args=[mine.pk, month_start(timezone.localdate())]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_a_month_before_the_line_or_in_the_future_is_404(client, mine):
    from datetime import date

    sign_in(client, mine)
    assert client.get(reverse("portal:itemised", args=[mine.pk, date(2001, 1, 1)])).status_code == 404
    assert client.get(reverse("portal:itemised", args=[mine.pk, date(2099, 1, 1)])).status_code == 404


def test_english_switch(client, mine):
    sign_in(client, mine)
    client.post("/portal/language/", {"language": "en", "next": "/portal/"})
    assert "My lines" in client.get("/portal/").content.decode()


def test_kiosk_mode_has_the_number_pad_and_a_short_timeout(client, mine):
    client.get("/portal/kiosk/")
    page = client.get("/portal/signin/").content.decode()
    assert 'class="portal kiosk"' in page and "numpad" in page
    sign_in(client, mine)
    home = client.get("/portal/").content.decode()
    assert 'data-idle-seconds="90"' in home
    assert "办理完毕，退出" in home


def test_announcements_for_customers_of_the_lines_hall(client, mine, rep):
    from datetime import timedelta

    from hall.models import Announcement

    now = timezone.now()
    common = {"kind": "campaign", "valid_from": now - timedelta(days=1), "created_by": rep}
    Announcement.objects.create(title="充值送流量", body="充100送1G", audience="customers",
                                valid_until=now + timedelta(days=5), **common)
    Announcement.objects.create(title="内部通知", body="员工培训", audience="reps",
                                valid_until=now + timedelta(days=5), **common)
    Announcement.objects.create(title="过期活动", body="已结束", audience="customers",
                                valid_until=now - timedelta(hours=1), **common)
    sign_in(client, mine)
    text = client.get("/portal/").content.decode()
    assert "充值送流量" in text and "内部通知" not in text and "过期活动" not in text


def test_demo_prints_the_portal_and_demo_customers_beside_the_staff_logins(mine):
    import io

    from portal import demo

    out = io.StringIO()
    demo.load(stdout=out)
    text = out.getvalue()
    assert "/portal/" in text and mine.msisdn in text and demo.DEMO_SERVICE_PASSWORD in text


def test_an_organizations_line_sees_only_itself_and_changes_nothing(client, live):
    from customers.tests.factories import IdentityFactory, OrganizationFactory
    from orders.models import Order

    org = OrganizationFactory(identity=IdentityFactory(doc_type="uscc", number="91350100M000200Y43",
                                                       name="福州样例有限公司", checked_at=timezone.now()))
    first = live.open_line("13912358888", customer=org)
    second = live.open_line("13912345671", customer=org)
    sign_in(client, first)
    home = client.get("/portal/").content.decode()
    assert first.msisdn in home and second.msisdn not in home
    assert client.get(reverse("portal:line", args=[second.pk])).status_code == 404
    orders = Order.objects.count()
    response = client.post(reverse("portal:loss", args=[first.pk]), {"agreed": "on", "idempotency_key": "o1"})
    assert response.status_code == 400 and "单位证明" in response.content.decode()
    assert Order.objects.count() == orders
