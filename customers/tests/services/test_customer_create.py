"""customer_create, customer_update and agent_identity_record: registration rules and their refusals."""

from datetime import date

import pytest
import time_machine

from boss.models import AuditEvent
from customers.errors import (
    AgentMinorError,
    AgentNotPersonError,
    BadCheckDigitError,
    BadContactNumberError,
    CustomerIncompleteError,
    IdentityInUseError,
    IdentityNameMismatchError,
    KindMismatchError,
    LegacyNumberError,
)
from customers.identity import resident_id_compose, uscc_compose
from customers.models import Customer, CustomerIdentity
from customers.services import agent_identity_record, customer_create, customer_update
from customers.tests.factories import CustomerFactory, IdentityFactory

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def _create(actor, **overrides):
    data = {"doc_type": "resident_id", "number": ID, "name": "张三", "address": "北京市朝阳区建国路1号",
            "contact_phone": "+86 139-0000-1111", "contact_address": "广州市天河区天河路2号"}
    data.update(overrides)
    return customer_create(actor=actor, **data)


def _nothing_written():
    return (Customer.objects.count(), CustomerIdentity.objects.count(),
            AuditEvent.objects.filter(action="customer.create").count()) == (0, 0, 0)


class TestCustomerCreate:
    def test_registers_an_individual_with_identity_checked_by_the_actor_and_audits_masked(self, rep):
        customer = _create(rep, number="11010519491231002x")
        assert customer.kind == Customer.Kind.INDIVIDUAL
        assert customer.identity.number == ID  # normalised
        assert customer.contact_phone == "13900001111"
        assert customer.created_hall == rep.hall and customer.created_by == rep
        identity = customer.identity
        assert (identity.checked_by, identity.checked_hall, identity.check_method) == (rep, rep.hall, "card_reader")
        assert identity.checked_at is not None
        event = AuditEvent.objects.get(action="customer.create")
        assert event.target_id == str(customer.pk) and event.actor == rep
        assert ID not in str(event.after) and event.after["number"] == "110**************X"
        assert "张三" not in event.target_repr

    def test_a_credit_code_registers_an_organization(self, rep):
        code = uscc_compose("91", "440101", "12345678")
        customer = _create(rep, doc_type="uscc", number=code, name="广州测试科技有限公司", contact_phone="020-12345678")
        assert customer.kind == Customer.Kind.ORGANIZATION and customer.contact_phone == "02012345678"

    def test_kind_given_must_agree_with_the_document(self, rep):
        with pytest.raises(KindMismatchError) as exc:
            _create(rep, kind="organization")
        assert exc.value.code == "kind_mismatch" and exc.value.field == "kind"
        assert _nothing_written()

    def test_bad_check_digit_is_refused_at_the_number_and_nothing_is_written(self, rep):
        with pytest.raises(BadCheckDigitError) as exc:
            _create(rep, number="110105194912310021")
        assert exc.value.code == "bad_check_digit" and set(exc.value.fields) == {"number"}
        assert _nothing_written()

    def test_a_legacy_number_is_not_accepted_for_registration(self, rep):
        with pytest.raises(LegacyNumberError):
            _create(rep, number="110105491231002")
        assert _nothing_written()

    def test_incomplete_data_lists_every_missing_field(self, rep):
        with pytest.raises(CustomerIncompleteError) as exc:
            _create(rep, name=" ", address="", contact_phone="")
        assert exc.value.code == "customer_incomplete"
        assert set(exc.value.fields) == {"name", "address", "contact_phone"}
        assert exc.value.as_dict()["fields"]["address"]
        assert _nothing_written()

    def test_a_bad_number_keeps_its_own_code_and_reports_the_other_problems_too(self, rep):
        with pytest.raises(BadCheckDigitError) as exc:
            _create(rep, number="110105194912310021", address="", contact_phone="12345")
        assert set(exc.value.fields) == {"number", "address", "contact_phone"}
        assert _nothing_written()

    def test_a_bad_contact_number_is_refused(self, rep):
        with pytest.raises(BadContactNumberError) as exc:
            _create(rep, contact_phone="12345")
        assert exc.value.code == "bad_contact_number"
        assert _nothing_written()

    def test_an_identity_already_bound_to_a_customer_is_refused(self, rep):
        _create(rep)
        with pytest.raises(IdentityInUseError) as exc:
            _create(rep, contact_phone="13900002222")
        assert exc.value.code == "identity_in_use" and exc.value.status == 409
        assert Customer.objects.count() == 1
        assert AuditEvent.objects.filter(action="customer.create").count() == 1

    def test_an_agent_identity_on_record_is_reused_with_its_new_address(self, rep, make_staff):
        agent = IdentityFactory(number=ID, name="张三", address="旧地址")
        other = make_staff("sales_rep", username="rep_b")
        customer = _create(other, address="北京市朝阳区新地址8号")
        assert customer.identity_id == agent.pk
        assert CustomerIdentity.objects.count() == 1
        agent.refresh_from_db()
        assert agent.address == "北京市朝阳区新地址8号" and agent.checked_by == other
        assert AuditEvent.objects.get(action="customer.create").after["identity_reused"] is True

    def test_reusing_an_identity_under_another_name_is_refused(self, rep):
        IdentityFactory(number=ID, name="李四")
        with pytest.raises(IdentityNameMismatchError) as exc:
            _create(rep)
        assert exc.value.code == "identity_name_mismatch"
        assert Customer.objects.count() == 0 and CustomerIdentity.objects.get().name == "李四"

    def test_names_and_addresses_are_trimmed(self, rep):
        customer = _create(rep, name="  Anna   Maria ", doc_type="passport", number="E12345678")
        assert customer.name == "Anna Maria"


