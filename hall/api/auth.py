"""Device API authentication: `Authorization: Device <secret>`, the secret of a hall's ticket machine or display
(the same secret as its address, shown to the store manager on 取号机和显示屏 and revoked there at once).

Only the device API accepts it, and the device API accepts nothing else (no staff token, no session): a device
is not a person and a person's token is no device. Each device is rate-limited (`queue.device_api_calls_per_minute`)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from boss.logging import security_log
from boss.tariffs import tariff
from hall.models import HallDevice
from hall.services.devices import hall_device_authenticate


class DevicePrincipal:
    """`request.user` of a device call: the device, never a staff user (it holds no permission)."""

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None

    def __init__(self, device: HallDevice):
        self.device = device
        self.hall_id = device.hall_id
        self.username = f"device:{device.pk}"

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def has_perms(self, perms, obj=None) -> bool:
        return False


class DeviceAuthentication(authentication.BaseAuthentication):
    keyword = "Device"

    def authenticate(self, request):
        try:
            header = authentication.get_authorization_header(request).split()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("This ticket machine or display is not known or has been "
                                                    "switched off.")) from None
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        device = None
        if len(header) == 2:
            try:
                device = hall_device_authenticate(token=header[1].decode("ascii"))
            except UnicodeError:
                device = None
        if device is None:
            security_log.warning("device secret refused: path=%s", request.path)
            raise exceptions.AuthenticationFailed(_("This ticket machine or display is not known or has been "
                                                    "switched off."))
        return DevicePrincipal(device), device

    def authenticate_header(self, request):
        return self.keyword


class DeviceScheme(OpenApiAuthenticationExtension):
    target_class = "hall.api.auth.DeviceAuthentication"
    name = "Device"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Device <secret>`: a hall device's secret (the store manager's 取号机和显示屏 "
                               "screen shows it in the device's address)."}


def IsDevice(kind: str) -> type[permissions.BasePermission]:  # noqa: N802 (a class factory, read as a class)
    """Only a device of this kind (a display may not take tickets, a ticket machine has no board)."""

    class _IsDevice(permissions.BasePermission):
        message = _("This device may not call this interface.")

        def has_permission(self, request, view):
            device = request.auth
            return isinstance(device, HallDevice) and device.kind == kind

    _IsDevice.__name__ = "IsDevice_" + kind
    return _IsDevice


class AnyDevice(permissions.BasePermission):
    message = _("This device may not call this interface.")

    def has_permission(self, request, view):
        return isinstance(request.auth, HallDevice)


class DeviceThrottle(throttling.SimpleRateThrottle):
    scope = "hall_device"

    def get_rate(self):
        return f"{tariff('queue.device_api_calls_per_minute')}/min"

    def get_cache_key(self, request, view):
        device = request.auth
        return f"throttle_hall_device_{device.pk}" if isinstance(device, HallDevice) else None
