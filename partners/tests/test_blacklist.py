"""The joint blacklist: pushed rows and files (idempotent, a bad row refused with its reason), and an
entry meeting the counter: the banner, and the opening refused or warned by the tariff parameter."""

import pytest

from boss.models import AuditEvent
from customers.selectors import customer_banner
from customers.services import customer_class_revoke, customer_ensure_not_blacklisted
from customers.tests.factories import CustomerClassFactory
from partners.hashing import identity_hash
from partners.models import BlacklistEntry, BlacklistImport
from partners.services import blacklist_file_import, blacklist_rows_apply, partner_update

pytestmark = pytest.mark.django_db


def _row(customer, **kw):
    return {"identity_type": customer.identity.doc_type, "number": customer.identity.number,
            "reason": "恶意欠费", "since": "2026-01-05", **kw}


def test_the_same_rows_twice_change_nothing(partner_api, push_key, customer):
    rows = [_row(customer), {"identity_type": "passport", "number_hash": "ab" * 32, "reason": "诈骗",
                             "since": "2025-12-01"}]
    first = partner_api.post("blacklist/entries", {"entries": rows}, push_key).json()
    second = partner_api.post("blacklist/entries", {"entries": rows}, push_key).json()
    assert (first["created"], first["unchanged"]) == (2, 0)
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 2)
    entry = BlacklistEntry.objects.get(identity_type="resident_id")
    assert entry.number_hash == identity_hash("resident_id", customer.identity.number)
    assert customer.identity.number not in str(list(BlacklistEntry.objects.values()))   # never in clear
    assert entry.number_masked.startswith(customer.identity.number[:3]) and "*" in entry.number_masked


