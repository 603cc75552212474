"""Billing's API: ledger accounts, bills and itemised bills, amount due, plan corrections, bill runs, bank
collection, arrears, refunds (process 6) and points. Each view calls the same service or selector as the
screen; errors go through the kernel's handler ({"code", "message", "params"}).
"""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.filtersets import (
    ArrearsCaseFilterSet,
    BankCollectionBatchFilterSet,
    BillFilterSet,
    LedgerAccountFilterSet,
    RefundCaseFilterSet,
)
from billing.models import (
    ArrearsCase,
    BankCollectionBatch,
    BankCollectionItem,
    Bill,
    BillAdjustment,
    BillRun,
    Document,
    LedgerAccount,
)
from billing.selectors import (
    account_amount_due,
    bill_list_for_actor,
    itemised_bill,
    ledger_account_list_for_actor,
    line_get_for_billing,
    points_summary,
    refund_get_for_actor,
    refund_list_for_actor,
)
from billing.services.adjustments import bill_adjustment_decide, bill_adjustment_request
from billing.services.bank_collection import (
    bank_collection_create,
    bank_collection_export,
    bank_collection_result_import,
)
from billing.services.bill_run import bill_run_report, bill_run_start
from billing.services.itemised import itemised_bill_pdf, itemised_bill_print
from billing.services.rating import line_plan_correct
from billing.services.refunds import (
    DOCUMENTS,
    refund_decide,
    refund_form_pdf,
    refund_form_print,
    refund_pay,
    refund_request,
)
from billing.templatetags.billing_tags import item_label
from boss.errors import InvalidInputError, NotFound
from boss.idempotency import idempotent
from boss.masking import mask, name_for
from boss.money import ZERO
from boss.pdf import pdf_response
from boss.permissions import RequiresPerm
from customers.models import Account

MONEY_FIELD = {"max_digits": 12, "decimal_places": 2, "coerce_to_string": True}
IDEMPOTENCY_REQUIRED = OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=True,
                                        description="A retried call with the same key replays the first answer.")
PDF = OpenApiResponse(description="application/pdf")


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-10"})
class MonthField(serializers.Field):
    """A month as "YYYY-MM"."""

    def to_internal_value(self, data):
        from django import forms

        from billing.forms import MonthField as FormMonthField

        try:
            value = FormMonthField().clean(str(data))
        except forms.ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        if value is None:
            raise serializers.ValidationError(_("Enter a month as YYYY-MM."))
        return value

    def to_representation(self, value):
        return f"{value:%Y-%m}"


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _month(value: str):
    try:
        return MonthField().to_internal_value(value)
    except serializers.ValidationError as exc:
        raise InvalidInputError(_("Enter a month as YYYY-MM."), field="period") from exc


# --------------------------------------------------------------------------------------------------
# Ledger accounts
# --------------------------------------------------------------------------------------------------


class LedgerAccountListApi(generics.ListAPIView):
    """Ledger accounts with their balance (the same filters as the screen)."""

    permission_classes = [RequiresPerm("billing.view_ledgeraccount")]
    filter_backends = [DjangoFilterBackend]
    filterset_class = LedgerAccountFilterSet

    class OutputSerializer(serializers.ModelSerializer):
        hall = serializers.CharField(source="hall.code", allow_null=True, default=None)
        balance = serializers.SerializerMethodField()

        class Meta:
            model = LedgerAccount
            fields = ["id", "code", "kind", "subtype", "hall", "balance"]

        def get_balance(self, account) -> str:
            return f"{account.normal(account.signed_sum or ZERO):.2f}"

    serializer_class = OutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return LedgerAccount.objects.none()
        return ledger_account_list_for_actor(actor=self.request.user).order_by("code")


# --------------------------------------------------------------------------------------------------
# Bills, itemised bills, amount due, plan corrections
# --------------------------------------------------------------------------------------------------


class BillSummaryOutput(serializers.Serializer):
    number = serializers.CharField()
    msisdn = serializers.CharField(source="line.msisdn")
    period = MonthField()
    plan = serializers.CharField(source="plan.code")
    total = serializers.DecimalField(**MONEY_FIELD)
    charged_in_advance = serializers.DecimalField(**MONEY_FIELD)
    huge = serializers.BooleanField()
    history_average = serializers.DecimalField(**MONEY_FIELD, allow_null=True)
    paid = serializers.SerializerMethodField()

    def get_paid(self, bill) -> bool:
        return hasattr(bill, "settlement")


