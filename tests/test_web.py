"""Fetching URLs: the address guard, limits and errors, against a local server only.

Nothing here connects anywhere but 127.0.0.1: public hosts are faked with a resolver and
``httpx.MockTransport``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from crosscheck.errors import FetchError, InputError
from crosscheck.ingest import IngestOptions, ingest, read_sources
from crosscheck.ingest.web import check_address, fetch
from crosscheck.records import Rejection, SourceItem
from crosscheck.store import Store

_PARAGRAPHS = [
    "Engineers restored power to three districts of the city overnight, the regional "
    "energy company said on Tuesday morning.",
    "About forty thousand homes had been without electricity since the weekend, when a "
    "substation was damaged, according to the company.",
    "Repair crews will keep working on the remaining lines this week, the deputy mayor "
    "told reporters outside the town hall.",
]
PAGE = (
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>Power restored in three districts</title>"
    "<meta property=\"og:site_name\" content=\"Local Courier\">"
    "<meta property=\"article:published_time\" content=\"2024-06-04T07:00:00Z\">"
    "</head><body><article><h1>Power restored in three districts</h1>"
    + "".join(f"<p>{p}</p>" for p in _PARAGRAPHS)
    + "</article></body></html>"
).encode("utf-8")

FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>Local Courier</title><link>https://courier.example/</link><description>d</description>
<item><title>Bridge reopens to traffic</title><link>https://courier.example/n/1</link>
<pubDate>Tue, 04 Jun 2024 07:00:00 +0000</pubDate>
<description>&lt;p&gt;Cars crossed the repaired bridge at noon, police said.&lt;/p&gt;</description>
</item>
<item><title>Market hall to close early</title><link>https://courier.example/n/2</link>
<pubDate>Wed, 05 Jun 2024 07:00:00 +0000</pubDate>
<description>Traders will leave at four because of the curfew, the council said.</description>
</item>
</channel></rss>
"""

PRIVATE = "--allow-private"


@dataclass
class Server:
    base: str
    requests: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base + path


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, body: bytes = b"", content_type: str | None = None,
                  headers: dict[str, str] | None = None, length: bool = True) -> None:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            server.requests.append(self.path)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client gave up
                self._route(self.path)

        def _route(self, path: str) -> None:
            if path == "/page.html":
                self._send(200, PAGE, "text/html; charset=utf-8")
            elif path == "/feed.rss":
                self._send(200, FEED, "application/rss+xml")
            elif path == "/plain.txt":
                self._send(200, b"Curfew lifted\n\nShops opened at eight, traders said.\n",
                           "text/plain; charset=utf-8")
            elif path.startswith("/r/"):
                n = int(path.removeprefix("/r/"))
                target = "/page.html" if n <= 1 else f"/r/{n - 1}"
                self._send(302, headers={"Location": target})
            elif path == "/absolute":
                self._send(301, headers={"Location": server.url("/page.html")})
            elif path == "/loop":
                self._send(302, headers={"Location": "/loop"})
            elif path == "/no-location":
                self._send(302)
            elif path == "/big":
                self._send(200, b"<p>" + b"x" * 5000 + b"</p>", "text/html")
            elif path == "/big-unannounced":
                # HTTP/1.0 without Content-Length: the body ends when the connection closes
                self._send(200, b"<p>" + b"y" * 50_000 + b"</p>", "text/html", length=False)
            elif path == "/image.png":
                self._send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image/png")
            elif path == "/no-type":
                self._send(200, b"Some words.")
            elif path == "/slow":
                server.release.wait(5)
                self._send(200, PAGE, "text/html")
            elif path == "/broken":
                self._send(500, b"oops", "text/plain")
            else:
                self._send(404, b"not here", "text/plain")

    return Handler


