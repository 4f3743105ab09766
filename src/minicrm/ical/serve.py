"""Serve the feed over HTTP (stdlib only) so a calendar app can subscribe to `webcal://HOST:PORT/minicrm.ics`.

Each request asks `render` for the feed as of now (`live.LiveFeed`: the body already made when nothing
changed) with its ETag. Clients can skip unchanged bodies (304) with
`If-None-Match` (the ETag, compared weakly; lists and `*`) or `If-Modified-Since` (`Last-Modified` is when
this server first sent the current body; RFC 9110 §13.1).
Bound to loopback by default; any other address requires a token, compared in constant time, given as
`?token=...` (what calendar apps can store in a subscription URL) or `Authorization: Bearer ...`.
The token never appears in the request log.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from minicrm.errors import BadInput, MinicrmError
from minicrm.i18n import _

FEED_PATH = "/minicrm.ics"
MIN_PUBLIC_TOKEN = 16


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_binding(host: str, token: str | None) -> None:
    """Refuse to publish a CRM on a network without a (long enough) token."""
    if is_loopback(host):
        return
    if not token:
        raise BadInput(
            _("--token is required to serve on '{host}' (not loopback); anyone on the network could read it").format(
                host=host
            )
        )
    if len(token) < MIN_PUBLIC_TOKEN:
        raise BadInput(
            _(
                "--token is too short for serving on '{host}' (at least {n} characters;"
                ' try: python -c "import secrets; print(secrets.token_urlsafe())")'
            ).format(host=host, n=MIN_PUBLIC_TOKEN)
        )


def token_ok(given: str | None, expected: str | None) -> bool:
    if not expected:
        return True
    return hmac.compare_digest((given or "").encode(), expected.encode())


def none_match(header: str | None, etag: str) -> bool:
    """Does `If-None-Match` match (RFC 9110 §13.1.2): `*`, or any tag of the list by weak comparison."""
    if header is None:
        return False
    if header.strip() == "*":
        return True
    return any(tag.removeprefix("W/") == etag.removeprefix("W/") for tag in re.findall(r'(?:W/)?"[^"]*"', header))


def modified_since(header: str | None, modified: float) -> bool:
    """False when `If-Modified-Since` is a valid date not older than `modified` (an invalid one is ignored)."""
    if header is None:
        return True
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return True
    if since.tzinfo is None:  # only GMT is allowed; an HTTP date without a zone is GMT
        return True
    return modified > since.timestamp()


class LastModified:
    """When each new body was first sent: the `Last-Modified` of a body that only the server can date (its
    items' own dates miss deletions). Never goes back; a restart dates the current body anew."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._etag: str | None = None
        self._at = 0.0

    def of(self, etag: str) -> float:
        with self._lock:
            if etag != self._etag:
                self._etag, self._at = etag, max(float(int(time.time())), self._at)
            return self._at


def make_server(
    render: Callable[[], tuple[bytes, str]],
    *,
    host: str,
    port: int,
    token: str | None,
    log: Callable[[str], None] | None = None,
) -> ThreadingHTTPServer:
    check_binding(host, token)
    dates = LastModified()

    class Handler(BaseHTTPRequestHandler):
        server_version = "minicrm"
        sys_version = ""

        def _token(self, query: dict[str, list[str]]) -> str | None:
            auth = self.headers.get("Authorization", "")
            if auth.lower().startswith("bearer "):
                return auth[7:].strip()
            values = query.get("token")
            return values[0] if values else None

        def _reply(self, code: int, body: bytes = b"", ctype: str = "text/plain; charset=utf-8", **headers) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for key, value in headers.items():
                self.send_header(key.replace("_", "-"), value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path not in (FEED_PATH, "/"):
                self._reply(404, b"not found; the feed is at /minicrm.ics\n")
                return
            if not token_ok(self._token(parse_qs(parts.query)), token):
                self._reply(403, b"forbidden\n")
                return
            try:
                body, etag = render()  # the body and its digest
            except Exception as exc:  # one bad request must not stop the server
                reason = f"{type(exc).__name__}: {exc}"
                sys.stderr.write("error: " + _("cannot render the feed: {reason}").format(reason=reason) + "\n")
                self._reply(500, b"cannot render the feed\n")
                return
            modified = dates.of(etag)
            validators = {"ETag": etag, "Last-Modified": formatdate(modified, usegmt=True), "Cache-Control": "no-cache"}
            match = self.headers.get("If-None-Match")  # when given, If-Modified-Since is not looked at
            if none_match(match, etag) or (
                match is None and not modified_since(self.headers.get("If-Modified-Since"), modified)
            ):
                self.send_response(304)  # no body, and no Content-Type or -Length of another representation
                for key, value in validators.items():
                    self.send_header(key, value)
                self.end_headers()
                return
            self._reply(200, body, "text/calendar; charset=utf-8", **validators,
                        Content_Disposition='inline; filename="minicrm.ics"')  # fmt: skip

        do_HEAD = do_GET

        def log_message(self, format: str, *args) -> None:
            if log is not None:
                # The request line holds the token: log only the method and path.
                path = urlsplit(self.path).path if hasattr(self, "path") else "-"
                status = args[1] if len(args) > 1 else ""
                log(f"{self.address_string()} {getattr(self, 'command', '-')} {path} {status}")

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    try:
        return Server((host.strip("[]"), port), Handler)
    except OSError as exc:
        raise MinicrmError(
            _("cannot listen on {address}: {reason}").format(address=f"{host}:{port}", reason=exc.strerror or exc)
        ) from None