class BillListApi(generics.ListAPIView):
    """`GET /api/v1/bills?msisdn=&period=YYYY-MM&huge=true`: bills (the screen's filters)."""

    permission_classes = [RequiresPerm("billing.view_bill")]
    filter_backends = [DjangoFilterBackend]
    filterset_class = BillFilterSet
    serializer_class = BillSummaryOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            from billing.models import Bill

            return Bill.objects.none()
        return bill_list_for_actor(actor=self.request.user)


class ItemisedBillApi(APIView):
    """`GET /api/v1/lines/{msisdn}/bills/{period}?page=`: the itemised bill of a line for a month (the bill,
    or the charges so far before the bill run) with its records, 200 a page."""

    permission_classes = [RequiresPerm("billing.view_bill")]

    class ItemOutput(serializers.Serializer):
        fee_type = serializers.CharField()
        label = serializers.SerializerMethodField()
        days = serializers.IntegerField(allow_null=True)
        quantity = serializers.IntegerField(allow_null=True)
        amount = serializers.DecimalField(**MONEY_FIELD)

        def get_label(self, item) -> str:
            return item_label(item)

    class RecordOutput(serializers.Serializer):
        record_id = serializers.CharField()
        started_at = serializers.DateTimeField()
        kind = serializers.CharField()
        direction = serializers.CharField()
        other_party = serializers.SerializerMethodField()
        duration_seconds = serializers.IntegerField()
        volume_kb = serializers.IntegerField()
        roaming = serializers.BooleanField()
        long_distance = serializers.BooleanField()
        rating = serializers.SerializerMethodField()

        def get_other_party(self, record) -> str:
            from boss.masking import mask_msisdn

            return mask_msisdn(record.other_party) if record.other_party else ""

        def get_rating(self, record) -> dict | None:
            from billing.templatetags.billing_tags import rating_of

            r = rating_of(record)
            if r is None:
                return None
            return {"fee_type": r.fee_type, "units": r.units, "included_units": r.included_units,
                    "charged_units": r.charged_units, "rate": str(r.rate), "charge": _money(r.charge)}

    @extend_schema(responses={200: OpenApiResponse(description="the itemised bill")})
    def get(self, request, msisdn: str, period: str):
        line = line_get_for_billing(actor=request.user, msisdn=msisdn)
        it = itemised_bill(line=line, period=_month(period))
        page = Paginator(it.records, 200).get_page(request.query_params.get("page"))
        return Response({
            "msisdn": line.msisdn, "period": f"{it.period:%Y-%m}", "billed": it.billed,
            "bill": BillSummaryOutput(it.bill).data if it.bill else None,
            "items": self.ItemOutput(it.items, many=True).data, "total": _money(it.total),
            "records": {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages,
                        "results": self.RecordOutput(page.object_list, many=True).data},
        })


class ItemisedBillPrintApi(APIView):
    """`POST /api/v1/lines/{msisdn}/bills/{period}/print`: the itemised bill as a PDF (audited)."""

    permission_classes = [RequiresPerm("billing.print_itemised_bill")]

    @extend_schema(request=None, responses={200: PDF})
    def post(self, request, msisdn: str, period: str):
        line = line_get_for_billing(actor=request.user, msisdn=msisdn)
        month = _month(period)
        itemised_bill_print(actor=request.user, line=line, period=month)
        return pdf_response(itemised_bill_pdf(line=line, period=month), f"qingdan-{line.msisdn}-{month:%Y%m}.pdf")


