"""Customer data changes (改名, 改联系方式) go through the customers app's services: each audits its own
change with masked values, the counter's order audits the process; a refusal writes nothing."""

import pytest

from boss.models import AuditEvent
from customers.errors import BadContactNumberError
from customers.models import Customer
from orders.models import Order
from orders.services.line_services import line_customer_data_change

pytestmark = pytest.mark.django_db


def test_a_rename_and_a_contact_change_are_the_customers_services(live):
    order = line_customer_data_change(actor=live.rep, line=live.line, name="王  新名", contact_address="福州市鼓楼区",
                                      documents_checked=["id_original", "id_copy"], agreement_signed=True)
    customer = Customer.objects.select_related("identity").get(pk=live.line.customer_id)
    assert customer.name == customer.identity.name == "王 新名" and customer.contact_address == "福州市鼓楼区"
    assert order.details["changed"] == ["contact_address", "name"]
    rename = AuditEvent.objects.get(action="customer.rename")
    assert "王 新名" not in str(rename.after)                          # masked in the audit trail
    assert AuditEvent.objects.filter(action="customer.update_contact").count() == 1
    assert AuditEvent.objects.filter(action="line.customer_data").count() == 1


def test_a_bad_contact_number_writes_nothing(live):
    before = (Order.objects.count(), AuditEvent.objects.count(), Customer.objects.get(pk=live.line.customer_id).name)
    with pytest.raises(BadContactNumberError):
        line_customer_data_change(actor=live.rep, line=live.line, name="王新名", contact_phone="12",
                                  documents_checked=["id_original", "id_copy"], agreement_signed=True)
    assert (Order.objects.count(), AuditEvent.objects.count(),
            Customer.objects.get(pk=live.line.customer_id).name) == before
