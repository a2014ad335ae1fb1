"""ICE configuration for the relay's peer connections and for the browsers.

No STUN server by default: aiortc would otherwise ask Google's public STUN server, and the
clinic's traffic metadata should not go to a third party unless the operator chooses a
server (ODCP_STUN_URLS, ODCP_TURN_URL/USERNAME/CREDENTIAL).

Host candidates: aioice offers every interface address except 127.0.0.1 and has no option
to change that (aioice.ice.get_host_addresses is called for every gathering). An allow-list
(ODCP_RTC_HOST_ADDRESSES, e.g. the public interface of the server, or 127.0.0.1 in tests)
replaces that function for the whole process, so the relay's answer and every in-process
peer offer only those addresses. Tests set it to 127.0.0.1: their media never touches the
machine's LAN address.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import aioice.ice
import ifaddr
from aiortc import RTCConfiguration, RTCIceServer

from odcp.settings import Settings, get_settings

log = logging.getLogger("odcp.rtc")
_AIOICE_DEFAULT = aioice.ice.get_host_addresses
LOOPBACK = ("127.0.0.1",)


def browser_ice_servers(settings: Settings | None = None) -> list[dict]:
    """The iceServers list for `new RTCPeerConnection({iceServers})` in the browser."""
    settings = settings or get_settings()
    servers: list[dict] = []
    if settings.stun_servers:
        servers.append({"urls": list(settings.stun_servers)})
    if settings.turn_url:
        servers.append({"urls": [settings.turn_url], "username": settings.turn_username,
                        "credential": settings.turn_credential})
    return servers


def rtc_configuration(settings: Settings | None = None) -> RTCConfiguration:
    """The relay's configuration: the same servers, and an explicit empty list otherwise
    (aiortc's default, None, means a public STUN server)."""
    return RTCConfiguration(iceServers=[RTCIceServer(**server)
                                        for server in browser_ice_servers(settings)])


def _local_addresses() -> set[str]:
    found = set()
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            found.add(ip.ip if isinstance(ip.ip, str) else ip.ip[0])
    return found


def restrict_host_addresses(addresses: Sequence[str]) -> None:
    """Offer only `addresses` as host candidates in this process (loopback allowed);
    an empty list restores aioice's own choice."""
    if not addresses:
        aioice.ice.get_host_addresses = _AIOICE_DEFAULT
        return
    present = _local_addresses()
    allowed = tuple(a for a in addresses if a in present)
    for missing in set(addresses) - set(allowed):
        log.warning("ODCP_RTC_HOST_ADDRESSES: %s is not an address of this machine", missing)

    def only_allowed(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        return [a for a in allowed if (use_ipv6 if ":" in a else use_ipv4)]

    aioice.ice.get_host_addresses = only_allowed


def apply_settings(settings: Settings | None = None) -> None:
    """Apply ODCP_RTC_HOST_ADDRESSES when set; otherwise leave aioice (or a test's
    restriction) alone."""
    settings = settings or get_settings()
    if settings.rtc_host_addresses:
        restrict_host_addresses(settings.rtc_host_addresses)
