"""The writing API: ``POST /api/ingest`` and ``POST /api/process``.

Mounted only when the app has a token (see :func:`crosscheck.api.create_app`); every
request must carry ``Authorization: Bearer <token>``. One write runs at a time (the store
has one writer); a second one meanwhile gets 409.
"""

from __future__ import annotations

import hmac
import json
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool

from crosscheck.api._json import JSONOut
from crosscheck.api.deps import SettingsDep, StoreDep
from crosscheck.api.json_routes import ErrorEnvelope
from crosscheck.settings import Settings
from crosscheck.store import Store

__all__ = ["make_router"]

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
TEXT_SCHEMA = {
    "type": "object", "title": "Text", "required": ["text"],
    "properties": {"text": {"type": "string"}, "title": {"type": "string"},
                   "url": {"type": "string"}, "outlet": {"type": "string"},
                   "published": {"type": "string", "description": "YYYY-MM-DD"}},
}
_INGEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {
                "oneOf": [
                    {"type": "object", "properties": {"texts": {"type": "array", "items": {
                        "oneOf": [{"type": "string"}, TEXT_SCHEMA]}}},
                     "required": ["texts"]},
                    {"type": "array", "items": TEXT_SCHEMA},
                ]}},
            "multipart/form-data": {"schema": {
                "type": "object", "properties": {"file": {"type": "string",
                                                          "format": "binary"}}}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    },
}


def _bearer(request: Request) -> None:
    expected: str = request.app.state.token
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    challenge = {"WWW-Authenticate": "Bearer"}
    if scheme.lower() != "bearer" or not given.strip():
        raise HTTPException(401, "this endpoint needs `Authorization: Bearer <token>`",
                            headers=challenge)
    if not hmac.compare_digest(given.strip().encode("utf-8"), expected.encode("utf-8")):
        raise HTTPException(401, "wrong token", headers={
            "WWW-Authenticate": 'Bearer error="invalid_token"'})


_lock = threading.Lock()


@contextmanager
def _one_writer() -> Iterator[None]:
    if not _lock.acquire(blocking=False):
        raise HTTPException(409, "another ingest or process request is running; retry later")
    try:
        yield
    finally:
        _lock.release()


def _texts_to_jsonl(payload: Any) -> bytes:
    items = payload.get("texts") if isinstance(payload, dict) else payload
    if not isinstance(items, list) or not items:
        raise HTTPException(422, 'expected {"texts": [...]} or a JSON array of texts')
    lines = []
    for n, entry in enumerate(items):
        record = {"text": entry} if isinstance(entry, str) else entry
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise HTTPException(422, f"texts[{n}]: expected a string or an object with "
                                "a `text` string")
        lines.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _upload(body: bytes, content_type: str) -> tuple[str, bytes]:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    for part in message.iter_parts():
        name = part.get_filename()
        payload = part.get_payload(decode=True)
        if name:
            return name, payload if isinstance(payload, bytes) else b""
    raise HTTPException(422, "multipart body without a file part (send -F file=@article.html)")


def _ingest(store: Store, settings: Settings, name: str, data: bytes) -> dict[str, Any]:
    from crosscheck.ingest import IngestOptions, ingest

    options = IngestOptions.from_settings(settings)
    with tempfile.TemporaryDirectory(prefix="crosscheck-api-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        report = ingest([path], store, options=options, batch_size=settings.batch_size,
                        stock_threshold=settings.stock_threshold)
    return {"ok": True, **report.to_dict(), "ids": report.stored_ids}


def make_router() -> APIRouter:
    router = APIRouter(prefix="/api", tags=["writing"], dependencies=[Depends(_bearer)],
                       responses={401: {"model": ErrorEnvelope, "description": "No or wrong "
                                        "token."},
                                  409: {"model": ErrorEnvelope, "description": "A write is "
                                        "running."}},
                       default_response_class=JSONOut)

    @router.post("/ingest", summary="Store articles", openapi_extra=_INGEST_BODY)
    async def ingest_endpoint(
        request: Request, store: StoreDep, settings: SettingsDep,
        filename: Annotated[str | None, Query(
            description="For a raw body: its file name, which picks the reader "
            "(.txt, .html, .jsonl, .json, .csv, .xml …).")] = None,
    ) -> JSONOut:
        """Ingest texts: a JSON body ``{"texts": ["…" or {text, title, url, outlet,
        published}]}`` (or the bare array), an uploaded file (``multipart/form-data``,
        field ``file``), or a raw body with ``?filename=``. Answers the ingest report and
        the ids of the new articles; run ``POST /api/process`` to extract their facts."""
        size = int(request.headers.get("content-length") or 0)
        cap = settings.max_bytes * 20
        if size > cap:
            raise HTTPException(413, f"body too large ({size} bytes > {cap})")
        body = await request.body()
        if len(body) > cap:
            raise HTTPException(413, f"body too large ({len(body)} bytes > {cap})")
        if not body:
            raise HTTPException(422, "empty body: send JSON texts or a file")
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            try:
                payload = json.loads(body)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise HTTPException(422, f"body is not JSON: {exc}") from None
            name, data = "api-texts.jsonl", _texts_to_jsonl(payload)
        elif content_type.startswith("multipart/form-data"):
            name, data = _upload(body, content_type)
        else:
            name, data = filename or "api-upload.txt", body
        name = _SAFE_NAME.sub("_", Path(name).name).lstrip(".") or "api-upload.txt"

        def run() -> dict[str, Any]:
            with _one_writer():
                return _ingest(store, settings, name, data)

        return JSONOut(await run_in_threadpool(run))

    @router.post("/process", summary="Extract facts and link")
    def process_endpoint(
        store: StoreDep, settings: SettingsDep,
        limit: Annotated[int | None, Query(ge=1, description="At most N articles.")] = None,
        reprocess: Annotated[bool, Query(
            description="Also redo articles an older extractor version processed.")] = False,
        workers: Annotated[int, Query(ge=1, le=64, description="Worker processes.")] = 1,
    ) -> JSONOut:
        """Parse every unprocessed article once, store its facts, then link the new
        articles into duplicates, stories and claims. Answers the process report."""
        from crosscheck.process import process

        with _one_writer():
            report = process(store, model=settings.spacy_model, workers=workers,
                             reprocess=reprocess, limit=limit)
        return JSONOut({"ok": True, **report.to_dict()})

    return router
