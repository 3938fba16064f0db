"""Same-origin only: which requests the front answers, by the headers a browser cannot forge.

A web page the user visits can make the browser send requests to ``http://127.0.0.1:8078`` (a form POST needs no
preflight), and with DNS rebinding read the answers (issue 16). The front therefore refuses, before anything
else (:func:`verdict`):

* a ``Host`` header that is not the address the front listens on (HTTP 421 Misdirected Request): a rebinding
  page's requests carry its own host name. Allowed: ``HOST:PORT`` as given to ``--host``; for a loopback address,
  also ``localhost``, ``127.0.0.1`` and ``[::1]``; for a wildcard address (``0.0.0.0``, ``::``), any IP literal and
  ``localhost`` (never a name a DNS could point elsewhere);
* an ``Origin`` header (sent by browsers with every POST and every cross-origin fetch, Fetch Standard section
  3.2) that is not the front's own origin, ``http://`` + the request's ``Host``, nor the origin given with
  ``--cors`` (HTTP 403);
* a ``Sec-Fetch-Site`` header (Fetch Metadata Request Headers) other than ``same-origin`` or ``none`` (a URL
  typed or bookmarked), unless the ``Origin`` is the ``--cors`` one (HTTP 403): it covers what browsers send
  without ``Origin``, such as an image or a link to ``/sparql?query=…`` on another site.

Clients that are not browsers (curl, SPARQLWrapper, ``perr query --endpoint``) send a correct ``Host`` and neither
``Origin`` nor ``Sec-Fetch-Site``: they are answered. CORS headers are sent only with ``--cors ORIGIN``, and only to
that origin (:func:`cors_headers`).
"""

from __future__ import annotations

import ipaddress
from http import HTTPStatus

from perr_graph.errors import QueryError

_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def _split_host(value: str) -> tuple[str, str]:
    """(host, port) of a Host header value (``[::1]:8078``, ``localhost:8078``, ``127.0.0.1``)."""
    value = value.strip().lower()
    if value.startswith("["):
        host, _, rest = value.partition("]")
        return host + "]", rest.removeprefix(":")
    host, _, port = value.rpartition(":") if value.count(":") == 1 else (value, "", "")
    return host, port


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class Origins:
    """What the front at ``host:port`` accepts (see the module docstring); ``cors``: the one other origin
    allowed, or None."""

    def __init__(self, host: str, port: int, cors: str | None = None):
        self.host = host.lower()
        self.port = str(port)
        self.cors = cors.rstrip("/").lower() if cors else None
        try:
            address = ipaddress.ip_address(self.host.strip("[]"))
        except ValueError:
            address = None
        self.loopback = (address is not None and address.is_loopback) or self.host == "localhost"
        self.wildcard = address is not None and address.is_unspecified
        bracketed = (
            f"[{self.host}]"
            if address is not None and address.version == 6 and "[" not in self.host
            else self.host
        )
        self.names = {bracketed} | (set(_LOOPBACK_NAMES) if self.loopback else set())

    def host_allowed(self, value: str | None) -> bool:
        if not value:
            return False
        host, port = _split_host(value)
        if port != self.port:
            return False
        if host in self.names:
            return True
        return self.wildcard and (_is_ip(host) or host == "localhost")

    def verdict(self, headers) -> tuple[int, str] | None:
        """None when the request may be answered; else (HTTP status, one-line reason)."""
        host = headers.get("Host")
        if not self.host_allowed(host):
            return (
                HTTPStatus.MISDIRECTED_REQUEST,
                f"refused: this server answers requests for http://{self.host}:{self.port}/ only (Host: {host or 'missing'})",
            )
        origin = (headers.get("Origin") or "").rstrip("/").lower()
        own = f"http://{(host or '').lower()}"
        if origin and origin != own and origin != self.cors:
            return (
                HTTPStatus.FORBIDDEN,
                f"refused: a request from {origin} (only pages of {own} may query this server; see --cors)",
            )
        site = (headers.get("Sec-Fetch-Site") or "").lower()
        if site and site not in ("same-origin", "none") and not (self.cors and origin == self.cors):
            return (
                HTTPStatus.FORBIDDEN,
                f"refused: a {site} request (only pages of {own} may query this server)",
            )
        return None

    def cors_headers(self, headers) -> dict[str, str]:
        """``Access-Control-Allow-Origin`` and its companions, for a request from the ``--cors`` origin only."""
        origin = (headers.get("Origin") or "").rstrip("/").lower()
        if not self.cors or origin != self.cors:
            return {}
        return {
            "Access-Control-Allow-Origin": headers.get("Origin", "").rstrip("/"),
            "Access-Control-Allow-Methods": "GET, POST",
            "Access-Control-Allow-Headers": "Content-Type, Accept",
            "Access-Control-Max-Age": "600",
            "Vary": "Origin",
        }


def parse_cors(value: str | None) -> str | None:
    """``--cors ORIGIN``: an origin (``https://example.org``, ``http://host:8080``), never a wildcard."""
    if value is None:
        return None
    import urllib.parse

    parts = urllib.parse.urlsplit(value.rstrip("/"))
    if (
        value.strip() == "*"
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.path
        or parts.query
    ):
        raise QueryError(
            f"--cors {value!r}: give one origin, scheme and host (https://example.org), not a pattern"
        )
    return f"{parts.scheme}://{parts.netloc}"