def test_a_bad_row_gets_its_reason_and_the_rest_are_applied(partner_api, push_key, customer):
    rows = [{"identity_type": "resident_id", "number": "110105194912310021", "reason": "x", "since": "2026-01-01"},
            _row(customer), {"identity_type": "alien", "number": "1", "reason": "x", "since": "2026-01-01"},
            _row(customer, since="明天"), "not a row",
            {"identity_type": "passport", "number": "E1", "number_hash": "ab" * 32, "reason": "x"}]
    body = partner_api.post("blacklist/entries", {"entries": rows}, push_key,
                            HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert body["created"] == 1 and [e["row"] for e in body["errors"]] == [1, 3, 4, 5, 6]
    assert all(e["error"] for e in body["errors"]) and body["errors"][1]["field"] == "identity_type"
    assert BlacklistEntry.objects.count() == 1


def test_corrections_and_removals_flow_in(admin_user, operator_partner, customer):
    blacklist_rows_apply(partner=operator_partner, rows=[_row(customer)], channel="api")
    batch = blacklist_rows_apply(partner=operator_partner, rows=[_row(customer, reason="欺诈")], channel="api")
    assert batch.updated == 1 and BlacklistEntry.objects.get().reason == "欺诈"
    batch = blacklist_rows_apply(partner=operator_partner, rows=[_row(customer, action="remove")], channel="api")
    assert batch.removed == 1 and BlacklistEntry.objects.get().status == "removed"
    assert blacklist_rows_apply(partner=operator_partner, rows=[_row(customer, action="remove")],
                                channel="api").unchanged == 1


def test_the_same_file_imported_twice_changes_nothing(admin_user, operator_partner, customer):
    content = ("action,identity_type,number,number_hash,reason,since\n"
               f"add,resident_id,{customer.identity.number},,恶意欠费,2026-01-05\n"
               f"add,passport,,{'cd' * 32},诈骗,2025-11-11\n"
               "add,resident_id,123,,坏号码,2026-01-01\n").encode()
    first = blacklist_file_import(actor=admin_user, partner=operator_partner, content=content, file_name="b.csv")
    snapshot = list(BlacklistEntry.objects.order_by("pk").values("number_hash", "reason", "since", "status",
                                                                  "updated_at"))
    second = blacklist_file_import(actor=admin_user, partner=operator_partner, content=content, file_name="b.csv")
    assert (first.created, len(first.errors)) == (2, 1) and first.errors[0]["row"] == 3
    assert (second.created, second.updated, second.unchanged, len(second.errors)) == (0, 0, 2, 1)
    assert list(BlacklistEntry.objects.order_by("pk").values("number_hash", "reason", "since", "status",
                                                              "updated_at")) == snapshot


def test_an_unreadable_file_is_refused_and_nothing_written(admin_user, operator_partner):
    with pytest.raises(Exception) as exc:
        blacklist_file_import(actor=admin_user, partner=operator_partner, content=b"a;b\n1;2\n", file_name="x.csv")
    assert exc.value.code == "blacklist_row_invalid" and not BlacklistImport.objects.exists()


def test_a_channel_partner_cannot_send_blacklist_entries(agent_partner, customer):
    with pytest.raises(Exception) as exc:
        blacklist_rows_apply(partner=agent_partner, rows=[_row(customer)], channel="api")
    assert exc.value.code == "partner_state" and not BlacklistEntry.objects.exists()


def test_an_entry_refuses_the_opening_by_the_parameter_with_the_partners_name(operator_partner, customer, rep,
                                                                               make_staff):
    blacklist_rows_apply(partner=operator_partner, rows=[_row(customer)], channel="api")
    with pytest.raises(Exception) as exc:
        customer_ensure_not_blacklisted(actor=rep, customer=customer)
    assert exc.value.code == "customer_blacklisted"
    assert "联通广州分公司" in str(exc.value.message) and "恶意欠费" in str(exc.value.message)
    manager = make_staff("store_manager", username="sm")
    check = customer_ensure_not_blacklisted(actor=rep, customer=customer, override_by=manager,
                                            reason="已核实为误报")
    assert check.blacklisted and check.overridden_by == manager
    assert AuditEvent.objects.get(action="customer.blacklist_override").after["joint"] == ["联通广州分公司"]


def test_with_the_parameter_off_an_entry_only_warns(operator_partner, customer, rep, set_tariff):
    set_tariff("partner.blacklist_refuses", "false")
    blacklist_rows_apply(partner=operator_partner, rows=[_row(customer)], channel="api")
    check = customer_ensure_not_blacklisted(actor=rep, customer=customer)
    assert not check.blacklisted and [w.source for w in check.warnings] == ["联通广州分公司"]
    assert not AuditEvent.objects.filter(action="customer.blacklist_override").exists()


def test_a_removed_entry_no_longer_refuses(operator_partner, customer, rep):
    blacklist_rows_apply(partner=operator_partner, rows=[_row(customer)], channel="api")
    blacklist_rows_apply(partner=operator_partner, rows=[_row(customer, action="remove")], channel="api")
    assert not customer_ensure_not_blacklisted(actor=rep, customer=customer).blacklisted


def test_the_banner_shows_the_entry(operator_partner, customer):
    assert customer_banner(customer=customer).external == []
    blacklist_rows_apply(partner=operator_partner, rows=[_row(customer)], channel="api")
    banner = customer_banner(customer=customer)
    assert banner.is_blacklisted and banner.external[0].reason == "恶意欠费"


def test_our_blacklist_is_published_hashed_with_removals(partner_api, push_key, customer, make_staff):
    klass = CustomerClassFactory(customer=customer, kind="blacklist", reason="恶意欠费")
    body = partner_api.get("blacklist", push_key).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["number_hash"] == identity_hash(customer.identity.doc_type, customer.identity.number)
    assert row["status"] == "active" and customer.identity.number not in str(body) and "恶意欠费" not in str(body)
    customer_class_revoke(actor=make_staff("manager", username="mgr"), customer_class=klass, reason="已结清")
    later = partner_api.get(f"blacklist?changed_since={row['changed_at'].replace('+', '%2B')}", push_key).json()
    assert [r["status"] for r in later["results"]] == ["removed"]


def test_publishing_needs_the_agreement(partner_api, push_key, admin_user, operator_partner):
    partner_update(actor=admin_user, partner=operator_partner, receives_blacklist=False)
    response = partner_api.get("blacklist", push_key)
    assert response.status_code == 403 and response.json()["code"] == "not_permitted"
    assert partner_api.get("blacklist?changed_since=yesterday", push_key).status_code == 403


def test_a_pushed_entry_refuses_the_opening_at_the_counter_and_nothing_is_written(
        opening, admin_user, operator_partner, partner_api, push_key):
    from orders.models import Order
    from orders.services.open_account import order_open_account_create

    assert partner_api.post("blacklist/entries", {"entries": [_row(opening.customer)]}, push_key).status_code == 200
    opening.reserve()
    with pytest.raises(Exception) as exc:
        order_open_account_create(actor=opening.rep, customer=opening.customer, msisdn="13912345670",
                                  product_code="5G128", sim_capacity="usim",
                                  documents_checked=["id_original", "id_copy"], service_password="428571")
    assert exc.value.code == "customer_blacklisted" and "联通广州分公司" in str(exc.value.message)
    assert Order.objects.count() == 0


def test_the_opening_screen_shows_the_entry_on_the_banner(opening, operator_partner, client, set_tariff):
    set_tariff("partner.blacklist_refuses", "false")
    blacklist_rows_apply(partner=operator_partner, rows=[_row(opening.customer)], channel="api")
    client.force_login(opening.rep)
    page = client.get(f"/orders/open-account/{opening.customer.pk}/").content.decode()
    assert 'data-testid="joint-blacklist"' in page and "联合黑名单：联通广州分公司（恶意欠费）" in page


def test_our_blacklist_is_given_as_a_hashed_file_only_where_the_agreement_allows(
        admin_user, operator_partner, agent_partner, customer, client, rep):
    from django.urls import reverse

    CustomerClassFactory(customer=customer, kind="blacklist", reason="恶意欠费")
    client.force_login(admin_user)
    response = client.get(reverse("partners:blacklist_published", args=[operator_partner.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = response.content.decode().strip().splitlines()
    assert rows[0] == "identity_type,number_hash,since,until,status" and len(rows) == 2
    assert identity_hash(customer.identity.doc_type, customer.identity.number) in rows[1]
    assert customer.identity.number not in response.content.decode() and "恶意欠费" not in response.content.decode()
    assert rows[1].endswith(",active")
    event = AuditEvent.objects.get(action="partner.blacklist_export")
    assert event.after == {"interface_number": "OP-GZ-01", "rows": 1}
    # no agreement (the agent), or not a manager (a rep): refused, nothing audited
    assert client.get(reverse("partners:blacklist_published", args=[agent_partner.pk])).status_code == 403
    client.force_login(rep)
    assert client.get(reverse("partners:blacklist_published", args=[operator_partner.pk])).status_code == 403
    assert AuditEvent.objects.filter(action="partner.blacklist_export").count() == 1