@pytest.fixture(scope="module")
def _server() -> Iterator[Server]:
    state = Server(base="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture
def server(_server: Server) -> Server:
    _server.requests.clear()
    return _server


def _fetch(url: str, **kwargs: Any) -> Any:
    kwargs.setdefault("allow_private", True)
    kwargs.setdefault("timeout", 5.0)
    return fetch(url, **kwargs)


def _one_line_naming(exc: FetchError, url: str) -> None:
    message = str(exc)
    assert "\n" not in message
    assert message.startswith(f"{url}: ")
    assert exc.locator == url


# -- (a) the address guard, with a fake resolver ---------------------------------------


def _resolver(table: dict[str, list[str]], calls: list[str] | None = None
              ) -> Callable[..., list[Any]]:
    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if calls is not None:
            calls.append(host)
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        infos = []
        for address in table[host]:
            if ":" in address:
                infos.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0)))
            else:
                infos.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)))
        return infos

    return resolve


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
    "fe80::1%eth0", "fc00::1", "::",
])
def test_check_address_refuses_private_addresses(address: str) -> None:
    resolve = _resolver({"target.example": [address]})
    with pytest.raises(FetchError) as info:
        check_address("http://target.example/x", "target.example", 80, False, resolve)
    assert PRIVATE in str(info.value)
    _one_line_naming(info.value, "http://target.example/x")


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_check_address_accepts_public_addresses(address: str) -> None:
    resolve = _resolver({"news.example": [address]})
    assert check_address("http://news.example/", "news.example", 80, False, resolve) is None


def test_check_address_refuses_a_host_with_any_private_address() -> None:
    resolve = _resolver({"mixed.example": ["93.184.216.34", "10.1.2.3"]})
    with pytest.raises(FetchError, match=r"10\.1\.2\.3"):
        check_address("http://mixed.example/", "mixed.example", 80, False, resolve)


def test_check_address_with_allow_private_does_not_resolve() -> None:
    calls: list[str] = []
    resolve = _resolver({"target.example": ["127.0.0.1"]}, calls)
    check_address("http://target.example/", "target.example", 80, True, resolve)
    assert calls == []


def test_check_address_unresolvable_host() -> None:
    resolve = _resolver({})
    with pytest.raises(FetchError) as info:
        check_address("http://nowhere.example/", "nowhere.example", 80, False, resolve)
    assert "cannot resolve host 'nowhere.example'" in str(info.value)
    _one_line_naming(info.value, "http://nowhere.example/")


@pytest.mark.parametrize("url", ["ftp://news.example/file", "file:///etc/passwd",
                                 "http:///no-host", "not a url at all"])
def test_only_http_urls_are_fetched(url: str) -> None:
    resolve = _resolver({"news.example": ["93.184.216.34"]})

    def never(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no request expected, got {request.url}")

    with pytest.raises(FetchError) as info:
        fetch(url, resolver=resolve, transport=httpx.MockTransport(never))
    assert "\n" not in str(info.value)


# -- (b) a real server on 127.0.0.1 ----------------------------------------------------


@pytest.mark.parametrize("path", ["/page.html", "/feed.rss", "/r/3", "/loop", "/big",
                                  "/image.png", "/missing", "/slow"])
def test_loopback_is_refused_without_allow_private(server: Server, path: str) -> None:
    url = server.url(path)
    with pytest.raises(FetchError) as info:
        fetch(url, timeout=5.0)
    assert PRIVATE in str(info.value)
    assert "127.0.0.1" in str(info.value)
    _one_line_naming(info.value, url)
    assert server.requests == []  # refused before connecting


def test_connected_peer_is_checked_even_when_resolution_said_public(server: Server) -> None:
    # DNS answered a public address, but the connection went to loopback (rebinding)
    lying = _resolver({"127.0.0.1": ["93.184.216.34"]})
    url = server.url("/page.html")
    with pytest.raises(FetchError) as info:
        fetch(url, timeout=5.0, resolver=lying)
    assert "connected to 127.0.0.1" in str(info.value)
    assert PRIVATE in str(info.value)
    _one_line_naming(info.value, url)


def test_localhost_by_name_is_refused(server: Server) -> None:
    url = server.url("/page.html").replace("127.0.0.1", "localhost")
    with pytest.raises(FetchError, match=PRIVATE):
        fetch(url, timeout=5.0)
    assert server.requests == []


def test_page_fetches_with_allow_private(server: Server) -> None:
    got = _fetch(server.url("/page.html"))
    assert got.kind == "html"
    assert got.url == server.url("/page.html")
    assert got.data == PAGE
    assert server.requests == ["/page.html"]


@pytest.mark.parametrize("path, kind", [("/feed.rss", "feed"), ("/plain.txt", "text")])
def test_content_types_select_the_reader(server: Server, path: str, kind: str) -> None:
    assert _fetch(server.url(path)).kind == kind


def test_user_agent_is_sent(server: Server) -> None:
    seen: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["user-agent"])
        return httpx.Response(200, text="x", headers={"content-type": "text/plain"})

    fetch("http://127.0.0.1/x", allow_private=True, user_agent="crosscheck-test/1",
          transport=httpx.MockTransport(record))
    assert seen == ["crosscheck-test/1"]