class PlanCorrectionApi(APIView):
    """`POST /api/v1/lines/{msisdn}/plan-correction`: the plan of a month not billed yet; re-rates it."""

    permission_classes = [RequiresPerm("billing.correct_plan")]

    class InputSerializer(serializers.Serializer):
        period = MonthField()
        plan_code = serializers.CharField(max_length=30)
        reason = serializers.CharField(max_length=200)

    @extend_schema(request=InputSerializer, responses={200: OpenApiResponse(description="the correction")})
    def post(self, request, msisdn: str):
        from catalog.models import Plan

        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = line_get_for_billing(actor=request.user, msisdn=msisdn)
        plan = Plan.objects.filter(code=data.validated_data["plan_code"]).first()
        if plan is None:
            raise InvalidInputError(_("No plan has this code."), field="plan_code")
        row = line_plan_correct(actor=request.user, line=line, plan=plan, period=data.validated_data["period"],
                                reason=data.validated_data["reason"])
        return Response({"msisdn": line.msisdn, "period": f"{row.since:%Y-%m}", "plan_code": plan.code})


class AmountDueApi(APIView):
    """`GET /api/v1/accounts/{id}/amount-due`: arrears oldest first (unpaid bills), then the months not
    billed yet (current charges)."""

    permission_classes = [RequiresPerm("billing.view_bill")]

    @extend_schema(responses={200: OpenApiResponse(description="items and total")})
    def get(self, request, pk: int):
        account = get_object_or_404(Account, pk=pk)
        items = account_amount_due(account)
        return Response({
            "account_id": account.pk,
            "items": [{"kind": i.kind, "period": f"{i.period:%Y-%m}" if i.period else None,
                       "amount": _money(i.amount), "bill_id": i.bill_id} for i in items],
            "total": _money(sum((i.amount for i in items), ZERO)),
        })


# --------------------------------------------------------------------------------------------------
# Bill runs
# --------------------------------------------------------------------------------------------------


def _report(run: BillRun) -> dict:
    report = bill_run_report(run)
    return {"period": f"{run.period:%Y-%m}", "status": run.status, "passes": run.passes, "progress": report.progress,
            "chunks": {"total": report.chunks_total, "done": report.chunks_done, "failed": report.chunks_failed},
            "lines_in_run": report.lines_in_run, "bills": report.bills, "total": _money(report.total),
            "by_fee_type": [{"fee_type": label, "amount": _money(amount)} for label, amount in report.by_fee_type],
            "huge_bills": report.huge_bills, "errors": report.errors,
            "started_at": run.started_at, "finished_at": run.finished_at}


class BillRunCollectionApi(APIView):
    """`GET /api/v1/bill-runs`: the runs; `POST` `{period}` starts or resumes a month's run (202)."""

    def get_permissions(self):
        perm = "billing.start_billrun" if self.request.method == "POST" else "billing.view_billrun"
        return [RequiresPerm(perm)()]

    class InputSerializer(serializers.Serializer):
        period = MonthField()

    @extend_schema(operation_id="v1_bill_runs_list", responses={200: OpenApiResponse(description="runs")})
    def get(self, request):
        return Response([{"period": f"{r.period:%Y-%m}", "status": r.status, "passes": r.passes,
                          "started_at": r.started_at, "finished_at": r.finished_at}
                         for r in BillRun.objects.all()[:36]])

    @extend_schema(request=InputSerializer, responses={202: OpenApiResponse(description="the run's report")})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = bill_run_start(actor=request.user, period=data.validated_data["period"])
        return Response(_report(run), status=202)


class BillRunDetailApi(APIView):
    """`GET /api/v1/bill-runs/{period}`: the run's report (lines billed, total, per fee type, errors)."""

    permission_classes = [RequiresPerm("billing.view_billrun")]

    @extend_schema(responses={200: OpenApiResponse(description="the run's report")})
    def get(self, request, period: str):
        run = get_object_or_404(BillRun, period=_month(period))
        return Response(_report(run))


# --------------------------------------------------------------------------------------------------
# Bank collection and arrears
# --------------------------------------------------------------------------------------------------


class BatchOutput(serializers.Serializer):
    id = serializers.IntegerField()
    period = MonthField()
    bank_code = serializers.CharField()
    status = serializers.CharField()
    item_count = serializers.IntegerField()
    total = serializers.DecimalField(**MONEY_FIELD)


