"""The complaint API for the hotline system, the web portal and departments' own systems: intake,
status, and every step of the work order. Each view calls the same service as the screen.

Filing a complaint needs an `Idempotency-Key` (a retried call never files two complaints); the step
calls accept one too and then replay their first answer, and without one a repeated step is refused
by the work order's state (409 complaint_state), never done twice.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from boss.errors import InvalidInputError
from boss.idempotency import idempotent
from boss.models import Department
from boss.permissions import RequiresPerm
from complaints.api.serializers import ArticleOutput, ComplaintOutput, ComplaintSummaryOutput
from complaints.filtersets import ComplaintFilterSet
from complaints.models import Article, Complaint, ComplaintCategory, ComplaintStep
from complaints.selectors import article_search, complaint_get_for_actor, complaint_list_for_actor
from complaints.services import (
    complaint_accept,
    complaint_callback,
    complaint_dispatch,
    complaint_open,
    complaint_pass_down,
    complaint_redispatch,
    complaint_reply,
    complaint_return,
)
from customers.models import Customer
from customers.selectors import customers_visible

IDEMPOTENCY_HEADER = OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                                      description="A retried call with the same key replays the first answer.")


def _full(complaint: Complaint) -> Complaint:
    steps = ComplaintStep.objects.select_related("department", "closed_by").order_by("opened_at", "id")
    return (Complaint.objects.select_related("category", "department", "line")
            .prefetch_related(Prefetch("steps", queryset=steps)).get(pk=complaint.pk))


def _department(*, kinds, required=True, **kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.filter(kind__in=kinds),
                                        required=required, allow_null=not required, **kwargs)


class ComplaintCollectionApi(generics.ListAPIView):
    """`GET /api/v1/complaints` lists the complaints the caller may see (the screen's filters);
    `POST /api/v1/complaints` files one (Idempotency-Key required)."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = ComplaintFilterSet
    serializer_class = ComplaintSummaryOutput

    class InputSerializer(serializers.Serializer):
        channel = serializers.ChoiceField(choices=Complaint.Channel.choices)
        category = serializers.SlugRelatedField(slug_field="code", queryset=ComplaintCategory.objects.all())
        description = serializers.CharField(max_length=4000)
        severity = serializers.ChoiceField(choices=Complaint.Severity.choices, default=Complaint.Severity.NORMAL)
        msisdn = serializers.RegexField(r"^1\d{10}$", required=False, default="")
        customer_id = serializers.IntegerField(required=False, allow_null=True, default=None)
        order_reference = serializers.CharField(max_length=40, required=False, default="")
        caller_name = serializers.CharField(max_length=100, required=False, default="")
        contact_phone = serializers.RegexField(r"^[0-9+\- ]{5,20}$", required=False, default="")
        disputed_on = serializers.DateField(required=False, allow_null=True, default=None)
        solved_on_the_spot = serializers.BooleanField(required=False, default=False)
        answer = serializers.CharField(max_length=4000, required=False, default="", allow_blank=True)

    def get_permissions(self):
        perm = "complaints.file_complaint" if self.request.method == "POST" else "complaints.view_complaint"
        return [RequiresPerm(perm)()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Complaint.objects.none()
        return complaint_list_for_actor(actor=self.request.user)

    @extend_schema(request=InputSerializer, responses={201: ComplaintOutput},
                   parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=True)])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        customer, customer_id = None, values.pop("customer_id")
        if customer_id is not None:
            customer = customers_visible(Customer.objects.filter(pk=customer_id), actor=request.user).first()
            if customer is None:
                raise InvalidInputError(_("No customer has this id."), field="customer_id")

        def run():
            complaint = complaint_open(actor=request.user, customer=customer, **values)
            return 201, ComplaintOutput(_full(complaint)).data

        result = idempotent(actor=request.user, key=request.headers.get("Idempotency-Key"), scope="complaints.open",
                            params=_fingerprint(data.validated_data), run=run)
        return Response(result.body, status=result.status_code)


def _fingerprint(validated: dict) -> dict:
    return {k: getattr(v, "pk", v) for k, v in validated.items()}


class ComplaintDetailApi(APIView):
    """`GET /api/v1/complaints/{number}`: the status and the whole timeline."""

    permission_classes = [RequiresPerm("complaints.view_complaint")]

    @extend_schema(responses={200: ComplaintOutput})
    def get(self, request, number: str):
        complaint = complaint_get_for_actor(actor=request.user, number=number)
        return Response(ComplaintOutput(_full(complaint)).data)


class _StepApi(APIView):
    """One step of the work order: validate, find the complaint in the caller's scope, call the service."""

    scope = ""

    class InputSerializer(serializers.Serializer):
        pass

    def call(self, *, actor, complaint, data):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def post(self, request, number: str):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = complaint_get_for_actor(actor=request.user, number=number)

        def run():
            done = self.call(actor=request.user, complaint=complaint, data=data.validated_data)
            return 200, ComplaintOutput(_full(done)).data

        key = request.headers.get("Idempotency-Key")
        if not key:
            status, body = run()
            return Response(body, status=status)
        result = idempotent(actor=request.user, key=key, scope=f"complaints.{self.scope}",
                            params={"complaint": complaint.pk, **_fingerprint(data.validated_data)}, run=run)
        return Response(result.body, status=result.status_code)


