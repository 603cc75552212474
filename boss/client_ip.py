"""The client's address behind the TLS proxy (issue 17: the portal's lockout per address).

Production terminates TLS at a reverse proxy (`SECURE_PROXY_SSL_HEADER` trusts its X-Forwarded-Proto), so
REMOTE_ADDR is the proxy's address for every request, and a lockout keyed on it would lock everyone at once
(or no one). `client_ip(request)` takes the address from X-Forwarded-For only when the request comes from a
proxy named in `settings.BOSS_TRUSTED_PROXIES` (addresses or networks, env `BOSS_TRUSTED_PROXIES`, comma
separated; none by default: REMOTE_ADDR as it is). The header is read from the right, skipping the trusted
proxies' own entries: the first address that is not a trusted proxy is the client (what a client writes into
the header itself stands left of it and is never taken). A malformed entry stops the walk at the proxy.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or, from a trusted proxy, the nearest untrusted X-Forwarded-For
    entry. None when there is none."""
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(getattr(settings, "BOSS_TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(_address(remote or ""), networks):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break
        client = str(address)
        if not _trusted(address, networks):
            break
    return client
