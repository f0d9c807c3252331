"""Where a webhook may point: public http(s) addresses only, checked again at every delivery (SSRF).

A URL is refused when its scheme is not http/https, when it carries userinfo, or when its host is,
or resolves to, any loopback, private, link-local (cloud metadata), multicast, unspecified,
reserved or otherwise non-global address. Delivery resolves the name once more and connects only
to the addresses it just checked, so a DNS answer that changes later (rebinding) cannot redirect
the POST. ``allow_private=True`` (setting ``WEBHOOK_ALLOW_PRIVATE``) skips the address check for
development and tests; the scheme and userinfo checks still apply.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3

from workflow.errors import InvalidInput

MAX_URL_LENGTH = 2000
NAT64 = ipaddress.ip_network("64:ff9b::/96")
CLOUD_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}


class BlockedTarget(InvalidInput):
    """The webhook host is, or resolves to, an address Audarma must not connect to."""

    code = "webhook_address_blocked"


class UnresolvedTarget(InvalidInput):
    """The webhook host name does not resolve (now)."""

    code = "webhook_host_unresolved"


@dataclass(frozen=True)
class Target:
    """A checked webhook URL and the addresses it resolved to (connect to these only)."""

    url: str
    scheme: str
    host: str  # as written, without IPv6 brackets; for TLS (SNI, certificate) and the Host header
    port: int
    netloc: str  # host[:port] exactly as written (no userinfo): the Host header
    path: str  # path and query, at least "/"
    addresses: tuple[str, ...]


def blocked_reason(address: str) -> str | None:
    """Why Audarma must not connect to ``address`` (e.g. ``"loopback"``); None if it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id ("fe80::1%eth0")
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in NAT64 else None)
        if embedded is not None and (reason := blocked_reason(str(embedded))):
            return reason
    if ip in CLOUD_METADATA:
        return "link-local (cloud metadata)"
    for reason, flag in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                         ("multicast", ip.is_multicast), ("unspecified", ip.is_unspecified),
                         ("reserved", ip.is_reserved), ("private", ip.is_private)):
        if flag:
            return reason
    return None if ip.is_global else "not globally routable"


def _parse(url: str) -> tuple[str, str, str, int, str, str]:
    """Split a webhook URL; InvalidInput unless it is an absolute http(s) URL without userinfo."""
    url = (url or "").strip()
    bad = InvalidInput("A webhook URL must be an absolute http:// or https:// URL.",
                       code="bad_webhook_url")
    if len(url) > MAX_URL_LENGTH or any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise bad
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise bad from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad
    if "@" in parts.netloc:
        raise InvalidInput("A webhook URL may not carry a user name or password; use the signing "
                           "secret to authenticate deliveries.", code="webhook_url_userinfo")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    port = port or (443 if parts.scheme == "https" else 80)
    return url, parts.scheme, parts.hostname, port, parts.netloc, path


def _resolve(host: str, port: int) -> tuple[str, ...]:
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise UnresolvedTarget(f"The webhook host {host!r} does not resolve ({exc}).") from None
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise UnresolvedTarget(f"The webhook host {host!r} does not resolve.")
    return addresses


def resolve_target(url: str, *, allow_private: bool = False) -> Target:
    """Check ``url`` and resolve its host now; BlockedTarget if any address is not public."""
    url, scheme, host, port, netloc, path = _parse(url)
    addresses = _resolve(host, port)
    if not allow_private:
        for address in addresses:
            if reason := blocked_reason(address):
                shown = host if host == address else f"{host} ({address})"
                raise BlockedTarget(f"Webhooks may only point to public internet addresses; "
                                    f"{shown} is {reason}.")
    return Target(url, scheme, host, port, netloc, path, addresses)


def check_url(url: str, *, allow_private: bool = False) -> tuple[str, str | None]:
    """The URL to store and a warning, or a DomainError: what registering a webhook accepts.

    A name that does not resolve yet is accepted with a warning (the partner may not have
    published its DNS record); every delivery checks the address again before connecting.
    """
    try:
        target = resolve_target(url, allow_private=allow_private)
    except UnresolvedTarget as exc:
        return _parse(url)[0], (f"{exc.message} Saved anyway: every delivery checks the address "
                                "again and fails if it is not public.")
    return target.url, None


def pinned_pool(target: Target, address: str, timeout: float) -> urllib3.HTTPConnectionPool:
    """A one-connection pool to ``address`` (already checked) that still speaks TLS and HTTP to
    ``target.host``: no second DNS lookup, so a changed answer (rebinding) is never followed."""
    limit = urllib3.Timeout(connect=timeout, read=timeout)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(address, target.port, server_hostname=target.host,
                                           assert_hostname=target.host, timeout=limit,
                                           maxsize=1, retries=False)
    return urllib3.HTTPConnectionPool(address, target.port, timeout=limit, maxsize=1,
                                      retries=False)
