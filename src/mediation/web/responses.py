"""Responses every part shares: JSON errors of the API, and the security headers."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mediation import MediationError
from mediation.web.messages import describe, status_of

__all__ = ["CSP", "SecurityHeaders", "api_error", "api_error_of"]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'"
)
"""The app's pages run only its own scripts and styles."""


def api_error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    """A JSON error body: ``{"error": {"code", "message", ...}}``."""
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


def api_error_of(exc: MediationError) -> JSONResponse:
    """The JSON error of a library error (the field and rule of a validation error)."""
    from mediation import (
        AuthorizationError,
        CaseNotFoundError,
        ConcurrentUpdateError,
        RuleRejectedError,
        TransitionNotAllowedError,
        ValidationError,
    )
    from mediation.web.messages import field_label, rule_zh

    if isinstance(exc, ValidationError):
        return api_error(
            422,
            "validation",
            describe(exc),
            field=exc.field,
            label=field_label(exc.field),
            rule=rule_zh(exc.rule),
            basis=exc.basis,
        )
    if isinstance(exc, RuleRejectedError):
        return api_error(422, "rule", describe(exc), rule=exc.rule, basis=exc.basis)
    if isinstance(exc, TransitionNotAllowedError):
        return api_error(422, "not_allowed", describe(exc), trigger=exc.trigger)
    if isinstance(exc, CaseNotFoundError | AuthorizationError):
        # Who may not see a case learns nothing of it, not even that it exists.
        return api_error(404, "not_found", "没有找到这个案件")
    if isinstance(exc, ConcurrentUpdateError):
        return api_error(409, "conflict", describe(exc))
    return api_error(status_of(exc), "error", describe(exc))


class SecurityHeaders:
    """Adds the security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for key, value in (
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"SAMEORIGIN"),
                    (b"cache-control", b"no-store"),
                ):
                    if key not in names:
                        headers.append((key, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
