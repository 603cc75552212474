"""No raw code a person reads (issue 11 item 7, ui.md): walk the demo as a rep, a store manager, a manager
and the account room, from the home page along every link (each screen once or twice: the first links of
each route), open every document on the way (PDFs rendered as their HTML), and find no stored code in
what a person reads: no choice value (payment method `cash`, SIM kind `usim`, states ...), no product
code (`4G-FX-38`), no audit action (`order.open_account.pay`).
"""

import re
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from boss.models import AuditEvent, Staff

pytestmark = pytest.mark.django_db(transaction=False)

ROLES = ("rep1", "store1", "manager1", "account1")
PER_ROUTE = 2            # concrete URLs visited per route (the first ones linked)
SKIP = ("/static/", "/logout/", "/language/", "/admin/", "/api/", "/mfa/", "/login/")
# Files for another system, not read by a person: the same rows as the partner API (skipped above), codes by
# design (the joint-blacklist exchange file of partners).
MACHINE_FILES = ("/blacklist/published.csv",)
CODE_MODELS = ("catalog.Plan", "catalog.Feature", "catalog.OneTimeFee", "catalog.Discount", "catalog.Offer",
               "catalog.NumberGrade", "complaints.ComplaintCategory", "complaints.ArticleCategory",
               "inventory.HandsetModel", "inventory.Gift")
BUSINESS_WORDS = {"VPMN"}


class _HtmlAsPdf:
    """Stands in for weasyprint.HTML: the 'PDF' is the document's HTML, so the walk reads what it prints."""

    def __init__(self, string="", **kwargs):
        self.string = string

    def write_pdf(self, *args, **kwargs):
        return self.string.encode()


def _visible(text: str) -> str:
    text = re.sub(r"<(script|style|template)\b.*?</\1>", " ", text, flags=re.S | re.I)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    # <code> holds what a person types verbatim (a file's column names), never a label
    text = re.sub(r"<code\b.*?</code>", " ", text, flags=re.S)
    # what a person reads of a tag: its title and placeholder (tooltips, hints), not its other attributes
    text = re.sub(r"<[^>]*?(?:title|placeholder|aria-label)=\"([^\"]*)\"[^>]*>", r" \1 ", text)
    return re.sub(r"<[^>]+>", " ", text)


def _codes() -> set[str]:
    codes: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in {a.split(".")[0] for a in settings.PROJECT_APPS}:
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str):
                    codes.add(value)
    for name in CODE_MODELS:
        codes |= set(apps.get_model(name).objects.values_list("code", flat=True))
    codes |= set(AuditEvent.objects.values_list("action", flat=True).distinct())
    # a code a person could mistake for a word of their own: letters and at least three characters; not a
    # name the business itself reads as a word (集团 VPMN is the process's name in the handbook)
    return {c for c in codes if len(c) >= 3 and re.search(r"[A-Za-z]", c)} - BUSINESS_WORDS


def _shortcut_problems(html: str) -> list[str]:
    """Access keys of a page: each key for one thing (a link's address, else the control's name), each
    shown beside its control (<kbd>KEY</kbd>) (issue 11 item 12)."""
    targets: dict[str, set[str]] = {}
    problems = []
    for m in re.finditer(r"<(a|button|input)\b([^>]*)\baccesskey=\"(\w)\"([^>]*)>", html):
        attrs, key = m.group(2) + m.group(4), m.group(3)
        target = re.search(r'(?:href|data-testid|name|aria-label)="([^"]*)"', attrs)
        targets.setdefault(key, set()).add(target.group(1) if target else attrs)
        rest = html[m.end():m.end() + 400]
        shown_in = rest[:30] if m.group(1) == "input" else rest.split(f"</{m.group(1)}>")[0]
        if f"<kbd>{key.upper()}</kbd>" not in shown_in:
            problems.append(f"key {key} not shown")
    return problems + [f"key {k} opens {sorted(t)}" for k, t in targets.items() if len(t) > 1]


def _links(html: str) -> list[str]:
    found = re.findall(r"""(?:href|hx-get|data-href)=["']([^"'#]+)["']""", html)
    return [u.replace("&amp;", "&") for u in found]


