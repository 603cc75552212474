"""Bulk exports of personal data (issue 12, domain-rules A8): a second approver, never the requester
(service and database check); one download by the requester; each step audited (never the data)."""

import pytest
from django.db import IntegrityError, transaction

from boss.exports import SecondApproverError, export_decide, export_request
from boss.models import AuditEvent, ExportRequest
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_customer_list_export_needs_a_second_approver_and_is_downloaded_once(client, rep, make_staff):
    CustomerFactory(name="欧阳娜娜")
    store = make_staff("store_manager", username="store_a")
    client.force_login(rep)
    asked = client.post("/exports/new/", {"kind": "customers.list", "reason": "月度回访", "f_name": "欧阳"})
    assert asked.status_code == 302
    req = ExportRequest.objects.get()
    assert (req.status, req.params, req.requested_by) == ("requested", {"name": "欧阳"}, rep)
    assert client.post(f"/exports/{req.pk}/download/").status_code == 302          # not before approval
    req.refresh_from_db()
    assert req.status == "requested" and req.rows is None
    client.force_login(store)
    assert 'value="approve"' in client.get("/exports/").content.decode()            # waiting for the approver
    assert client.post(f"/exports/{req.pk}/decide/", {"decision": "approve"}).status_code == 302
    client.force_login(rep)
    response = client.post(f"/exports/{req.pk}/download/")
    body = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "欧阳娜娜" in body and body.count("\n") == 2                               # the header and one customer
    again = client.post(f"/exports/{req.pk}/download/")
    assert again.status_code == 302                                                  # once
    actions = list(AuditEvent.objects.filter(action__startswith="export.").order_by("pk")
                   .values_list("action", flat=True))
    assert actions == ["export.request", "export.approve", "export.download"]
    download = AuditEvent.objects.get(action="export.download")
    assert download.after["rows"] == 1 and "欧阳娜娜" not in str(download.after)


def test_an_approver_never_approves_their_own_export(make_staff):
    store = make_staff("store_manager", username="store_a")
    req = export_request(actor=store, kind="customers.list", params={}, reason="回访")
    with pytest.raises(SecondApproverError):
        export_decide(actor=store, request=req, approve=True)
    req.refresh_from_db()
    assert req.status == "requested" and req.decided_by is None
    assert not AuditEvent.objects.filter(action="export.approve").exists()


def test_the_database_refuses_the_requester_as_approver(rep):
    req = export_request(actor=rep, kind="customers.list", params={}, reason="回访")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportRequest.objects.filter(pk=req.pk).update(decided_by=rep)


def test_an_export_needs_a_reason(rep):
    from boss.errors import DomainError

    with pytest.raises(DomainError) as exc:
        export_request(actor=rep, kind="customers.list", params={}, reason=" ")
    assert exc.value.field == "reason" and not ExportRequest.objects.exists()


def test_a_refused_request_goes_back_only_to_a_page_of_this_site(client, rep):
    client.force_login(rep)
    refused = {"kind": "customers.list", "reason": ""}
    assert client.post("/exports/new/", {**refused, "back": "/customers/"})["Location"] == "/customers/"
    assert client.post("/exports/new/", {**refused, "back": "https://evil.example/"})["Location"] == "/exports/"
    assert not ExportRequest.objects.exists()
