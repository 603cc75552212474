"""The OpenAPI schema: the shared pieces of every operation (errors, the idempotency key, money), and the
naming of nested `InputSerializer`/`OutputSerializer` classes (style.md B4) are named after the
view they belong to, so every component name is unique (`MeApiOutput`, `TokenObtainApiInput` ...)."""

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

# The refusals every operation may answer with the error body (issue 12 item 11): bad input, no or a bad
# token, a missing permission (or the second login step), an object outside the caller's scope, a throttle;
# 409 (a state or a key refused) and 415 (a body neither JSON nor form data) for the operations that change
# something.
ERROR_STATUSES = ("400", "401", "403", "404", "429")
WRITE_ERROR_STATUSES = ("409", "415")


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction="response"):
        """The operation's own answers plus its error answers, each `ErrorOutput` in JSON, so a client generated
        from the schema handles them."""
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        statuses = ERROR_STATUSES + (WRITE_ERROR_STATUSES if self.method not in ("GET", "HEAD", "OPTIONS") else ())
        for status in statuses:
            if status not in responses:
                responses[status] = self._get_response_for_code(ErrorOutput, status, ["application/json"], direction)
                responses[status]["description"] = ERROR_DESCRIPTIONS[status]
        return responses

    def _get_serializer_name(self, serializer, direction, bypass_extensions=False):
        name = super()._get_serializer_name(serializer, direction, bypass_extensions)
        qualname = type(serializer).__qualname__
        if "." in qualname and "<locals>" not in qualname:
            outer = qualname.rsplit(".", 1)[0].replace(".", "")
            if not name.startswith(outer):
                name = outer + name
        return name


# --------------------------------------------------------------------------------------------------
# Shared pieces of the operations' schemas
# --------------------------------------------------------------------------------------------------

# Money in and out of the API: strings with two decimals (api.md).
MONEY_FIELD = {"max_digits": 16, "decimal_places": 2}

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="A client-generated UUID; a repeat with the same key and body returns the first response.")


class ErrorOutput(serializers.Serializer):
    """Every refusal: `{"code", "message", "params"}` (+ `fields` for field errors)."""

    code = serializers.CharField()
    message = serializers.CharField()
    params = serializers.DictField()


ERROR_DESCRIPTIONS = {
    "400": "Bad input (a field error, malformed JSON, a missing Idempotency-Key).",
    "401": "No or an unknown token.",
    "403": "The caller's role may not do this (or the second login step is pending).",
    "404": "Not found, or outside the caller's hall.",
    "409": "Refused by the state of what it acts on, or an Idempotency-Key reused with another body.",
    "415": "The body's media type is not accepted (send JSON).",
    "429": "Too many requests (a throttle or a quota).",
}


def error_responses(*statuses: int) -> dict:
    """`responses={200: Out, **error_responses(400, 404)}`: the refusals an operation may answer."""
    return {s: OpenApiResponse(response=ErrorOutput, description="A refusal with a stable code.") for s in statuses}


def is_schema_generation(view) -> bool:
    """True while drf-spectacular builds the schema (there is no user then)."""
    return getattr(view, "swagger_fake_view", False)
