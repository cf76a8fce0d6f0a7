"""Fetching URLs safely: timeouts, a size cap, content-type checks, a redirect limit, and
an address guard that refuses private, loopback and link-local hosts (checked after DNS
resolution, on every redirect hop, and again on the connected peer address)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from crosscheck.errors import FetchError

__all__ = ["ACCEPTED_TYPES", "Fetched", "check_address", "fetch"]

#: Content types a URL may serve, and how each is read.
ACCEPTED_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/plain": "text",
    "application/json": "json",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "text/csv": "csv",
}

Resolver = Callable[..., list[Any]]


@dataclass(slots=True, frozen=True)
class Fetched:
    url: str  # after redirects
    kind: str  # a value of ACCEPTED_TYPES
    data: bytes


def _blocked(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def check_address(url: str, host: str, port: int, allow_private: bool,
                  resolver: Resolver = socket.getaddrinfo) -> None:
    """Raise FetchError if ``host`` resolves to an address we must not reach."""
    if allow_private:
        return
    try:
        infos = resolver(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise FetchError(url, f"cannot resolve host {host!r} ({exc})") from None
    for info in infos:
        address = str(info[4][0]).split("%", 1)[0]
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            raise FetchError(url, f"host {host!r} resolved to an odd address {address!r}") from None
        if _blocked(ip):
            raise FetchError(
                url, f"refused: {host} resolves to {ip}, a private, loopback or link-local "
                "address (pass --allow-private to fetch it)")


def _kind(content_type: str, url: str) -> str:
    mime = content_type.split(";", 1)[0].strip().lower()
    if not mime:
        raise FetchError(url, "response has no content type")
    kind = ACCEPTED_TYPES.get(mime)
    if kind is None:
        raise FetchError(url, f"unsupported content type {mime!r}")
    return kind


def fetch(url: str, *, max_bytes: int = 5_000_000, timeout: float = 20.0,
          max_redirects: int = 5, allow_private: bool = False,
          user_agent: str = "crosscheck", resolver: Resolver = socket.getaddrinfo,
          transport: httpx.BaseTransport | None = None) -> Fetched:
    """GET ``url`` within the limits; FetchError (one line, naming the URL) otherwise."""
    current = url
    with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False,
                      headers={"User-Agent": user_agent}, transport=transport) as client:
        for _hop in range(max_redirects + 1):
            try:
                target = httpx.URL(current)
            except (httpx.InvalidURL, TypeError) as exc:
                raise FetchError(current, f"invalid URL ({exc})") from None
            if target.scheme not in ("http", "https") or not target.host:
                raise FetchError(current, "only http and https URLs can be fetched")
            port = target.port or (443 if target.scheme == "https" else 80)
            check_address(current, target.host, port, allow_private, resolver)
            try:
                with client.stream("GET", target) as response:
                    _check_peer(response, current, allow_private)
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError(current, "redirect without a Location header")
                        current = str(target.join(location))
                        continue
                    if response.status_code >= 400:
                        raise FetchError(current, f"HTTP {response.status_code} "
                                                  f"{response.reason_phrase}".strip())
                    kind = _kind(response.headers.get("content-type", ""), current)
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise FetchError(current, f"too large ({declared} bytes > {max_bytes} cap)")
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise FetchError(current, f"too large (over {max_bytes} bytes cap)")
                        chunks.append(chunk)
                    return Fetched(str(response.url), kind, b"".join(chunks))
            except httpx.TimeoutException:
                raise FetchError(current, f"timed out after {timeout:g} s") from None
            except httpx.HTTPError as exc:
                raise FetchError(current, f"unreachable ({type(exc).__name__}: {exc})") from None
    raise FetchError(url, f"more than {max_redirects} redirects")


def _check_peer(response: httpx.Response, url: str, allow_private: bool) -> None:
    """The address actually connected to must pass the guard too (DNS can change)."""
    if allow_private:
        return
    stream = response.extensions.get("network_stream")
    if stream is None:
        return
    peer = stream.get_extra_info("server_addr")
    if not peer:
        return
    try:
        ip = ipaddress.ip_address(str(peer[0]).split("%", 1)[0])
    except ValueError:
        return
    if _blocked(ip):
        raise FetchError(url, f"refused: connected to {ip}, a private, loopback or link-local "
                              "address (pass --allow-private to fetch it)")
