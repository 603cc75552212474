"""The web channel as an actor: every change a customer makes on the portal is done by the counter's own
services with this system account as the operator ("网上营业厅", username `web`, cannot log in), so the audit
trail, the orders and the payments all say the business came in by the web."""

from boss.models import Hall, Staff

WEB_USERNAME = "web"


def web_actor(*, hall: Hall | None = None, customer_id: int | None = None) -> Staff:
    """The web channel's account, placed (for this call only, never saved) at `hall`: the hall that holds the
    customer's line, so that its orders and payments are booked where the line is kept. `customer_id`: the
    signed-in customer, whose sign-in stands for the counter's documents of their own business only
    (orders.services.documents.documents_check)."""
    actor, created = Staff.objects.get_or_create(
        username=WEB_USERNAME, defaults={"is_system": True, "first_name": "网上营业厅", "is_active": False})
    if created:
        actor.set_unusable_password()
        actor.save(update_fields=["password"])
    actor.hall = hall
    actor.signed_in_customer_id = customer_id  # type: ignore[attr-defined]
    return actor