def _match(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None


def _route(match) -> str:
    """The route of a resolved path: its view, and its arguments that name a kind of screen (a process's
    slug), not an object (a number or a msisdn)."""
    kinds = [str(v) for v in match.kwargs.values() if not re.fullmatch(r"[\d\-]+", str(v))]
    return ":".join([match.view_name, *kinds])


def _seeds(user) -> list[str]:
    """Where links from the home page reach late or not at all: a line of each state of the user's hall (or
    any), an order of each kind, a payment and its documents, an agreement."""
    from billing.models import Document, Payment
    from customers.models import Customer, Line
    from orders.models import Order

    lines = Line.objects.filter(hall=user.hall) if user.hall_id else Line.objects.all()
    oldest = [lines.filter(status=status).order_by("pk").first() for status in Line.Status.values]
    urls = [reverse("orders:line_detail", args=[ln.msisdn]) for ln in oldest if ln is not None]
    orders = [o for kind in Order.Kind.values if (o := Order.objects.filter(kind=kind).order_by("pk").first())]
    urls += [reverse("orders:order_detail", args=[o.pk]) for o in orders]
    urls += [reverse("orders:order_agreement", args=[o.pk]) for o in orders if o.kind == "open_account"][:1]
    urls += [reverse("orders:payment_result", args=[p.pk]) for p in Payment.objects.order_by("-pk")[:2]]
    urls += [reverse("orders:document_pdf", args=[d.pk]) for d in Document.objects.order_by("-pk")[:2]]
    customer = Customer.objects.filter(lines__isnull=True, classes__isnull=True).order_by("pk").first()
    urls += [reverse(name, args=[customer.pk]) for name in ("orders:open_account_product",
                                                           "orders:open_account_numbers", "billing:customer_points")]
    urls += [reverse(name) for name in ("loyalty:confirm_list", "export_new", "tariff_list")]
    return urls


@pytest.fixture
def demo(monkeypatch):
    import weasyprint

    import inventory.demo
    import orders.demo

    monkeypatch.setattr(weasyprint, "HTML", _HtmlAsPdf)
    monkeypatch.setattr(inventory.demo, "DEMO_NUMBERS", 3000)
    monkeypatch.setattr(orders.demo, "DEMO_LINES", 8)
    call_command("demo_data", "--quiet")


def _walk(client: Client, start: list[str], per_route: Counter, get=None) -> dict[str, str]:
    """Breadth first from `start` (the home page and the seeds): a screen without arguments (a list, a
    form) once per role (each role sees its own), a screen of an object at most PER_ROUTE times over all
    the roles. `get(url)` fetches a page (the client's GET in Chinese unless given: benchmarks/screen_crawl.py
    times each one)."""
    get = get or (lambda url: client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    pages: dict[str, str] = {}
    seen: set[str] = set()
    mine: Counter = Counter()
    queue = deque((url, True) for url in start)
    while queue:
        url, always = queue.popleft()
        path = urlsplit(url).path
        if path.startswith(SKIP) or path.endswith(MACHINE_FILES) or not path.startswith("/") or url in seen:
            continue
        seen.add(url)
        match = _match(path)
        if match is None:
            continue
        route = _route(match)
        counter = per_route if match.kwargs else mine
        if not always and counter[route] >= PER_ROUTE:
            continue
        response = get(url)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        if response.status_code != 200 or getattr(response, "streaming", False):
            continue
        counter[route] += 1
        kind = response.get("Content-Type", "")
        if not kind.startswith(("text/html", "application/pdf", "text/csv", "text/plain")):
            continue
        text = response.content.decode(errors="replace")
        pages[url] = text
        queue.extend((u, False) for u in _links(text) if u.startswith("/"))
    return pages


def test_no_raw_code_and_one_key_per_function_on_any_screen_or_document_of_the_demo(client, demo):
    codes = sorted(_codes(), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.\-/:=?&])(" + "|".join(map(re.escape, codes)) + r")(?![\w\-/]|\.\w)")
    per_route: Counter = Counter()
    found: dict[str, set[str]] = {}
    keys: dict[str, list[str]] = {}
    visited = 0
    for username in ROLES:
        user = Staff.objects.get(username=username)
        client.force_login(user)
        pages = _walk(client, ["/", *_seeds(user)], per_route)
        visited += len(pages)
        for url, html in pages.items():
            hits = set(pattern.findall(_visible(html)))
            if hits:
                found[f"{username} {url}"] = hits
            if problems := _shortcut_problems(html):
                keys[f"{username} {url}"] = problems
        client.logout()
    assert visited > 100, visited            # the walk reached the demo's screens, not just the home page
    assert not found, "\n".join(f"{page}: {sorted(hits)}" for page, hits in sorted(found.items()))
    assert not keys, "\n".join(f"{page}: {problems}" for page, problems in sorted(keys.items()))
