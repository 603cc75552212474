"""What the customer's pages show (issue 17): the staff's answer on the complaint's page, the portability verdict
with each reason, the points lots with their expiry dates, the itemised bill's other party masked or not as the
tariff says (screen and PDF alike), and the security headers with no inline script on every signed-in page."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

import portal.urls
from boss.models import Department
from boss.months import month_start
from complaints.models import Complaint
from complaints.tests.factories import ComplaintCategoryFactory, department
from portal.tests.conftest import sign_in


def test_the_staffs_answer_shows_on_the_customers_complaint_page(client, mine, make_staff):
    from complaints.services import complaint_accept, complaint_dispatch, complaint_reply

    cs = department("CS", Department.Kind.CUSTOMER_SERVICE, name="客服中心")
    net = department("NET", name="网络部")
    reviewer = make_staff("complaint_reviewer", username="reviewer", hall=None, department=cs)
    handler = make_staff("department_handler", username="handler_net", hall=None, department=net)
    category = ComplaintCategoryFactory(code="NET-SIGNAL", name="网络信号差")
    sign_in(client, mine)
    page = client.get(reverse("portal:complaint_new"))
    client.post(reverse("portal:complaint_new"), {"category": category.pk, "description": "家里信号很差",
                                                  "idempotency_key": page.context["form"].initial["idempotency_key"]})
    complaint = Complaint.objects.get()
    url = reverse("portal:complaint", args=[complaint.pk])
    assert "尚未答复" in client.get(url).content.decode()
    complaint = complaint_dispatch(actor=reviewer, complaint=complaint, department=net)
    complaint = complaint_reply(actor=handler, complaint=complaint, reply="基站已调整")   # the handler's, internal
    complaint_accept(actor=reviewer, complaint=complaint, answer="您好，附近基站已于昨日调整，信号已恢复。")
    text = client.get(url).content.decode()
    answer = re.search(r'data-testid="complaint-answer">(.*?)</p>', text, re.S).group(1)
    assert answer == "您好，附近基站已于昨日调整，信号已恢复。"
    assert "尚未答复" not in text
    listing = client.get(reverse("portal:complaints")).content.decode()
    assert complaint.number in listing


def test_the_portability_verdict_and_each_reason(client, mine, set_tariff):
    from orders.services.portability import line_portability

    set_tariff("portability.min_days", "120")                  # a line opened today: not yet
    sign_in(client, mine)
    text = client.get(reverse("portal:portability", args=[mine.pk])).content.decode()
    check = line_portability(line=mine)
    assert not check.eligible
    assert '<p data-testid="portability-verdict">您的号码暂时不能携号转网：</p>' in text
    items = re.findall(r'<li class="p-(ok|neg)">(✓|✗) (.*?)</li>', text, re.S)
    assert len(items) == len(check.conditions) == 5
    for (css, mark, body), condition in zip(items, check.conditions, strict=True):
        assert (css, mark) == (("ok", "✓") if condition.met else ("neg", "✗"))
        assert body.startswith(str(condition.label))
        if not condition.met:
            assert condition.explanation and f"<small>{condition.explanation}</small>" in body
    possible_from = (timezone.localdate(mine.activated_at) + timedelta(days=120)).isoformat()
    assert f"已在网 0 天，{possible_from} 起可办理。" in text
    set_tariff("portability.min_days", "0")
    text = client.get(reverse("portal:portability", args=[mine.pk])).content.decode()
    assert line_portability(line=mine).eligible
    assert '<p data-testid="portability-verdict">您的号码可以携号转网。请持身份证件到营业厅办理。</p>' in text
    assert "✗" not in text and text.count("✓") == 5


def test_the_points_page_lists_each_lot_with_its_expiry_date(client, mine):
    from billing.models import PointsLot

    today = timezone.localdate()
    soon = PointsLot.objects.create(customer=mine.customer, earned_on=today - timedelta(days=300), points=800,
                                    remaining=300, expires_on=today + timedelta(days=30))
    later = PointsLot.objects.create(customer=mine.customer, earned_on=today, points=500, remaining=500,
                                     expires_on=today + timedelta(days=700))
    sign_in(client, mine)
    text = client.get(reverse("portal:points")).content.decode()
    rows = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td><td class=\"num\">(\d+)</td></tr>", text)
    assert rows == [(f"{soon.expires_on:%Y-%m-%d}", "300"), (f"{later.expires_on:%Y-%m-%d}", "500")]
    assert "按到期日" in text


@pytest.fixture
def call(mine):
    from billing.models import UsageRecord

    return UsageRecord.objects.create(record_id="P1", line=mine, msisdn=mine.msisdn, kind="voice",
                                      started_at=timezone.now(), duration_seconds=65, other_party="13900139000")


def _pdf_html(client, line, monkeypatch) -> str:
    """The HTML the portal's PDF of the itemised bill is made from (what the printer lays out)."""
    from django.template.loader import render_to_string

    import boss.pdf

    monkeypatch.setattr(boss.pdf, "render_pdf", lambda template, context, **kw: render_to_string(template, context)
                        .encode())
    response = client.get(reverse("portal:itemised_pdf", args=[line.pk, month_start(timezone.localdate())]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("masked", [True, False])
def test_the_itemised_bill_and_its_pdf_follow_the_masking_tariff(client, mine, call, set_tariff, monkeypatch, masked):
    set_tariff("portal.mask_other_party", "true" if masked else "false")
    sign_in(client, mine)
    screen = client.get(reverse("portal:itemised", args=[mine.pk, month_start(timezone.localdate())]))
    pdf = _pdf_html(client, mine, monkeypatch)
    for text in (screen.content.decode(), pdf):
        assert ("139****9000" in text) is masked
        assert ("13900139000" in text) is not masked


def _signed_in_pages(line, redemption_id: int | None, complaint_id: int | None) -> list[str]:
    """Every portal page a signed-in customer GETs (the customer's own ids), but the PDF, the gift's picture and
    the staff's desk."""
    urls = []
    ids = {"line_id": line.pk, "period": month_start(timezone.localdate()), "pk": complaint_id,
           "redemption_id": redemption_id}
    for pattern in portal.urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        name = pattern.name
        if name.startswith("desk_") or name in ("gift_picture", "itemised_pdf", "signout", "language", "kiosk"):
            continue
        kwargs = {key: ids[key] for key in pattern.pattern.converters}
        if None in kwargs.values():
            continue
        urls.append(reverse(f"portal:{name}", kwargs=kwargs))
    return urls


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def test_every_signed_in_page_has_the_csp_and_no_inline_script(client, mine, rep):
    from complaints.services.workflow import complaint_open

    department("CS", Department.Kind.CUSTOMER_SERVICE, name="客服中心")
    complaint = complaint_open(actor=rep, channel=Complaint.Channel.COUNTER, description="信号差",
                               category=ComplaintCategoryFactory(code="NET-SIGNAL", name="网络信号差"),
                               msisdn=mine.msisdn)
    sign_in(client, mine)
    checked = 0
    for url in _signed_in_pages(mine, None, complaint.pk):
        response = client.get(url)
        if response.status_code != 200:
            assert response.status_code in (302, 405), url
            continue
        csp = response["Content-Security-Policy"]
        script_src = next(part for part in csp.split(";") if "script-src" in part)
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, url
        assert "no-store" in response["Cache-Control"] and response["X-Frame-Options"] == "DENY", url
        text = response.content.decode()
        assert not INLINE_SCRIPT.search(text), (url, INLINE_SCRIPT.search(text).group(0))
        assert not INLINE_HANDLER.search(text), (url, INLINE_HANDLER.search(text).group(0))
        checked += 1
    assert checked >= 15


def test_no_portal_template_has_an_inline_script_or_handler():
    root = Path(portal.__file__).parent / "templates"
    found = []
    for path in root.rglob("*.html"):
        text = path.read_text()
        found += [(path.name, m.group(0)) for m in INLINE_SCRIPT.finditer(text)]
        found += [(path.name, m.group(0)) for m in INLINE_HANDLER.finditer(text)]
        found += [(path.name, m.group(0)) for m in re.finditer(r"javascript:", text)]
    assert not found
