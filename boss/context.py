"""Per-request context (request id, client IP) kept in context variables, so that services can
write them into audit events and log lines without passing the request around."""

import contextvars
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
client_ip_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_ip", default=None)
# Per request: the scopes of idempotent calls answered by a replay (RequestIdMiddleware then sets the
# `Idempotent-Replayed: true` header, whichever view made the call). A list, so a copied context shares it.
idempotent_replays_var: contextvars.ContextVar[list | None] = contextvars.ContextVar("idempotent_replays",
                                                                                     default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]
