"""The processes on a line as the counter screen and the API both call them: for each, its URL part, its
order kind, the permission it needs, and how the validated input (a form's cleaned data or a serializer's
validated data, with the same field names) becomes the service call. No rule lives here: the services
decide; this only maps names so that the screen and the API cannot drift apart."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boss.errors import DomainError
from orders.models import Order
from orders.services import line_services as svc
from orders.services.cancellation import line_cancel, line_cancel_fee_recover
from orders.services.lifecycle import AgentInput
from orders.services.portability import line_port_out
from orders.services.precancel import RetentionInput, line_precancel, line_reopen
from orders.services.transfer import CorporateInput, line_transfer

K = Order.Kind


def agent_of(data: dict, prefix: str = "agent") -> AgentInput | None:
    if not (data.get(f"{prefix}_doc_type") or data.get(f"{prefix}_number")):
        return None
    return AgentInput(doc_type=data.get(f"{prefix}_doc_type") or "", number=data.get(f"{prefix}_number") or "",
                      name=data.get(f"{prefix}_name") or "")


def change(data: dict) -> dict:
    """The documents, agent and agreement of a change."""
    return {"documents_checked": data.get("documents_checked") or [], "agent": agent_of(data),
            "agreement_signed": bool(data.get("agreement_signed"))}


def money(data: dict) -> dict:
    return {"method": data.get("method") or "cash", "tendered": data.get("tendered")}


def override_manager(data: dict, request=None):
    """A manager approves business for a blacklisted customer with their own user name and password."""
    if not data.get("override_username"):
        return None
    manager = authenticate(request, username=data["override_username"], password=data.get("override_password") or "")
    if manager is None:
        raise DomainError(_("The manager's user name or password is wrong."), field="override_password")
    return manager


def _precancel(actor, line, data, request=None):
    retention = RetentionInput(reason=data["retention_reason"], offer=data.get("retention_offer") or "",
                               accepted=bool(data.get("retention_accepted")),
                               reason_detail=data.get("reason_detail") or "", other_brands=data.get("other_brands") or "")
    return line_precancel(actor=actor, line=line, retention=retention, **change(data), **money(data)).order


def _transfer(actor, line, data, request=None):
    from customers.selectors import customer_get

    corporate = None
    if data.get("corporate"):
        corporate = CorporateInput(bank_code=data.get("bank_code") or "", account_number=data.get("bank_account_number")
                                   or "", account_holder=data.get("bank_account_holder") or "",
                                   confirmed_by=data.get("bank_confirmed_by") or "")
    return line_transfer(
        actor=actor, line=line, new_customer=customer_get(pk=data["new_customer"]),
        service_password=data["service_password"], documents_checked=data.get("documents_checked") or [],
        new_documents_checked=data.get("new_documents_checked") or [], old_agent=agent_of(data),
        new_agent=agent_of(data, "new_agent"), corporate=corporate, prepayment=data.get("prepayment"),
        blacklist_override_by=override_manager(data, request), override_reason=data.get("override_reason") or "",
        agreement_signed=bool(data.get("agreement_signed")), **money(data))


@dataclass(frozen=True)
class Process:
    slug: str
    kind: str
    perm: str
    run: Callable  # (actor, line, data, request) -> Order
    money: bool = False     # takes money or a resource: idempotency key required in the API
    documents: bool = True  # a change: documents, agent and agreement
    hint: str = ""

    @property
    def label(self) -> str:
        return Order.Kind(self.kind).label


SERVE, CANCEL = "orders.serve_line", "orders.cancel_line"
PROCESSES = [
    Process("report-loss", K.REPORT_LOSS, SERVE, lambda a, line, d, r=None: svc.line_report_loss(
        actor=a, line=line, **change(d))),
    Process("unlock", K.UNLOCK, SERVE, lambda a, line, d, r=None: svc.line_unlock(actor=a, line=line, **change(d))),
    Process("suspension", K.SUSPEND, SERVE, lambda a, line, d, r=None: svc.line_suspend(
        actor=a, line=line, **change(d))),
    Process("resumption", K.RESUME, SERVE, lambda a, line, d, r=None: svc.line_resume(
        actor=a, line=line, **change(d))),
    Process("features", K.FEATURE_CHANGE, SERVE, lambda a, line, d, r=None: svc.line_features_change(
        actor=a, line=line, add=d.get("add") or [], remove=d.get("remove") or [], **change(d), **money(d)),
        money=True),
    Process("long-distance", K.LONG_DISTANCE, SERVE, lambda a, line, d, r=None: svc.line_long_distance_set(
        actor=a, line=line, level=int(d["level"]), **change(d))),
    Process("roaming", K.ROAMING_OPEN, SERVE, lambda a, line, d, r=None: svc.line_roaming_open(
        actor=a, line=line, guarantee_signed=bool(d.get("guarantee_signed")), **change(d), **money(d)), money=True,
        hint=gettext_lazy("A deposit and the customer's signed guarantee, except for corporate accounts.")),
    Process("roaming-close", K.ROAMING_CLOSE, SERVE, lambda a, line, d, r=None: svc.line_roaming_close(
        actor=a, line=line, **change(d))),
    Process("sim", K.SIM_REPLACEMENT, SERVE, lambda a, line, d, r=None: svc.line_sim_replace(
        actor=a, line=line, sim_capacity=d["sim_capacity"], iccid=d.get("iccid") or "", **change(d), **money(d)),
        money=True),
    Process("number", K.NUMBER_CHANGE, SERVE, lambda a, line, d, r=None: svc.line_number_change(
        actor=a, line=line, new_msisdn=d["new_msisdn"], **change(d), **money(d)), money=True,
        hint=gettext_lazy("Reserve the new number for this customer first (number selection).")),
    Process("customer-data", K.CUSTOMER_DATA, SERVE, lambda a, line, d, r=None: svc.line_customer_data_change(
        actor=a, line=line, name=d.get("name") or None, contact_phone=d.get("contact_phone") or None,
        contact_address=d.get("contact_address") or None, service_password=d.get("service_password") or None,
        **change(d))),
    Process("payment-method", K.PAYMENT_METHOD, SERVE, lambda a, line, d, r=None: svc.line_payment_method_change(
        actor=a, line=line, payment_method=d["payment_method"], bank_code=d.get("bank_code") or "",
        account_number=d.get("bank_account_number") or "", account_holder=d.get("bank_account_holder") or "",
        holder_doc_type=d.get("bank_holder_doc_type") or "", holder_doc_number=d.get("bank_holder_doc_number") or "",
        confirmed_by=d.get("bank_confirmed_by") or "", **change(d))),
    Process("discounts", K.DISCOUNT_CHANGE, SERVE, lambda a, line, d, r=None: svc.line_discounts_change(
        actor=a, line=line, add=d.get("add") or [], remove=d.get("remove") or [], **change(d))),
    Process("handset", K.HANDSET_SALE, SERVE, lambda a, line, d, r=None: svc.line_handset_sell(
        actor=a, line=line, imei=d["imei"], **change(d), **money(d)), money=True),
    Process("precancel", K.PRECANCEL, "orders.precancel_line", _precancel, money=True,
            hint=gettext_lazy("Only at a designated hall, by a customer manager; the owner in person.")),
    Process("reopen", K.REOPEN, CANCEL, lambda a, line, d, r=None: line_reopen(actor=a, line=line, **change(d))),
    Process("cancel", K.CANCEL, CANCEL, lambda a, line, d, r=None: line_cancel(
        actor=a, line=line, **change(d), **money(d)).order, money=True),
    Process("cancel-fee-recovery", K.CANCEL_FEE_RECOVERY, CANCEL, lambda a, line, d, r=None: line_cancel_fee_recover(
        actor=a, line=line, **money(d)), money=True, documents=False),
    Process("port-out", K.PORT_OUT, CANCEL, lambda a, line, d, r=None: line_port_out(
        actor=a, line=line, operator=d["operator"], **change(d), **money(d)).order, money=True),
    Process("transfer", K.TRANSFER, "orders.transfer_line", _transfer, money=True),
]
BY_SLUG = {p.slug: p for p in PROCESSES}
BY_KIND = {p.kind: p for p in PROCESSES}