def test_redirect_chain_is_followed(server: Server) -> None:
    got = _fetch(server.url("/r/3"))
    assert got.url == server.url("/page.html")
    assert got.data == PAGE
    assert server.requests == ["/r/3", "/r/2", "/r/1", "/page.html"]
    assert _fetch(server.url("/absolute")).url == server.url("/page.html")


def test_redirect_limit(server: Server) -> None:
    url = server.url("/r/3")
    with pytest.raises(FetchError) as info:
        _fetch(url, max_redirects=2)
    assert str(info.value) == f"{url}: more than 2 redirects"
    assert server.requests == ["/r/3", "/r/2", "/r/1"]
    assert _fetch(url, max_redirects=3).url == server.url("/page.html")


def test_redirect_loop(server: Server) -> None:
    url = server.url("/loop")
    with pytest.raises(FetchError) as info:
        _fetch(url)
    assert str(info.value) == f"{url}: more than 5 redirects"
    assert len(server.requests) == 6


def test_redirect_without_location(server: Server) -> None:
    url = server.url("/no-location")
    with pytest.raises(FetchError) as info:
        _fetch(url)
    assert str(info.value) == f"{url}: redirect without a Location header"


def test_size_cap_with_content_length(server: Server) -> None:
    url = server.url("/big")
    with pytest.raises(FetchError) as info:
        _fetch(url, max_bytes=1000)
    assert str(info.value) == f"{url}: too large (5007 bytes > 1000 cap)"
    assert _fetch(url, max_bytes=6000).kind == "html"


def test_size_cap_without_content_length(server: Server) -> None:
    url = server.url("/big-unannounced")
    with pytest.raises(FetchError) as info:
        _fetch(url, max_bytes=1000)
    assert str(info.value) == f"{url}: too large (over 1000 bytes cap)"
    got = _fetch(url, max_bytes=100_000)
    assert len(got.data) == 50_007


@pytest.mark.parametrize("path, message", [
    ("/image.png", "unsupported content type 'image/png'"),
    ("/no-type", "response has no content type"),
    ("/missing", "HTTP 404 Not Found"),
    ("/broken", "HTTP 500 Internal Server Error"),
])
def test_wrong_type_and_http_errors(server: Server, path: str, message: str) -> None:
    url = server.url(path)
    with pytest.raises(FetchError) as info:
        _fetch(url)
    assert str(info.value) == f"{url}: {message}"
    _one_line_naming(info.value, url)


def test_error_after_a_redirect_names_the_url_that_failed(server: Server) -> None:
    # a 302 to a page that 404s: the message names the page, not the first URL
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/start":
            return httpx.Response(302, headers={"location": "/gone"})
        return httpx.Response(404)

    with pytest.raises(FetchError) as info:
        fetch("http://127.0.0.1/start", allow_private=True,
              transport=httpx.MockTransport(handler))
    _one_line_naming(info.value, "http://127.0.0.1/gone")


def test_timeout(server: Server) -> None:
    url = server.url("/slow")
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        _fetch(url, timeout=0.5)
    assert time.monotonic() - started < 4
    assert str(info.value) == f"{url}: timed out after 0.5 s"


def test_unreachable_port() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"  # nothing listens there now
    with pytest.raises(FetchError) as info:
        _fetch(url, timeout=2.0)
    assert "unreachable" in str(info.value)
    _one_line_naming(info.value, url)


def test_fetch_errors_are_input_errors() -> None:
    assert issubclass(FetchError, InputError)


# -- (c) a public host redirecting to a private one ------------------------------------


def test_redirect_from_public_to_loopback_is_refused_on_the_second_hop() -> None:
    seen: list[str] = []
    calls: list[str] = []
    resolve = _resolver({"news.example": ["93.184.216.34"], "127.0.0.1": ["127.0.0.1"]}, calls)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.host == "news.example":
            return httpx.Response(302, headers={"location": "http://127.0.0.1/admin"})
        return httpx.Response(200, text="secret", headers={"content-type": "text/plain"})

    with pytest.raises(FetchError) as info:
        fetch("http://news.example/story", resolver=resolve,
              transport=httpx.MockTransport(handler))
    assert seen == ["http://news.example/story"]  # the loopback host was never asked
    assert calls == ["news.example", "127.0.0.1"]
    assert PRIVATE in str(info.value)
    _one_line_naming(info.value, "http://127.0.0.1/admin")