class BankCollectionCollectionApi(generics.ListAPIView):
    """`GET /api/v1/bank-collections?period=&bank_code=`; `POST {period}` makes the month's batches."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = BankCollectionBatchFilterSet
    serializer_class = BatchOutput

    class InputSerializer(serializers.Serializer):
        period = MonthField()

    def get_permissions(self):
        perm = "billing.manage_bank_collection" if self.request.method == "POST" else "billing.view_bankcollectionbatch"
        return [RequiresPerm(perm)()]

    def get_queryset(self):
        return BankCollectionBatch.objects.order_by("-period", "bank_code")

    @extend_schema(request=InputSerializer, responses={201: BatchOutput(many=True)})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batches = bank_collection_create(actor=request.user, period=data.validated_data["period"])
        return Response(BatchOutput(batches, many=True).data, status=201)


class BankCollectionFileApi(APIView):
    """`GET /api/v1/bank-collections/{id}/file`: the CSV for the bank (audited)."""

    permission_classes = [RequiresPerm("billing.manage_bank_collection")]

    @extend_schema(responses={200: OpenApiResponse(description="text/csv")})
    def get(self, request, pk: int):
        batch = get_object_or_404(BankCollectionBatch, pk=pk)
        response = HttpResponse(bank_collection_export(actor=request.user, batch=batch),
                                content_type="text/csv; charset=utf-8")
        response["Cache-Control"] = "no-store"
        return response


class BankCollectionResultApi(APIView):
    """`POST /api/v1/bank-collections/{id}/result` `{text}`: the bank's result file (see its format)."""

    permission_classes = [RequiresPerm("billing.manage_bank_collection")]

    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=20 * 1024 * 1024, trim_whitespace=False)

    @extend_schema(request=InputSerializer, responses={200: OpenApiResponse(description="what was posted")})
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = get_object_or_404(BankCollectionBatch, pk=pk)
        result = bank_collection_result_import(actor=request.user, batch=batch, text=data.validated_data["text"])
        return Response({"paid": result.paid, "rejected": result.rejected, "duplicates": result.duplicates,
                         "paid_total": _money(result.paid_total), "errors": result.errors})


class ArrearsListApi(generics.ListAPIView):
    """`GET /api/v1/arrears?status=reminded|suspended|closed`."""

    permission_classes = [RequiresPerm("billing.view_arrearscase")]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ArrearsCaseFilterSet

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        account_id = serializers.IntegerField()
        status = serializers.CharField()
        balance_at_reminder = serializers.DecimalField(**MONEY_FIELD)
        reminded_at = serializers.DateTimeField()
        suspend_after = serializers.DateTimeField()
        suspended_at = serializers.DateTimeField(allow_null=True)
        suspended_lines = serializers.ListField(child=serializers.CharField())
        closed_at = serializers.DateTimeField(allow_null=True)
        close_reason = serializers.CharField()

    serializer_class = OutputSerializer

    def get_queryset(self):
        return ArrearsCase.objects.order_by("-reminded_at", "-pk")


# --------------------------------------------------------------------------------------------------
# Refunds (process 6)
# --------------------------------------------------------------------------------------------------


