"""One error envelope for every error the app returns: ``{"ok": false, "error": message,
"status": code}``: unknown routes and ids (404), bad parameters (422), missing or wrong
tokens (401, 403), bad input (400) and server faults (500, without a traceback)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from crosscheck.errors import CrosscheckError

__all__ = ["envelope", "install_error_handlers"]

log = logging.getLogger("crosscheck.api")


def envelope(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The error response: ``{"ok": false, "error": message, "status": status}``."""
    return JSONResponse({"ok": False, "error": message, "status": status}, status_code=status,
                        headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "path"))
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where
                     else str(error.get("msg", "invalid")))
    return "; ".join(parts) or "invalid request"


async def _http_error(_request: Request, exc: Any) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"not found: {_request.url.path}"
    return envelope(exc.status_code, detail, getattr(exc, "headers", None))


async def _validation_error(_request: Request, exc: Any) -> JSONResponse:
    return envelope(422, _validation_message(exc))


async def _user_error(_request: Request, exc: Any) -> JSONResponse:
    return envelope(400, str(exc))


async def _server_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("error serving %s", request.url.path, exc_info=exc)
    return envelope(500, "internal server error (see the server log)")


def install_error_handlers(app: FastAPI) -> None:
    """Route every error of ``app`` through :func:`envelope`."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(CrosscheckError, _user_error)
    app.add_exception_handler(Exception, _server_error)
