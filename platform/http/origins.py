"""A site's origin (https://liza-salon.ru), as a Content-Security-Policy source may name it.

Workspaces list sites (the salon's widget sites) that end up in a response header, so what is
kept is rebuilt only from checked parts: http or https, a host name of letters, digits and
hyphens (an international name in its xn-- form) or an IPv4 address, and a port. Anything a
header could read as more is refused, not cleaned: whitespace, ``;`` and ``,`` (the policy's
separators), quotes, ``*`` (wildcards: an empty list already lets any site), backslashes, a
user name. IPv6 addresses are refused too: a policy's host-source cannot name one. A page's
address is taken for its site (its path is dropped).
"""

import ipaddress
import re
from urllib.parse import urlsplit

NOT_IN_A_SITE = re.compile(r"[\s;,'\"*\\`<>^{}|\x00-\x1f\x7f]")
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
MAX_HOST = 253


def site_origin(raw: str) -> str | None:
    """``raw``'s origin, scheme://host[:port] in lower case; None when it is not a site's
    address."""
    text = raw.strip()
    if not text or len(text) > 2000 or NOT_IN_A_SITE.search(text):
        return None
    try:
        address = urlsplit(text)
        port = address.port
    except ValueError:  # a port that is no number, or out of range
        return None
    if address.scheme not in ("http", "https") or port == 0:
        return None
    if address.username is not None or address.password is not None:
        return None
    host = _host(address.hostname or "")
    if host is None:
        return None
    return f"{address.scheme}://{host}{f':{port}' if port else ''}"


def is_origin(text: str) -> bool:
    """Whether ``text`` is already an origin as site_origin writes it."""
    return isinstance(text, str) and site_origin(text) == text


def _host(host: str) -> str | None:
    if not host or host.startswith("["):
        return None
    try:
        return str(ipaddress.IPv4Address(host))  # only a.b.c.d
    except ValueError:
        pass
    if ":" in host:  # IPv6: no way to name it in a policy
        return None
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = ascii_host.split(".")
    if len(ascii_host) > MAX_HOST or not all(HOST_LABEL.match(label) for label in labels):
        return None
    if labels[-1].isdigit():  # 10.1, 2130706433: numbers that are no address
        return None
    return ascii_host
