"""Fetching a page for URL import without letting a user reach the server's own network.

An editor gives the URL, so the server must not become their proxy into places only it can
reach (server-side request forgery): its loopback interface, the private network, cloud
metadata at 169.254.169.254. The rules:

- only ``http``/``https``, no credentials in the URL (these say so: they are about the URL);
- the host name is resolved here, and every address it resolves to must be public (not
  loopback, private, link-local, shared, reserved, multicast or unspecified; IPv4 addresses
  inside IPv6 ones, such as ``::ffff:127.0.0.1``, are judged as IPv4);
- the connection goes to the address that was checked, with the name only in the ``Host``
  header and TLS verification, so a DNS answer that changes between check and connect
  (DNS rebinding) cannot send it elsewhere;
- redirects are followed here, a few at most, each hop checked the same way;
- ``IMPORT_URL_ALLOWED_HOSTS`` lists host names or addresses fetched even though they are
  not public (the tests' local server, an intranet archive);
- every refusal and every connection failure gives the same message, so the answer does
  not tell whether something listens on an internal port. The reason goes to the log.

urllib3 (already installed with trafilatura) does the HTTP; it connects to the address we
give it and verifies the certificate against the name we give it.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from urllib3.exceptions import HTTPError as Urllib3Error

from articles.importing.records import ImportFormatError

logger = logging.getLogger(__name__)

USER_AGENT = "opinion-annotator/0.1 (+article import)"
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """Why a URL was not fetched; for the log only (users get ``unreachable``)."""


def unreachable(url: str) -> ImportFormatError:
    return ImportFormatError(
        f"{url}: the page could not be fetched. Only pages on public addresses are imported; "
        "check the URL.",
        field="url",
    )


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    body: bytes
    charset: str | None


def address_is_public(address: IPAddress) -> bool:
    """Whether ``address`` is on the public internet (what a user may make us fetch)."""
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv4 address carried in IPv6 reaches that IPv4 address: judge it as such.
        if address.ipv4_mapped is not None:
            return address_is_public(address.ipv4_mapped)
        if address in _NAT64:
            return address_is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        tunnelled = address.sixtofour or (address.teredo[1] if address.teredo else None)
        if tunnelled is not None and not address_is_public(tunnelled):
            return False
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def _allowed_anyway(host: str) -> bool:
    allowed = {name.strip().lower().strip("[]") for name in settings.IMPORT_URL_ALLOWED_HOSTS}
    return host.lower() in allowed


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to, all of them public unless the host is allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise Refused(f"cannot resolve {host!r}: {error}") from None
    addresses: list[IPAddress] = []
    for *_, sockaddr in infos:
        # Drop an IPv6 scope ("fe80::1%eth0"); link-local is refused anyway.
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not _allowed_anyway(host):
        private = [str(a) for a in addresses if not address_is_public(a)]
        if private:
            raise Refused(f"{host!r} resolves to non-public {', '.join(private)}")
    if not addresses:
        raise Refused(f"{host!r} has no address")
    return addresses


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # as the URL gives it, without brackets
    port: int
    path: str  # with the query string

    @property
    def host_header(self) -> str:
        name = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return name if self.port == default else f"{name}:{self.port}"


def _target(url: str) -> _Target:
    """Where ``url`` points; a URL of the wrong shape is the user's to fix, so it says why
    (nothing about the network is learnt from it)."""

    def wrong(why: str) -> ImportFormatError:
        return ImportFormatError(f"{url}: {why}", field="url")

    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise wrong(f"not a valid URL ({error}).") from None
    if parts.scheme not in ("http", "https"):
        raise wrong("Only http:// and https:// URLs can be fetched.")
    if parts.username is not None or parts.password is not None:
        raise wrong("a user name or password in the URL is not supported.")
    if not parts.hostname:
        raise wrong("the URL has no host.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    default = 443 if parts.scheme == "https" else 80
    return _Target(parts.scheme, parts.hostname, port or default, path)


def _pool(target: _Target, address: IPAddress, timeout: float) -> urllib3.HTTPConnectionPool:
    limits = urllib3.Timeout(connect=timeout, read=timeout)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            str(address),
            port=target.port,
            timeout=limits,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(str(address), port=target.port, timeout=limits, retries=False)


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    return message.get_content_charset()


def _page_limit() -> tuple[int, str]:
    # A page is held whole in memory (to extract its article): IMPORT_MAX_WHOLE_BYTES bounds
    # it, not the upload limit, which is about disk since uploads are streamed.
    return min(
        (settings.IMPORT_MAX_WHOLE_BYTES, "IMPORT_MAX_WHOLE_BYTES"),
        (settings.IMPORT_MAX_UPLOAD_BYTES, "IMPORT_MAX_UPLOAD_BYTES"),
    )


def _read(response: urllib3.BaseHTTPResponse, url: str, deadline: float) -> bytes:
    limit, setting = _page_limit()
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = response.read(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise ImportFormatError(
                f"{url}: the page is larger than {limit} bytes ({setting}).", field="url"
            )
        if time.monotonic() > deadline:
            raise Refused("the page took too long to arrive")
        chunks.append(chunk)


def fetch(url: str, *, timeout: float | None = None) -> Page:
    """GET ``url`` under the rules above; raises ``ImportFormatError`` (field ``url``)."""
    seconds = float(timeout or settings.IMPORT_FETCH_TIMEOUT)
    deadline = time.monotonic() + seconds * 3  # connect, headers and body, at most
    current = url
    try:
        for _ in range(MAX_REDIRECTS + 1):
            target = _target(current)
            pool, response = _open(target, resolve(target.host, target.port), seconds)
            try:
                location = response.headers.get("Location")
                if response.status in REDIRECTS and location:
                    current = urljoin(current, location)
                    continue
                if response.status >= 400:
                    raise ImportFormatError(
                        f"{url}: the server answered {response.status}.", field="url"
                    )
                body = _read(response, url, deadline)
                return Page(current, body, _charset(response.headers.get("Content-Type")))
            finally:
                response.release_conn()
                pool.close()
        raise Refused(f"more than {MAX_REDIRECTS} redirects")
    except (Refused, Urllib3Error, OSError) as reason:
        # Urllib3Error/OSError: the connection broke while the body was read.
        logger.info("URL import of %s refused: %s", url, reason)
        raise unreachable(url) from None


def _open(
    target: _Target, addresses: list[IPAddress], timeout: float
) -> tuple[urllib3.HTTPConnectionPool, urllib3.BaseHTTPResponse]:
    """A pool and the response from the first address that answers."""
    failures = []
    for address in addresses:
        pool = _pool(target, address, timeout)
        try:
            response = pool.urlopen(
                "GET",
                target.path,
                headers={
                    "Host": target.host_header,
                    "User-Agent": USER_AGENT,
                    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                    "Accept-Encoding": "identity",
                },
                redirect=False,
                assert_same_host=False,
                preload_content=False,
                retries=False,
            )
        except (Urllib3Error, OSError) as error:
            pool.close()
            failures.append(f"{address}: {error}")
            continue
        return pool, response
    raise Refused("; ".join(failures) or "no address")