class RefundOutput(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    account_id = serializers.IntegerField()
    msisdn = serializers.CharField(source="line.msisdn", default=None)
    complaint = serializers.CharField(source="complaint_number", default=None)
    collection = serializers.SerializerMethodField()
    customer = serializers.SerializerMethodField()
    bank_account = serializers.SerializerMethodField()
    requested_at = serializers.DateTimeField()
    over_deducted = serializers.DecimalField(**MONEY_FIELD, allow_null=True)
    approved_amount = serializers.DecimalField(**MONEY_FIELD, allow_null=True)
    decided_by = serializers.CharField(source="decided_by.username", default=None)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()
    method = serializers.CharField()
    paid_amount = serializers.DecimalField(**MONEY_FIELD, allow_null=True)
    paid_by = serializers.CharField(source="paid_by.username", default=None)
    paid_at = serializers.DateTimeField(allow_null=True)
    points_taken = serializers.IntegerField()

    def get_collection(self, case) -> dict | None:
        item = case.collection_item
        if item is None:
            return None
        return {"item": str(item), "period": f"{item.period:%Y-%m}", "asked": _money(item.amount),
                "collected": _money(item.paid_amount)}

    def get_customer(self, case) -> str:
        request = self.context.get("request")
        return name_for(request.user if request is not None else None, case.account.customer.name)

    def get_bank_account(self, case) -> str:
        return mask(case.account.bank_account_number)


class RefundCollectionApi(generics.ListAPIView):
    """`GET /api/v1/refunds?status=&number=&complaint=&msisdn=` (the hotline reads a complaint's result
    here); `POST {msisdn, description}` opens a case."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = RefundCaseFilterSet
    serializer_class = RefundOutput

    class InputSerializer(serializers.Serializer):
        msisdn = serializers.RegexField(r"^1\d{10}$")
        description = serializers.CharField(max_length=500)

    def get_permissions(self):
        perm = "billing.request_refund" if self.request.method == "POST" else "billing.view_refundcase"
        return [RequiresPerm(perm)()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            from billing.models import RefundCase

            return RefundCase.objects.none()
        return refund_list_for_actor(actor=self.request.user).order_by("-requested_at", "-pk")

    @extend_schema(request=InputSerializer, responses={201: RefundOutput})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = line_get_for_billing(actor=request.user, msisdn=data.validated_data["msisdn"])
        case = refund_request(actor=request.user, account=line.account, line=line,
                              description=data.validated_data["description"])
        case = refund_get_for_actor(actor=request.user, pk=case.pk)
        return Response(RefundOutput(case, context={"request": request}).data, status=201)


class RefundDetailApi(APIView):
    """`GET /api/v1/refunds/{number}`."""

    permission_classes = [RequiresPerm("billing.view_refundcase")]

    @extend_schema(responses={200: RefundOutput})
    def get(self, request, number: str):
        case = refund_get_for_actor(actor=request.user, number=number)
        return Response(RefundOutput(case, context={"request": request}).data)


class RefundDecisionApi(APIView):
    """`POST /api/v1/refunds/{number}/decision`: the account room approves (amount ≤ over-deducted) or
    rejects (note = the reason)."""

    permission_classes = [RequiresPerm("billing.decide_refund")]

    class InputSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(choices=["approve", "reject"])
        collection_item = serializers.CharField(max_length=20, required=False, default="",
                                                help_text="e.g. BC00000012; default: the case's")
        over_deducted = serializers.DecimalField(max_digits=12, decimal_places=2)
        amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True,
                                          default=None)
        note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)

    @extend_schema(request=InputSerializer, responses={200: RefundOutput})
    def post(self, request, number: str):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        case = refund_get_for_actor(actor=request.user, number=number)
        item = None
        if values["collection_item"]:
            code = values["collection_item"].upper()
            item = (BankCollectionItem.objects.filter(pk=int(code[2:])).first()
                    if code.startswith("BC") and code[2:].isdigit() else None)
            if item is None:
                raise InvalidInputError(_("No bank collection has this number."), field="collection_item")
        refund_decide(actor=request.user, case=case, approve=values["decision"] == "approve",
                      over_deducted=values["over_deducted"], amount=values["amount"], note=values["note"],
                      collection_item=item)
        case = refund_get_for_actor(actor=request.user, pk=case.pk)
        return Response(RefundOutput(case, context={"request": request}).data)


class RefundFormApi(APIView):
    """`POST /api/v1/refunds/{number}/form`: print the cash refund form (PDF; later prints are copies)."""

    permission_classes = [RequiresPerm("billing.pay_refund")]

    @extend_schema(request=None, responses={200: PDF})
    def post(self, request, number: str):
        case = refund_get_for_actor(actor=request.user, number=number)
        copy = refund_form_print(actor=request.user, case=case)
        case.refresh_from_db()
        return pdf_response(refund_form_pdf(case=case, copy=copy), f"tuifei-{case.number}.pdf")


class RefundPaymentApi(APIView):
    """`POST /api/v1/refunds/{number}/payment` `{amount, documents}` (Idempotency-Key required): pay an
    approved refund; never by its approver, never above the approved amount."""

    permission_classes = [RequiresPerm("billing.pay_refund")]

    class InputSerializer(serializers.Serializer):
        amount = serializers.DecimalField(max_digits=12, decimal_places=2)
        documents = serializers.ListField(child=serializers.ChoiceField(choices=list(DOCUMENTS)), required=False,
                                          default=list)

    @extend_schema(request=InputSerializer, responses={200: RefundOutput}, parameters=[IDEMPOTENCY_REQUIRED])
    def post(self, request, number: str):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = refund_get_for_actor(actor=request.user, number=number)
        values = data.validated_data

        def run():
            paid = refund_pay(actor=request.user, case=case, amount=values["amount"], documents=values["documents"])
            paid = refund_get_for_actor(actor=request.user, pk=paid.pk)
            return 200, RefundOutput(paid, context={"request": request}).data

        result = idempotent(actor=request.user, key=request.headers.get("Idempotency-Key"), scope="billing.refund_pay",
                            params={"case": case.pk, "amount": str(values["amount"]),
                                    "documents": sorted(values["documents"])}, run=run)
        return Response(result.body, status=result.status_code)


# --------------------------------------------------------------------------------------------------
# Points
# --------------------------------------------------------------------------------------------------


class CustomerPointsApi(APIView):
    """`GET /api/v1/customers/{id}/points`: balance, lots with expiry, the latest changes."""

    permission_classes = [RequiresPerm("billing.view_pointslot")]

    @extend_schema(responses={200: OpenApiResponse(description="points")})
    def get(self, request, pk: int):
        from customers.selectors import customer_get_for_actor

        customer = customer_get_for_actor(actor=request.user, pk=pk)
        s = points_summary(customer=customer)
        return Response({
            "customer_id": customer.pk, "balance": s.balance, "expiring_within_three_months": s.expiring_soon,
            "lots": [{"earned_on": lot.earned_on, "points": lot.points, "remaining": lot.remaining,
                      "expires_on": lot.expires_on, "bill": lot.bill.number if lot.bill else None} for lot in s.lots],
            "entries": [{"at": e.created_at, "kind": e.kind, "points": e.delta, "reference": e.reference}
                        for e in s.entries],
        })


# --------------------------------------------------------------------------------------------------
# Bill adjustments (调帐)
# --------------------------------------------------------------------------------------------------


class BillAdjustmentOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    bill = serializers.IntegerField(source="bill_id")
    msisdn = serializers.CharField(source="bill.line.msisdn")
    period = serializers.SerializerMethodField()
    kind = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    reason = serializers.CharField()
    status = serializers.CharField()
    decision_note = serializers.CharField()
    ledger_transaction = serializers.IntegerField(source="ledger_transaction_id", allow_null=True)
    red_letters = serializers.SerializerMethodField()

    def get_period(self, obj) -> str:
        return f"{obj.bill.period:%Y-%m}"

    def get_red_letters(self, obj) -> list[str]:
        if obj.status != "approved":
            return []
        return [d.display_number for d in Document.objects.filter(reference=obj.reference).select_related("hall")]


def _adjustment(pk: int):
    found = BillAdjustment.objects.select_related("bill__line").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such bill adjustment."))
    return found


class BillAdjustmentRequestApi(APIView):
    """`POST /api/v1/bills/{id}/adjustments`: ask for a credit or debit on a billed month (another
    account-room clerk approves it)."""

    permission_classes = [RequiresPerm("billing.request_billadjustment")]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=["credit", "debit"])
        amount = serializers.CharField(max_length=20)
        reason = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)

    @extend_schema(request=InputSerializer, responses={201: BillAdjustmentOutput})
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bill = Bill.objects.filter(pk=pk).first()
        if bill is None:
            raise NotFound(_("No such bill."))
        line_get_for_billing(actor=request.user, line_id=bill.line_id)
        made = bill_adjustment_request(actor=request.user, bill=bill, **data.validated_data)
        return Response(BillAdjustmentOutput(_adjustment(made.pk)).data, status=201)


class BillAdjustmentDecisionApi(APIView):
    """`POST /api/v1/bill-adjustments/{id}/decision`: another account-room clerk approves (posted, red-letters
    where a credit was invoiced) or rejects (note = the reason). The requester is refused (403 four_eyes)."""

    permission_classes = [RequiresPerm("billing.approve_billadjustment")]

    class InputSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(choices=["approve", "reject"])
        note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)

    @extend_schema(request=InputSerializer, responses={200: BillAdjustmentOutput})
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bill_adjustment_decide(actor=request.user, adjustment=_adjustment(pk),
                               approve=data.validated_data["decision"] == "approve", note=data.validated_data["note"])
        return Response(BillAdjustmentOutput(_adjustment(pk)).data)