def _step_schema(view_cls):
    return extend_schema(request=view_cls.InputSerializer, responses={200: ComplaintOutput},
                         parameters=[IDEMPOTENCY_HEADER])(view_cls)


_HANDLING = (Department.Kind.COMPLAINT, Department.Kind.DISTRICT)


@_step_schema
class ComplaintDispatchApi(_StepApi):
    """`POST /api/v1/complaints/{number}/dispatch`: classify and send to a department (reviewers)."""

    permission_classes = [RequiresPerm("complaints.review_complaint")]
    scope = "dispatch"

    class InputSerializer(serializers.Serializer):
        department = _department(kinds=(Department.Kind.COMPLAINT,))
        category = serializers.SlugRelatedField(slug_field="code", queryset=ComplaintCategory.objects.all(),
                                                required=False, allow_null=True, default=None)
        severity = serializers.ChoiceField(choices=Complaint.Severity.choices, required=False, allow_null=True,
                                           default=None)
        note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)

    def call(self, *, actor, complaint, data):
        return complaint_dispatch(actor=actor, complaint=complaint, **data)


@_step_schema
class ComplaintPassDownApi(_StepApi):
    """`POST /api/v1/complaints/{number}/pass-down`: a department passes it to a district unit."""

    permission_classes = [RequiresPerm("complaints.handle_complaint")]
    scope = "pass_down"

    class InputSerializer(serializers.Serializer):
        unit = _department(kinds=(Department.Kind.DISTRICT,))
        note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)

    def call(self, *, actor, complaint, data):
        return complaint_pass_down(actor=actor, complaint=complaint, **data)


@_step_schema
class ComplaintReturnApi(_StepApi):
    """`POST /api/v1/complaints/{number}/return`: refuse or withdraw it (退单) to branch customer service."""

    permission_classes = [RequiresPerm("complaints.handle_complaint")]
    scope = "return"

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=2000)

    def call(self, *, actor, complaint, data):
        return complaint_return(actor=actor, complaint=complaint, **data)


@_step_schema
class ComplaintReplyApi(_StepApi):
    """`POST /api/v1/complaints/{number}/reply`: the department's reply (回单)."""

    permission_classes = [RequiresPerm("complaints.handle_complaint")]
    scope = "reply"

    class InputSerializer(serializers.Serializer):
        reply = serializers.CharField(max_length=8000)
        template_article = serializers.PrimaryKeyRelatedField(
            queryset=Article.objects.filter(kind=Article.Kind.ANSWER_TEMPLATE), required=False, allow_null=True,
            default=None)

    def call(self, *, actor, complaint, data):
        return complaint_reply(actor=actor, complaint=complaint, **data)


@_step_schema
class ComplaintAcceptApi(_StepApi):
    """`POST /api/v1/complaints/{number}/accept`: the reply handled it; the answer given to the customer."""

    permission_classes = [RequiresPerm("complaints.review_complaint")]
    scope = "accept"

    class InputSerializer(serializers.Serializer):
        answer = serializers.CharField(max_length=8000)

    def call(self, *, actor, complaint, data):
        return complaint_accept(actor=actor, complaint=complaint, **data)


@_step_schema
class ComplaintRedispatchApi(_StepApi):
    """`POST /api/v1/complaints/{number}/redispatch`: the reply did not handle it; send it back with the reason."""

    permission_classes = [RequiresPerm("complaints.review_complaint")]
    scope = "redispatch"

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=2000)
        department = _department(kinds=_HANDLING, required=False, default=None)

    def call(self, *, actor, complaint, data):
        return complaint_redispatch(actor=actor, complaint=complaint, **data)


@_step_schema
class ComplaintCallbackApi(_StepApi):
    """`POST /api/v1/complaints/{number}/callback`: the callback (回访) and satisfaction; closes it."""

    permission_classes = [RequiresPerm("complaints.callback_complaint")]
    scope = "callback"

    class InputSerializer(serializers.Serializer):
        satisfaction = serializers.ChoiceField(choices=Complaint.Satisfaction.choices)
        note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)

    def call(self, *, actor, complaint, data):
        return complaint_callback(actor=actor, complaint=complaint, **data)


class ArticleSearchApi(generics.ListAPIView):
    """`GET /api/v1/kb/articles?q=&kind=`: knowledge-base search (valid articles; words anywhere in the text)."""

    permission_classes = [RequiresPerm("complaints.view_article")]
    serializer_class = ArticleOutput

    @extend_schema(parameters=[OpenApiParameter("q", str, description="words, Chinese or not"),
                               OpenApiParameter("kind", str, enum=Article.Kind.values)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Article.objects.none()
        kind = self.request.query_params.get("kind")
        return article_search(query=self.request.query_params.get("q", "")[:60],
                              kind=kind if kind in Article.Kind.values else None)
