"""Codes a person reads, as labels (issue 11): one mechanism for screens and documents.

A stored code (a payment method, a SIM capacity, an audit action ...) is shown through `choice_label`
(Django choices: the translated label) or, in templates, the `label` filter of boss_tags with the name of
a registered set of choices. Unknown values come back unchanged so nothing is lost, and the test of issue 11
renders the demo's screens and documents looking for raw codes.
"""


CHOICES: dict[str, object] = {}  # name -> Django choices class (or a list of (value, label))


def register(name: str, choices) -> None:
    CHOICES[name] = choices


def choice_label(choices, value) -> str:
    """The label of `value` in `choices` (a TextChoices class or a list of pairs), else the value itself."""
    if value in (None, ""):
        return ""
    pairs = choices.choices if hasattr(choices, "choices") else choices
    for code, label in pairs:
        if code == value:
            return str(label)
    return str(value)


def label(name: str, value) -> str:
    """The label of `value` in the choices registered as `name` ("catalog.PaymentMethod")."""
    choices = CHOICES.get(name)
    return choice_label(choices, value) if choices is not None else str(value or "")




def _actions():
    from django.utils.translation import gettext_lazy as _

    return {
        "access.denied": _("Access refused"), "auth.login": _("Signed in"), "auth.logout": _("Signed out"),
        "auth.login_failed": _("Failed sign-in"), "staff.language": _("Language changed"),
        "arrears.remind": _("Arrears reminder"), "arrears.restore": _("Restored after payment"),
        "arrears.suspend": _("Suspended for arrears"),
        "bank_collection.answer": _("Bank collection answered"), "bank_collection.create": _("Bank collection made"),
        "bank_collection.export": _("Bank collection file exported"),
        "bank_collection.result_import": _("Bank collection results imported"),
        "bill.itemised_print": _("Itemised bill printed"), "bill_run.chunk": _("Bill run part"),
        "bill_run.finish": _("Bill run finished"), "bill_run.start": _("Bill run started"),
        "bills.settle": _("Bills settled"),
        "complaint.accept": _("Complaint answer accepted"), "complaint.callback": _("Complaint call-back"),
        "complaint.dispatch": _("Complaint dispatched"), "complaint.escalate": _("Complaint escalated"),
        "complaint.escalation_acknowledge": _("Escalation acknowledged"), "complaint.open": _("Complaint taken"),
        "complaint.pass_down": _("Complaint passed down"), "complaint.redispatch": _("Complaint dispatched again"),
        "complaint.reply": _("Complaint replied"), "complaint.return": _("Complaint returned"),
        "customer.blacklist_override": _("Blacklist overridden"), "customer.class_revoke": _("Customer class revoked"),
        "customer.classify": _("Customer classified"), "customer.create": _("New customer"),
        "customer.update_contact": _("Contact details changed"),
        "document.print": _("Document printed"), "document.reprint": _("Document reprinted"),
        "identity.purge": _("Identity data purged"), "identity.record_agent": _("Agent recorded"),
        "identity.reveal": _("ID number revealed"),
        "kb.article_create": _("Knowledge article written"), "kb.article_update": _("Knowledge article changed"),
        "line.cancel": _("Cancellation"), "line.cancel_fee_recover": _("Fees recovered after cancellation"),
        "line.cancellation_due": _("Cancellation due"), "line.create": _("New line"),
        "line.customer_data": _("Customer data change"), "line.discount_change": _("Discount change"),
        "line.handset_sale": _("Handset sale"), "line.network_mismatch": _("Network mismatch"),
        "line.number_change": _("Number change"), "line.payment_method": _("Payment method change"),
        "line.plan_correct": _("Plan corrected"), "line.port_out": _("Port-out"),
        "line.precancel": _("Pre-cancellation"), "line.reopen": _("Reopened"),
        "line.restore_requested": _("Restoration requested"), "line.retained": _("Customer retained"),
        "line.sim_replacement": _("SIM replacement"), "line.transfer": _("Transfer of ownership"),
        "line.features": _("Feature change"), "line.report_loss": _("Loss reported"), "line.unlock": _("Unlocked"),
        "line.suspension": _("Suspension on request"), "line.resumption": _("Resumption"),
        "line.long_distance": _("Long distance change"), "line.roaming": _("International roaming opened"),
        "line.roaming_close": _("International roaming closed"), "line.handset": _("Handset sale"),
        "line.discounts": _("Discount change"),
        "number.assign": _("Number assigned"), "number.freeze": _("Number frozen"),
        "number.port_out": _("Number ported out"), "number.release": _("Number released"),
        "number.reservation_expire": _("Number reservation expired"), "number.reserve": _("Number reserved"),
        "number.thaw": _("Number thawed"), "number.unassign": _("Number unassigned"),
        "number.unfreeze": _("Number unfrozen"), "numbers.regrade": _("Numbers graded again"),
        "order.agreement_print": _("Agreement printed"), "order.cancel": _("Order cancelled"),
        "order.open_account.create": _("New account: order made"), "order.open_account.pay": _("New account: paid"),
        "partner.api_call": _("Partner system call"), "partner.api_refused": _("Partner system call refused"),
        "partner.blacklist_import": _("Partner blacklist imported"),
        "partner.create": _("Partner added"), "partner.delete": _("Partner removed"),
        "partner.hall_link": _("Partner hall linked"), "partner.hall_unlink": _("Partner hall unlinked"),
        "partner.key_issue": _("Partner key issued"),
        "partner.key_revoke": _("Partner key revoked"), "partner.key_rotate": _("Partner key rotated"),
        "partner.resume": _("Partner resumed"), "partner.suspend": _("Partner suspended"),
        "partner.update": _("Partner changed"),
        "payment.collect": _("Fee collection"), "points.expire": _("Points expired"),
        "prepaid.charge": _("Prepaid charge"), "recharge_card.redeem": _("Recharge card used"),
        "recommendation.accept": _("Offer accepted"), "recommendation.decline": _("Offer declined"),
        "refund.approve": _("Refund approved"), "refund.form_reprint": _("Refund form reprinted"),
        "refund.pay": _("Refund paid"), "refund.request": _("Refund requested"),
        "sim.assign": _("SIM card issued"), "sim.return": _("SIM card returned"), "stock.import": _("Stock imported"),
        "usage.import": _("Usage imported"), "usage.import_start": _("Usage import started"),
        "usage.rate": _("Usage rated"), "usage.rate_import": _("Usage import rated"),
        "usage.rate_pending": _("Pending usage rated"),
        "workorder.complete": _("Work order completed"), "workorder.fail": _("Work order failed"),
        "workorder.retry": _("Work order retried"), "workorder.rollback": _("Work order rolled back"),
    }


_ACTIONS: dict | None = None
_APP_ACTIONS: dict = {}


def register_actions(labels: dict) -> None:
    """An app adds labels of its audit actions (orders: "line.<kind>" from its order kinds)."""
    _APP_ACTIONS.update(labels)


def _action_table() -> dict:
    global _ACTIONS
    if _ACTIONS is None:
        _ACTIONS = {**_actions(), **_APP_ACTIONS}
    return _ACTIONS


def action_choices() -> list[tuple[str, str]]:
    """Every labelled audit action as (code, label), by label: what a person picks from (the audit filter)."""
    return sorted(((code, str(text)) for code, text in _action_table().items()), key=lambda pair: pair[1])


def action_label(action: str) -> str:
    """What a person reads for an audit action code ("payment.collect" → 缴费): the table above, else the
    label of a line's process (line.<kind>[.request]), else a neutral label (never the code)."""
    from django.utils.translation import gettext as _

    table = _action_table()
    if action in table:
        return str(table[action])
    base = action.removesuffix(".request")
    if base in table:
        return str(table[base])
    if action.startswith("admin."):
        return _("Administration change")
    return _("Other business")
