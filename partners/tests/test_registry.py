import pytest

from boss.errors import NotPermitted
from boss.models import AuditEvent, Hall
from boss.tests.factories import HallFactory
from partners.models import InterfaceNumberChange, Partner, PartnerKey
from partners.services import (
    partner_create,
    partner_delete,
    partner_hall_link,
    partner_key_issue,
    partner_key_revoke,
    partner_suspend,
    partner_update,
)

pytestmark = pytest.mark.django_db


def test_a_partner_is_added_with_its_type_from_the_category_and_audited(admin_user):
    partner = partner_create(actor=admin_user, name="市公安局", category="public_security",
                             interface_number="ps-gz-01")
    assert partner.kind == Partner.Kind.INFO_EXCHANGE and partner.interface_number == "PS-GZ-01"
    assert AuditEvent.objects.filter(action="partner.create", target_id=str(partner.pk)).count() == 1


@pytest.mark.parametrize("number, code", [("OP-GZ-01", "interface_number_taken"), ("x", "interface_number_invalid"),
                                          ("有中文", "interface_number_invalid")])
def test_a_taken_or_bad_interface_number_is_refused_and_nothing_written(admin_user, operator_partner, number, code):
    with pytest.raises(Exception) as exc:
        partner_create(actor=admin_user, name="另一家", category="operator", interface_number=number)
    assert exc.value.code == code and str(exc.value.message)
    assert Partner.objects.count() == 1 and AuditEvent.objects.filter(action="partner.create").count() == 1


def test_a_rep_may_not_manage_partners(rep):
    with pytest.raises(NotPermitted):
        partner_create(actor=rep, name="x", category="agent", interface_number="AG-01")
    assert not Partner.objects.exists()


def test_changing_the_interface_number_keeps_its_history_and_needs_a_reason(admin_user, operator_partner):
    with pytest.raises(Exception) as exc:
        partner_update(actor=admin_user, partner=operator_partner, interface_number="OP-GZ-02", reason="")
    assert exc.value.code == "reason_required"
    assert Partner.objects.get().interface_number == "OP-GZ-01" and not InterfaceNumberChange.objects.exists()
    partner_update(actor=admin_user, partner=operator_partner, interface_number="OP-GZ-02", reason="对方系统迁移",
                   name="联通广东")
    partner = Partner.objects.get()
    assert (partner.interface_number, partner.name) == ("OP-GZ-02", "联通广东")
    change = InterfaceNumberChange.objects.get()
    assert (change.old_number, change.new_number, change.changed_by) == ("OP-GZ-01", "OP-GZ-02", admin_user)
    # the freed number may be given to another partner
    partner_create(actor=admin_user, name="电信", category="operator", interface_number="OP-GZ-01")


def test_a_partner_with_live_activity_cannot_be_deleted_but_one_without_can(admin_user, operator_partner):
    key, _raw = partner_key_issue(actor=admin_user, partner=operator_partner, scopes=["blacklist.push"])
    with pytest.raises(Exception) as exc:
        partner_delete(actor=admin_user, partner=operator_partner, reason="合作终止")
    assert exc.value.code == "partner_has_activity"
    assert Partner.objects.get().status == "active"
    partner_key_revoke(actor=admin_user, key=key, reason="合作终止")
    partner_delete(actor=admin_user, partner=operator_partner, reason="合作终止")
    assert Partner.objects.get().status == "deleted"
    assert AuditEvent.objects.filter(action="partner.delete").count() == 1


def test_a_suspended_partner_stays_with_its_history(admin_user, operator_partner):
    partner_suspend(actor=admin_user, partner=operator_partner, reason="协议到期")
    with pytest.raises(Exception) as exc:
        partner_suspend(actor=admin_user, partner=operator_partner, reason="again")
    assert exc.value.code == "partner_state"
    with pytest.raises(Exception) as exc:
        partner_key_issue(actor=admin_user, partner=operator_partner, scopes=["blacklist.push"])
    assert exc.value.code == "partner_state" and not PartnerKey.objects.exists()


def test_only_partner_channel_halls_link_to_a_channel_partner(admin_user, agent_partner, operator_partner, hall):
    agent_hall = HallFactory(code="AG1", name="天河代办点", kind=Hall.Kind.PARTNER)
    with pytest.raises(Exception) as exc:
        partner_hall_link(actor=admin_user, partner=agent_partner, hall=hall)   # self-operated
    assert exc.value.code == "partner_state"
    with pytest.raises(Exception) as exc:
        partner_hall_link(actor=admin_user, partner=operator_partner, hall=agent_hall)
    assert exc.value.code == "partner_state"
    partner_hall_link(actor=admin_user, partner=agent_partner, hall=agent_hall)
    assert agent_partner.halls.get().hall == agent_hall
