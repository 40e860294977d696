"""The one way out to an address a workspace gave us (its SMS gateway; webhooks later).

A workspace must not reach what only our servers can: the cloud's metadata service, Redis and
PostgreSQL on loopback, the private network. So before every request (each redirect hop
included) the host is resolved, every address it resolves to is checked, and the connection
goes to the checked address itself, with the name kept for the Host header and TLS (SNI and the
certificate check): a DNS answer that changes between the check and the connection cannot win.

Refused: loopback (unless ``allow_loopback``: development, tests; ATRIUM_OUTBOUND_ALLOW_LOOPBACK),
private networks (RFC 1918, fc00::/7), link-local (169.254/16 with the metadata service,
fe80::/10), CGNAT 100.64/10, multicast, unspecified, reserved and documentation ranges, the same
inside IPv6 (mapped ::ffff:a.b.c.d, NAT64, 6to4, Teredo), and IPv4 written any other way than
a.b.c.d (2130706433, 0x7f000001, 0177.0.0.1). Plain http only where loopback is allowed.
"""

import asyncio
import ipaddress
import re
import socket
import ssl
from urllib.parse import SplitResult, urlsplit

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
RESOLVE_TIMEOUT_S = 5.0
NAT64 = ipaddress.ip_network("64:ff9b::/96")
# What only looks like a number: an IPv4 address must be written a.b.c.d, nothing else.
NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class OutboundRefused(Exception):
    """Not an address we may call; ``reason`` is one of the keys of REASONS."""

    def __init__(self, reason: str, address: str = "") -> None:
        super().__init__(f"{REASONS[reason]}{f' ({address})' if address else ''}")
        self.reason, self.address = reason, address


REASONS = {
    "scheme": "not an https:// address",
    "malformed": "not a web address",
    "internal": "an address inside our network",
    "unresolved": "a host name that cannot be found",
}


def _inner(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one stands for (mapped, NAT64, 6to4), else itself."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if ip.sixtofour is not None:
            return ip.sixtofour
    return ip


def is_allowed(ip: IPAddress, *, allow_loopback: bool) -> bool:
    """Whether a request may go to ``ip``."""
    ip = _inner(ip)
    if ip.is_loopback:
        return allow_loopback
    if isinstance(ip, ipaddress.IPv6Address) and ip.teredo is not None:
        return False
    return ip.is_global and not (
        ip.is_multicast
        or ip.is_private
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_unspecified
        or ip in ipaddress.ip_network("100.64.0.0/10")
    )


def check_url(url: str, *, allow_loopback: bool) -> SplitResult:
    """The URL split, when its form is one we may call (not yet where it leads); else
    OutboundRefused. Plain http is allowed together with loopback (development and tests)."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises on a port that is no number or out of range
    except ValueError:
        raise OutboundRefused("malformed") from None
    allowed = ("https", "http") if allow_loopback else ("https",)
    if parts.scheme not in allowed:
        raise OutboundRefused("scheme")
    host = parts.hostname or ""
    if not host or parts.username is not None or parts.password is not None:
        raise OutboundRefused("malformed")
    if _literal(host) is None:
        labels = host.rstrip(".").split(".")
        if NUMERIC_HOST.match(labels[-1]):  # 2130706433, 0x7f000001, 0177.0.0.1, 10.1
            raise OutboundRefused("malformed", host)
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise OutboundRefused("malformed") from None
        if not all(HOST_LABEL.match(label) for label in ascii_host.rstrip(".").split(".")):
            raise OutboundRefused("malformed")
    return parts


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


async def resolve(host: str, port: int, *, allow_loopback: bool) -> IPAddress:
    """The address to connect to: ``host`` resolved, every address it has checked (one bad
    address refuses the host: a resolver may hand out any of them)."""
    literal = _literal(host)
    if literal is not None:
        found = [literal]
    else:
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(
                loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), RESOLVE_TIMEOUT_S
            )
        except (OSError, TimeoutError, UnicodeError):
            raise OutboundRefused("unresolved", host) from None
        found = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
        if not found:
            raise OutboundRefused("unresolved", host)
    for ip in found:
        if not is_allowed(ip, allow_loopback=allow_loopback):
            raise OutboundRefused("internal", str(ip))
    return found[0]


async def check_destination(url: str, *, allow_loopback: bool, resolved: bool = True) -> None:
    """Refuse (OutboundRefused) a URL we may not call: its form, and with ``resolved`` where
    its host leads now; a host that cannot be found is let through without ``resolved``
    (checked again at every request)."""
    parts = check_url(url, allow_loopback=allow_loopback)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        await resolve(parts.hostname or "", port, allow_loopback=allow_loopback)
    except OutboundRefused as refused:
        if resolved or refused.reason != "unresolved":
            raise


class GuardedTransport(httpx.AsyncBaseTransport):
    """Every request (a redirect hop is a request of its own) checked, and sent to the checked
    address with the host's name kept for Host, SNI and the certificate."""

    def __init__(self, *, allow_loopback: bool, verify: ssl.SSLContext | bool = True) -> None:
        self.allow_loopback = allow_loopback
        self._transport = httpx.AsyncHTTPTransport(verify=verify, retries=0, trust_env=False)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        check_url(str(request.url), allow_loopback=self.allow_loopback)
        host = request.url.host
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        address = await resolve(host, port, allow_loopback=self.allow_loopback)
        request.url = request.url.copy_with(host=str(address))
        request.extensions = {**request.extensions, "sni_hostname": host}
        # Host was set from the name when the request was built; it stays.
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        await self._transport.aclose()


def outbound_client(
    *, allow_loopback: bool, timeout_s: float = 10.0, verify: ssl.SSLContext | bool = True
) -> httpx.AsyncClient:
    """An httpx client for addresses a workspace gave us; redirects are not followed (each
    hop would be checked by the transport all the same). ``verify``: the certificates trusted
    (the system's by default)."""
    return httpx.AsyncClient(
        transport=GuardedTransport(allow_loopback=allow_loopback, verify=verify),
        timeout=timeout_s,
        follow_redirects=False,
        trust_env=False,
    )
