"""One JSON error shape for every error the server returns, and the security headers.

Every error — an unknown route (404), a wrong method (405), a request that fails validation
(422), a domain error raised by the library (``flashpoint.errors``; its ``http_status``), a write
without the token (401/403) and any unexpected failure (500) — is answered as::

    {"error": {"code": "not_found", "status": 404, "message": "…", "fix": "…",
               "subject": "…", "details": [...]}}

``code`` is machine-readable, ``message`` says what was wrong, ``fix`` what to do, ``subject``
names the input (a parameter, an id, a path); ``details`` lists validation problems (422 only).
A 500 never shows internals (no traceback, no exception text).

``SecurityMiddleware`` is a plain ASGI middleware: it adds the security headers to every
response (pages, API, static files and errors) and turns an exception that escaped every handler
into the 500 error shape, so even that response carries the headers.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import FlashpointError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)

_HTTP_CODES = {
    400: ("bad_request", "the request is malformed", "check the request"),
    401: ("unauthorized", "authentication is required", "send the API token"),
    403: ("forbidden", "this is not allowed", "check the API token and configuration"),
    404: ("not_found", "no such route", "see /openapi.json for the API routes"),
    405: ("method_not_allowed", "this method is not allowed on this route",
          "see /openapi.json for the methods of each route"),
    413: ("too_large", "the request body is too large", "send less data per request"),
}


def error_body(status: int, code: str, message: str, fix: str = "",
               subject: str | None = None, details: list[dict[str, Any]] | None = None
               ) -> dict[str, Any]:
    err: dict[str, Any] = {"code": code, "status": status, "message": message, "fix": fix,
                           "subject": subject}
    if details is not None:
        err["details"] = details
    return {"error": err}


def error_response(status: int, code: str, message: str, fix: str = "",
                   subject: str | None = None, details: list[dict[str, Any]] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, code, message, fix, subject, details),
                        status_code=status, headers=headers)


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, FlashpointError)
    status = int(getattr(exc, "http_status", 400))
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return error_response(status, exc.code, exc.what, exc.fix, exc.subject, headers=headers)


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, message, fix = _HTTP_CODES.get(
        exc.status_code, ("http_error", f"HTTP error {exc.status_code}", "check the request"))
    if exc.status_code == 404:
        message = f"no route {request.url.path[:200]!r}"
    elif exc.status_code == 405:
        message = f"method {request.method} is not allowed on {request.url.path[:200]!r}"
    headers = dict(exc.headers) if exc.headers else None
    return error_response(exc.status_code, code, message, fix, request.url.path[:200],
                          headers=headers)


def _loc(loc: Any) -> str:
    parts = [str(p) for p in (loc or ()) if p not in ("query", "path", "body", "header")]
    return ".".join(parts) or "request"


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [{"subject": _loc(e.get("loc")), "message": str(e.get("msg", ""))[:300]}
               for e in exc.errors()][:20]
    first = details[0] if details else {"subject": "request", "message": "invalid request"}
    return error_response(422, "invalid_request", f"{first['subject']}: {first['message']}",
                          "correct the parameter; see /openapi.json for the expected values",
                          first["subject"], details)


def install(app: FastAPI) -> None:
    """Register the handlers of every error kind and the security middleware on ``app``."""
    app.add_exception_handler(FlashpointError, _domain)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_middleware(SecurityMiddleware)


class SecurityMiddleware:
    """Adds ``SECURITY_HEADERS`` to every response; an unhandled exception becomes a 500 in the
    error shape (when the response has not started yet)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in SECURITY_HEADERS}
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in names]
                message["headers"] = headers + list(SECURITY_HEADERS)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if started:
                raise
            logging.getLogger("flashpoint.web").exception(
                "unhandled error in %s %s", scope.get("method"), scope.get("path"))
            body = json.dumps(error_body(
                500, "internal_error", "the server failed to answer this request",
                "retry; if it persists, report it with the request that failed")).encode()
            await send_with_headers({
                "type": "http.response.start", "status": 500,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
