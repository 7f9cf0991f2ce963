"""A plain-HTTP forward proxy on the host, for apt in containers on a private network.

Containers on a ``--network-zone`` reach nothing but each other and the host's end of the zone
(no NAT here: the host's firewall and forwarding are everyone's, not this test's). A Pi on a LAN
reaches Debian's mirror; these containers reach it through this proxy, bound to the host's
address on the zone only, with ``Acquire::http::Proxy`` in a test-only apt drop-in. Package files
(``.deb``, named by version) are kept in a folder of the clone's cache, so the second container
and the next run take them from there.
"""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "proxy-authenticate",
              "te", "trailer", "transfer-encoding", "upgrade", "content-length"}
APT_DROP_IN = "/etc/apt/apt.conf.d/99-test-proxy"


class AptProxy:
    """``with AptProxy(address, cache) as proxy:`` then ``proxy.apt_conf`` goes in the container."""

    def __init__(self, address: str, cache: Path) -> None:
        cache.mkdir(parents=True, exist_ok=True)
        handler = type("Handler", (_Forward,), {"cache": cache})
        self.server = ThreadingHTTPServer((address, 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def apt_conf(self) -> str:
        host, port = self.server.server_address[:2]
        return f'Acquire::http::Proxy "http://{host!s}:{port}/";\n'

    def __enter__(self) -> AptProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Forward(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: apt sends its requests on one connection
    cache: Path

    def do_GET(self) -> None:
        self._forward(body=True)

    def do_HEAD(self) -> None:
        self._forward(body=False)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _forward(self, *, body: bool) -> None:
        url = urlsplit(self.path)
        if url.scheme != "http" or not url.hostname:
            self.send_error(400, "http:// URLs only")
            return
        kept = self.cache / Path(url.path).name if url.path.endswith(".deb") else None
        if kept is not None and kept.is_file():
            self._answer(200, "OK", [("Content-Type", "application/vnd.debian.binary-package")],
                         kept.read_bytes(), body)
            return
        upstream = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=120)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            upstream.request(self.command, url.path + (f"?{url.query}" if url.query else ""),
                             headers=headers)
            response = upstream.getresponse()
            data = response.read()
        except OSError as error:
            self.send_error(502, f"upstream: {error}")
            return
        finally:
            upstream.close()
        if kept is not None and response.status == 200 and self.command == "GET":
            partial = kept.with_suffix(".partial")
            partial.write_bytes(data)
            partial.rename(kept)
        self._answer(response.status, response.reason, response.getheaders(), data, body)

    def _answer(self, status: int, reason: str, headers: list[tuple[str, str]], data: bytes,
                body: bool) -> None:
        self.send_response(status, reason)
        for key, value in headers:
            if key.lower() not in HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body and status not in (204, 304):
            self.wfile.write(data)
