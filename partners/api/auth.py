"""Partner API authentication: `Authorization: PartnerKey <key>`. Only the partner API accepts it, and
the partner API accepts nothing else (no staff token, no session), so the two never mix. Every call is
rate-limited per key and audited with the partner's interface number."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from boss.client_ip import client_ip
from boss.logging import security_log
from boss.tariffs import tariff
from partners.models import PartnerKey
from partners.services.keys import partner_key_check, partner_key_refusal_record


class PartnerPrincipal:
    """`request.user` of a partner call: the partner behind the key, never a staff user."""

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    hall_id = None

    def __init__(self, key: PartnerKey):
        self.key = key
        self.partner = key.partner
        self.username = f"partner:{key.partner.interface_number}"

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def has_perms(self, perms, obj=None) -> bool:
        return False


class PartnerKeyAuthentication(authentication.BaseAuthentication):
    keyword = "PartnerKey"

    def authenticate(self, request):
        try:
            header = authentication.get_authorization_header(request).split()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid partner key header.")) from None
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid partner key header."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid partner key header.")) from None
        check = partner_key_check(raw=raw, client_ip=client_ip(request))
        key = check.key
        if key is None:
            partner_key_refusal_record(actor=None, check=check, method=request.method, path=request.path)
            security_log.warning("partner key refused: prefix=%s path=%s", raw.split("_")[1][:8] if raw.count("_") >= 2
                                 else "-", request.path)
            raise exceptions.AuthenticationFailed(_("The partner key is not valid, revoked or expired, or not "
                                                    "allowed from this address."))
        return PartnerPrincipal(key), key

    def authenticate_header(self, request):
        return self.keyword


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "partners.api.auth.PartnerKeyAuthentication"
    name = "PartnerKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`PartnerKey <key>`: a partner's API key (issued on the partner screen)."}


def HasScope(scope: str) -> type[permissions.BasePermission]:  # noqa: N802 (a class factory, read as a class)
    class _HasScope(permissions.BasePermission):
        message = _("This partner key is not allowed to call this interface.")

        def has_permission(self, request, view):
            key = request.auth
            return isinstance(key, PartnerKey) and scope in key.scopes

    _HasScope.__name__ = "HasScope_" + scope.replace(".", "_")
    return _HasScope


class PartnerKeyThrottle(throttling.SimpleRateThrottle):
    scope = "partner"

    def get_rate(self):
        return f"{tariff('partner.api_calls_per_minute')}/min"

    def get_cache_key(self, request, view):
        key = request.auth
        return f"throttle_partner_{key.prefix}" if isinstance(key, PartnerKey) else None
