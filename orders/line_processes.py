"""The processes on a line as the counter screen and the API both call them: for each, its URL part, its
order kind, the permission it needs, and how the validated input (a form's cleaned data or a serializer's
validated data, with the same field names) becomes the service call. No rule lives here: the services
decide; this only maps names so that the screen and the API cannot drift apart."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from boss.models import Staff
from boss.permissions import approver_authenticate
from orders.models import Order
from orders.services.account_move import line_account_change
from orders.services.cancellation import line_cancel, line_cancel_fee_recover
from orders.services.documents import AgentInput
from orders.services.line_services import (
    line_customer_data_change,
    line_discounts_change,
    line_features_change,
    line_handset_sell,
    line_long_distance_set,
    line_number_change,
    line_payment_method_change,
    line_report_loss,
    line_resume,
    line_roaming_close,
    line_roaming_open,
    line_sim_replace,
    line_suspend,
    line_unlock,
)
from orders.services.plan_change import line_plan_change, line_plan_change_cancel
from orders.services.portability import line_port_out
from orders.services.precancel import RetentionInput, line_precancel, line_reopen
from orders.services.secondary_cards import line_secondary_add, line_secondary_remove
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
    return {"method": data.get("method") or "", "tendered": data.get("tendered")}


def _precancel(*, actor, line, data, request=None):
    retention = RetentionInput(reason=data["retention_reason"], offer=data.get("retention_offer") or "",
                               accepted=bool(data.get("retention_accepted")),
                               reason_detail=data.get("reason_detail") or "",
                               other_brands=data.get("other_brands") or "")
    return line_precancel(actor=actor, line=line, retention=retention, **change(data), **money(data)).order


def _override_approver(request, data):
    """The manager who overrides a blacklist: authenticated now, or when the draft was entered (the counter's
    session keeps who approved, `override_approved_by`, never the password: orders.views.lines). Their
    permission is checked by the service either way."""
    if data.get("override_approved_by"):
        return Staff.objects.get(pk=data["override_approved_by"])
    if data.get("override_username"):
        return approver_authenticate(request, username=data["override_username"],
                                     password=data.get("override_password") or "")
    return None


def _transfer(*, actor, line, data, request=None):
    from customers.selectors import customer_get

    corporate = None
    if data.get("corporate"):
        corporate = CorporateInput(bank_code=data.get("bank_code") or "", account_number=data.get("bank_account_number")
                                   or "", account_holder=data.get("bank_account_holder") or "",
                                   confirmed_by=data.get("bank_confirmed_by") or "")
    return line_transfer(
        actor=actor, line=line, new_customer=customer_get(pk=data["new_customer"], actor=actor),
        service_password=data["service_password"], documents_checked=data.get("documents_checked") or [],
        new_documents_checked=data.get("new_documents_checked") or [], old_agent=agent_of(data),
        new_agent=agent_of(data, "new_agent"), corporate=corporate, prepayment=data.get("prepayment"),
        blacklist_override_by=_override_approver(request, data),
        override_reason=data.get("override_reason") or "",
        agreement_signed=bool(data.get("agreement_signed")), **money(data))


@dataclass(frozen=True)
class Process:
    slug: str
    kind: str
    perm: str
    run: Callable  # run(*, actor, line, data, request=None) -> Order
    money: bool = False     # takes money or a resource: idempotency key required in the API
    documents: bool = True  # a change: documents, agent and agreement
    hint: str = ""

    @property
    def label(self) -> str:
        return Order.Kind(self.kind).label


SERVE, CANCEL = "orders.serve_line", "orders.cancel_line"
PROCESSES = [
    Process("report-loss", K.REPORT_LOSS, SERVE,
            lambda *, actor, line, data, request=None: line_report_loss(
        actor=actor, line=line, **change(data))),
    Process("unlock", K.UNLOCK, SERVE,
            lambda *, actor, line, data, request=None: line_unlock(actor=actor, line=line, **change(data))),
    Process("suspension", K.SUSPEND, SERVE,
            lambda *, actor, line, data, request=None: line_suspend(
        actor=actor, line=line, **change(data))),
    Process("resumption", K.RESUME, SERVE,
            lambda *, actor, line, data, request=None: line_resume(
        actor=actor, line=line, **change(data))),
    Process("features", K.FEATURE_CHANGE, SERVE,
            lambda *, actor, line, data, request=None: line_features_change(
        actor=actor, line=line, add=data.get("add") or [], remove=data.get("remove") or [],
        forward_to=data.get("forward_to") or "", forward_when=data.get("forward_when") or "", **change(data),
        **money(data)),
        money=True),
    Process("long-distance", K.LONG_DISTANCE, SERVE,
            lambda *, actor, line, data, request=None: line_long_distance_set(
        actor=actor, line=line, level=int(data["level"]), **change(data))),
    Process("roaming", K.ROAMING_OPEN, SERVE,
            lambda *, actor, line, data, request=None: line_roaming_open(
        actor=actor, line=line, guarantee_signed=bool(data.get("guarantee_signed")), **change(data), **money(data)),
        money=True,
        hint=gettext_lazy("A deposit and the customer's signed guarantee, except for corporate accounts.")),
    Process("roaming-close", K.ROAMING_CLOSE, SERVE,
            lambda *, actor, line, data, request=None: line_roaming_close(
        actor=actor, line=line, **change(data))),
    Process("sim", K.SIM_REPLACEMENT, SERVE,
            lambda *, actor, line, data, request=None: line_sim_replace(
        actor=actor, line=line, sim_capacity=data["sim_capacity"], iccid=data.get("iccid") or "", **change(data),
        **money(data)),
        money=True),
    Process("number", K.NUMBER_CHANGE, SERVE,
            lambda *, actor, line, data, request=None: line_number_change(
        actor=actor, line=line, new_msisdn=data["new_msisdn"], **change(data), **money(data)), money=True,
        hint=gettext_lazy("Reserve the new number for this customer first (number selection).")),
    Process("customer-data", K.CUSTOMER_DATA, SERVE,
            lambda *, actor, line, data, request=None: line_customer_data_change(
        actor=actor, line=line, name=data.get("name") or None, contact_phone=data.get("contact_phone") or None,
        contact_address=data.get("contact_address") or None, service_password=data.get("service_password") or None,
        **change(data))),
    Process("payment-method", K.PAYMENT_METHOD, SERVE,
            lambda *, actor, line, data, request=None: line_payment_method_change(
        actor=actor, line=line, payment_method=data["payment_method"], bank_code=data.get("bank_code") or "",
        account_number=data.get("bank_account_number") or "", account_holder=data.get("bank_account_holder") or "",
        holder_doc_type=data.get("bank_holder_doc_type") or "",
        holder_doc_number=data.get("bank_holder_doc_number") or "",
        confirmed_by=data.get("bank_confirmed_by") or "", **change(data))),
    Process("discounts", K.DISCOUNT_CHANGE, SERVE,
            lambda *, actor, line, data, request=None: line_discounts_change(
        actor=actor, line=line, add=data.get("add") or [], remove=data.get("remove") or [], **change(data))),
    Process("handset", K.HANDSET_SALE, SERVE,
            lambda *, actor, line, data, request=None: line_handset_sell(
        actor=actor, line=line, imei=data["imei"], **change(data), **money(data)), money=True),
    Process("plan-change", K.PLAN_CHANGE, SERVE,
            lambda *, actor, line, data, request=None: line_plan_change(
        actor=actor, line=line, plan=data["plan"], immediate=bool(data.get("immediate")), **change(data),
        **money(data)), money=True,
        hint=gettext_lazy("From the first of next month; at once and prorated only where the tariff allows.")),
    Process("plan-change-cancel", K.PLAN_CHANGE_CANCEL, SERVE,
            lambda *, actor, line, data, request=None: line_plan_change_cancel(
        actor=actor, line=line, **change(data))),
    Process("account", K.ACCOUNT_MOVE, SERVE,
            lambda *, actor, line, data, request=None: line_account_change(
        actor=actor, line=line, account=int(data["account"]) if str(data.get("account") or "").isdigit() else None,
        new_account=data.get("account") == "new" or bool(data.get("new_account")), **change(data)),
        hint=gettext_lazy("Another account of the same owner; neither account may owe anything.")),
    Process("secondary-add", K.SECONDARY_ADD, SERVE,
            lambda *, actor, line, data, request=None: line_secondary_add(
        actor=actor, line=line, secondary=data["secondary"], **change(data)),
        hint=gettext_lazy("Another active line of the same customer shares this line's plan allowance.")),
    Process("secondary-remove", K.SECONDARY_REMOVE, SERVE,
            lambda *, actor, line, data, request=None: line_secondary_remove(
        actor=actor, line=line, secondary=data["secondary"], **change(data))),
    Process("precancel", K.PRECANCEL, "orders.precancel_line", _precancel, money=True,
            hint=gettext_lazy("Only at a designated hall, by a customer manager; the owner in person.")),
    Process("reopen", K.REOPEN, CANCEL,
            lambda *, actor, line, data, request=None: line_reopen(actor=actor, line=line, **change(data))),
    Process("cancel", K.CANCEL, CANCEL,
            lambda *, actor, line, data, request=None: line_cancel(
        actor=actor, line=line, **change(data), **money(data)).order, money=True),
    Process("cancel-fee-recovery", K.CANCEL_FEE_RECOVERY, CANCEL,
            lambda *, actor, line, data, request=None: line_cancel_fee_recover(
        actor=actor, line=line, **money(data)), money=True, documents=False),
    Process("port-out", K.PORT_OUT, CANCEL,
            lambda *, actor, line, data, request=None: line_port_out(
        actor=actor, line=line, operator=data["operator"], **change(data), **money(data)).order, money=True),
    Process("transfer", K.TRANSFER, "orders.transfer_line", _transfer, money=True),
]
BY_SLUG = {p.slug: p for p in PROCESSES}
BY_KIND = {p.kind: p for p in PROCESSES}
