"""The documents rule of every counter process (process 0, 1.4, 6.3.3): what the rep must check, by customer
type, agent and payment method, and the one check that every process calls (opening, changes, transfer,
cancellation). The order records which documents were checked and who acted."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from boss.models import Staff
from catalog.models import PaymentMethod
from customers.models import Customer
from customers.services import agent_identity_record
from orders.errors import AgentNotAllowedError, AgentRequiredError, DocumentsMissingError
from orders.models import Order

D = Order.Document


@dataclass(frozen=True)
class AgentInput:
    doc_type: str
    number: str
    name: str
    address: str = ""


def documents_required(*, customer_kind: str, payment_method: str, agent: bool) -> list[str]:
    """The documents the rep must check (process 0 and 1.4): by customer type, agent and payment method."""
    required = [D.ID_ORIGINAL] if customer_kind == Customer.Kind.INDIVIDUAL else [D.UNIT_LETTER, D.LICENCE]
    if agent:
        required.append(D.AGENT_ID)
    if payment_method == PaymentMethod.BANK:
        required += [D.PASSBOOK, D.HOLDER_ID]
    elif payment_method == PaymentMethod.CORPORATE:
        required += [D.UNIT_LETTER, D.LICENCE, D.SEAL_CARD]
    return list(dict.fromkeys(required))


def documents_check(*, actor: Staff, customer: Customer, documents_checked: Iterable[str], agent: AgentInput | None,
                    agent_allowed: bool = True, payment_method: str | None = None, extra: Iterable[str] = ()):
    """The documents rule of every process (process 0): individual → ID original; organization → unit letter
    and licence; an agent's ID too; a bank-collection account its documents (`payment_method`, 1.4). Private
    customers may be barred from using an agent (cancellation, 6.3.3), organizations from coming without
    one. Returns (documents checked, the agent's identity record or None).

    Raises DocumentsMissingError, AgentNotAllowedError, AgentRequiredError, the agent's identity errors.
    """
    signed_in = getattr(actor, "signed_in_customer_id", None)
    if signed_in is not None:
        # The web channel (portal.services.channel): the customer signed in with the line's service password
        # and a one-time SMS code, which stands for the counter's documents, for their own business only.
        # An organization's business needs its papers and its agent at a hall, whoever holds the password.
        if signed_in != customer.pk or agent is not None or customer.kind == Customer.Kind.ORGANIZATION:
            missing = documents_required(customer_kind=customer.kind, payment_method=PaymentMethod.CASH,
                                         agent=agent is not None)
            raise DocumentsMissingError(_("Check these documents first: %(docs)s.")
                                        % {"docs": "、".join(str(D(d).label) for d in missing)}, missing=missing)
        return [D.WEB_SIGNIN], None
    organization = customer.kind == Customer.Kind.ORGANIZATION
    if agent is not None and not organization and not agent_allowed:
        raise AgentNotAllowedError()
    if agent is None and organization and not agent_allowed:
        raise AgentRequiredError()
    required = documents_required(customer_kind=customer.kind, payment_method=payment_method or PaymentMethod.CASH,
                                  agent=agent is not None) + list(extra)
    checked = [d for d in dict.fromkeys(documents_checked) if d in D.values]
    missing = [d for d in dict.fromkeys(required) if d not in checked]
    if missing:
        labels = "、".join(str(D(d).label) for d in missing)
        raise DocumentsMissingError(_("Check these documents first: %(docs)s.") % {"docs": labels}, missing=missing)
    identity = (agent_identity_record(actor=actor, doc_type=agent.doc_type, number=agent.number, name=agent.name,
                                      address=agent.address) if agent else None)
    return checked, identity
