"""The API side of idempotency keys: the `Idempotency-Key` header, the replay marker header."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from boss.idempotency import idempotent


def idempotency_parameter(*, required: bool) -> OpenApiParameter:
    return OpenApiParameter(
        "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=required,
        description="A UUID of the caller's: a repeat with the same body returns the first response; the same key "
                    "with another body is refused with 409 idempotency_key_reused.")


def api_idempotent(request, *, scope: str, params: dict, run, required: bool = True) -> Response:
    """Run `run() -> (status, body)` once per Idempotency-Key; replays carry `Idempotent-Replayed: true`
    (set by boss.middleware.RequestIdMiddleware for every idempotent call, this one or a view's own).
    Without a key: refused when `required`, else run as it is."""
    key = request.headers.get("Idempotency-Key")
    if not key and not required:
        status, body = run()
        return Response(body, status=status)
    result = idempotent(actor=request.user, key=key, scope=scope, params=params, run=run)
    return Response(result.body, status=result.status_code)
