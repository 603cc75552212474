"""`Authorization: Customer <token>`: the portal API's own authentication. A staff token never passes here,
and a customer token never passes the staff API (it is not a DRF Token)."""

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from boss.tariffs import tariff
from portal.models import CustomerToken
from portal.services.tokens import customer_token_check

KEYWORD = "Customer"


class CustomerTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace") != KEYWORD:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed()
        record = customer_token_check(header[1].decode(errors="replace"))
        if record is None:
            raise exceptions.AuthenticationFailed()
        if record.customer.kind == record.customer.Kind.ORGANIZATION:
            record.customer.portal_only_line_id = record.line_id   # see portal.selectors._only_line
        return AnonymousUser(), record

    def authenticate_header(self, request):
        return KEYWORD


class IsCustomer(permissions.BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, CustomerToken)


class CustomerThrottle(throttling.SimpleRateThrottle):
    """`portal.api_calls_per_minute` calls per customer (all their tokens together), like the partners' and the
    hall devices' throttles: 429 with Retry-After beyond it."""

    scope = "portal_customer"

    def get_rate(self):
        return f"{tariff('portal.api_calls_per_minute')}/min"

    def allow_request(self, request, view):
        if not tariff("portal.api_calls_per_minute"):
            return True    # 0: no limit
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        record = request.auth
        return f"throttle_portal_customer_{record.customer_id}" if isinstance(record, CustomerToken) else None


class CustomerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.auth.CustomerTokenAuthentication"
    name = "customerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Customer <token>` from POST /api/v1/portal/signin/code"}
