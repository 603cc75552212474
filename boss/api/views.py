"""Kernel API: token login and who-am-I."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from boss.errors import DomainError
from boss.logging import security_log
from boss.mfa import mfa_required
from boss.permissions import RequiresPerm


class AuthenticationError(DomainError):
    code, status = "authentication_failed", 400


class MfaTokenError(DomainError):
    code, status = "mfa_required", 403

    def default_message(self):
        return _("Your role needs the second login step for an API token: sign in at the counter, verify with "
                 "your authenticator app, then ask for the token from that session.")


class TokenObtainApi(APIView):
    """`POST /api/v1/auth/token` `{username, password}` → `{token}`. Subject to the same lockout as the
    login screen (5 failures per user name and IP, 15 minutes).

    A token authenticates the API without the second login step (the MFA middleware sees no session on a
    token request), so a user whose role needs MFA (boss.mfa) gets one only from their own session verified
    with the authenticator app: a password alone answers 403 `mfa_required` and issues nothing."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, trim_whitespace=False)

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    def dispatch(self, request, *args, **kwargs):
        # The session's user (with django-otp's is_verified) as the middleware left it: DRF replaces
        # request.user with its own authentication's (none here) before the view runs.
        self.session_user = getattr(request, "user", None)
        return super().dispatch(request, *args, **kwargs)

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer}, auth=[])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, **data.validated_data)
        if getattr(request._request, "axes_locked_out", False):
            return Response(status=status.HTTP_429_TOO_MANY_REQUESTS)  # AxesMiddleware writes the body
        if user is None or not user.is_active or user.is_system:
            raise AuthenticationError(_("User name or password is wrong."))
        if mfa_required(user):
            session_user = self.session_user
            verified = getattr(session_user, "is_verified", None)
            if not (session_user is not None and session_user.pk == user.pk and verified and verified()):
                security_log.info("API token refused without a verified second factor: user=%s", user.username)
                raise MfaTokenError()
        token, _created = Token.objects.get_or_create(user=user)
        return Response(self.OutputSerializer({"token": token.key}).data)


class MeApi(APIView):
    """The authenticated staff user: hall, department, roles and permissions."""

    permission_classes = [RequiresPerm("boss.use_counter")]

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        name = serializers.CharField(source="display_name")
        hall = serializers.CharField(source="hall.code", allow_null=True, default=None)
        department = serializers.CharField(source="department.code", allow_null=True, default=None)
        roles = serializers.SerializerMethodField()
        language = serializers.CharField()

        def get_roles(self, user) -> list[str]:
            return sorted(g.name for g in user.groups.all())

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request):
        return Response(self.OutputSerializer(request.user).data)


__all__ = ["TokenObtainApi", "MeApi", "inline_serializer"]