def test_redirect_to_a_name_resolving_to_a_private_address_is_refused() -> None:
    seen: list[str] = []
    resolve = _resolver({"news.example": ["93.184.216.34"], "intranet.example": ["10.0.0.7"]})

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.host)
        if request.url.host == "news.example":
            return httpx.Response(301, headers={"location": "https://intranet.example/wiki"})
        return httpx.Response(200, text="x", headers={"content-type": "text/plain"})

    with pytest.raises(FetchError, match=PRIVATE):
        fetch("http://news.example/", resolver=resolve, transport=httpx.MockTransport(handler))
    assert seen == ["news.example"]


def test_redirect_between_public_hosts_is_followed() -> None:
    calls: list[str] = []
    resolve = _resolver({"news.example": ["93.184.216.34"],
                         "cdn.example": ["2606:4700:4700::1111"]}, calls)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "news.example":
            return httpx.Response(302, headers={"location": "https://cdn.example/a.html"})
        return httpx.Response(200, content=PAGE, headers={"content-type": "text/html"})

    got = fetch("http://news.example/a", resolver=resolve,
                transport=httpx.MockTransport(handler))
    assert got.url == "https://cdn.example/a.html"
    assert got.kind == "html" and got.data == PAGE
    assert calls == ["news.example", "cdn.example"]


# -- (d) end to end through ingest -----------------------------------------------------


def test_ingest_a_page_url(server: Server, sqlite_store: Store) -> None:
    url = server.url("/page.html")
    report = ingest([url], sqlite_store, options=IngestOptions(allow_private=True))
    assert report.rejected == []
    assert (report.read, report.stored, report.exit_code) == (1, 1, 0)
    [row] = list(sqlite_store.iter_articles())
    assert row["url"] == url
    assert row["title"] == "Power restored in three districts"
    assert row["format"] == "html"
    assert row["outlet"] == "Local Courier"
    assert row["published"] == "2024-06-04"
    article = sqlite_store.get_article(row["id"])
    assert article is not None
    assert _PARAGRAPHS[1] in article["text"]
    assert [s["url"] for s in article["sightings"]] == [url]


def test_ingest_a_redirected_url_stores_the_final_url(server: Server,
                                                      sqlite_store: Store) -> None:
    report = ingest([server.url("/r/2")], sqlite_store,
                    options=IngestOptions(allow_private=True))
    assert report.stored == 1
    [row] = list(sqlite_store.iter_articles())
    assert row["url"] == server.url("/page.html")


def test_ingest_a_feed_url_gives_one_article_per_entry(server: Server,
                                                       sqlite_store: Store) -> None:
    report = ingest([server.url("/feed.rss")], sqlite_store,
                    options=IngestOptions(allow_private=True))
    assert report.rejected == []
    assert (report.read, report.stored) == (2, 2)
    rows = {r["url"]: r for r in sqlite_store.iter_articles()}
    assert set(rows) == {"https://courier.example/n/1", "https://courier.example/n/2"}
    first = rows["https://courier.example/n/1"]
    assert first["title"] == "Bridge reopens to traffic"
    assert first["outlet"] == "Local Courier"
    assert first["published"] == "2024-06-04"
    assert first["format"] == "feed"


def test_ingest_a_plain_text_url_takes_its_outlet_from_the_host(server: Server) -> None:
    url = server.url("/plain.txt")
    [item] = list(read_sources([url], IngestOptions(allow_private=True)))
    assert isinstance(item, SourceItem)
    assert item.url == url and item.outlet == "127.0.0.1"
    assert item.title == "Curfew lifted"


def test_ingest_refuses_loopback_without_allow_private(server: Server,
                                                       sqlite_store: Store) -> None:
    url = server.url("/page.html")
    report = ingest([url], sqlite_store)
    assert report.stored == 0 and report.exit_code == 2
    [rejection] = report.rejected
    assert isinstance(rejection, Rejection)
    assert rejection.locator == url and PRIVATE in rejection.reason
    assert server.requests == []
    assert sqlite_store.count_articles() == 0


def test_ingest_reports_fetch_errors_and_goes_on(server: Server, sqlite_store: Store) -> None:
    urls = [server.url("/image.png"), server.url("/page.html"), server.url("/missing")]
    report = ingest(urls, sqlite_store, options=IngestOptions(allow_private=True))
    assert report.stored == 1 and report.exit_code == 1
    assert [(r.locator, r.reason) for r in report.rejected] == [
        (urls[0], "unsupported content type 'image/png'"),
        (urls[2], "HTTP 404 Not Found"),
    ]
