"""A customer who leaves despite retention (process 3.2), for the tests of priority number selection."""

from customers.models import Line
from inventory.models import NumberResource
from orders.services.cancellation import line_cancel
from orders.services.precancel import RetentionInput, line_precancel
from provisioning.services import work_orders_run


def leave(w) -> NumberResource:
    """The `live` world's customer refuses the retention offer, pre-cancels and formally cancels: the line's
    number starts its cool-down."""
    line_precancel(actor=w.manager, line=w.line, documents_checked=["id_original"], agreement_signed=True,
                   retention=RetentionInput(reason="moving", offer="保号套餐", accepted=False))
    work_orders_run()
    line_cancel(actor=w.rep, line=Line.objects.get(pk=w.line.pk), documents_checked=["id_original"],
                agreement_signed=True)
    work_orders_run()
    return NumberResource.objects.get(msisdn=w.line.msisdn)