class TestCustomerUpdate:
    def test_changes_contact_data_and_audits_masked_values(self, rep):
        customer = CustomerFactory(contact_phone="13900001111", contact_address="旧地址")
        customer_update(actor=rep, customer=customer, contact_phone="138 0013 8000",
                        contact_address="广州市越秀区新地址")
        customer.refresh_from_db()
        assert customer.contact_phone == "13800138000" and customer.contact_address == "广州市越秀区新地址"
        event = AuditEvent.objects.get(action="customer.update_contact")
        assert event.before["contact_phone"] == "139****1111" and event.after["contact_phone"] == "138****8000"
        assert "13800138000" not in str(event.after)

    def test_none_keeps_a_value(self, rep):
        customer = CustomerFactory(contact_phone="13900001111", contact_address="旧地址")
        customer_update(actor=rep, customer=customer, contact_address="新地址")
        customer.refresh_from_db()
        assert customer.contact_phone == "13900001111" and customer.contact_address == "新地址"

    def test_the_contact_number_cannot_be_removed(self, rep):
        customer = CustomerFactory(contact_phone="13900001111")
        with pytest.raises(CustomerIncompleteError) as exc:
            customer_update(actor=rep, customer=customer, contact_phone=" ")
        assert exc.value.field == "contact_phone"
        customer.refresh_from_db()
        assert customer.contact_phone == "13900001111"
        assert not AuditEvent.objects.filter(action="customer.update_contact").exists()

    def test_a_bad_contact_number_is_refused(self, rep):
        customer = CustomerFactory(contact_phone="13900001111")
        with pytest.raises(BadContactNumberError):
            customer_update(actor=rep, customer=customer, contact_phone="123")
        assert not AuditEvent.objects.filter(action="customer.update_contact").exists()


class TestAgentIdentity:
    def test_records_a_new_agent_identity(self, rep):
        identity = agent_identity_record(actor=rep, doc_type="resident_id", number=ID.lower(), name="张三",
                                         address="北京市朝阳区")
        assert identity.number == ID and identity.checked_by == rep
        assert not Customer.objects.exists()
        event = AuditEvent.objects.get(action="identity.record_agent")
        assert event.after["number"] == "110**************X"

    def test_an_existing_customer_can_act_as_an_agent(self, rep):
        customer = _create(rep)
        identity = agent_identity_record(actor=rep, doc_type="resident_id", number=ID, name="张三")
        assert identity.pk == customer.identity_id
        assert CustomerIdentity.objects.count() == 1

    def test_an_organization_cannot_be_an_agent(self, rep):
        with pytest.raises(AgentNotPersonError) as exc:
            agent_identity_record(actor=rep, doc_type="uscc", number=uscc_compose("91", "440101", "12345678"), name="X")
        assert exc.value.code == "agent_must_be_person"
        assert not CustomerIdentity.objects.exists()

    @time_machine.travel(date(2026, 6, 1))
    def test_a_minor_cannot_be_an_agent(self, rep):
        young = resident_id_compose("440106", date(2012, 1, 1), 3)
        with pytest.raises(AgentMinorError) as exc:
            agent_identity_record(actor=rep, doc_type="resident_id", number=young, name="小明")
        assert exc.value.code == "agent_is_minor"
        assert not CustomerIdentity.objects.exists()
        adult = resident_id_compose("440106", date(2010, 6, 1), 3)  # 16 today: the tariff's minor age
        assert agent_identity_record(actor=rep, doc_type="resident_id", number=adult, name="小红").pk

    def test_a_name_is_needed_and_must_match_the_record(self, rep):
        with pytest.raises(CustomerIncompleteError):
            agent_identity_record(actor=rep, doc_type="resident_id", number=ID, name="")
        IdentityFactory(number=ID, name="李四")
        with pytest.raises(IdentityNameMismatchError):
            agent_identity_record(actor=rep, doc_type="resident_id", number=ID, name="张三")
        assert not AuditEvent.objects.filter(action="identity.record_agent").exists()
