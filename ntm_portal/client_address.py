"""The address a request came from, as the lockout and the security events record it.

REMOTE_ADDR unless settings.TRUSTED_PROXY_COUNT says how many reverse proxies stand in front of the portal:
each appends the address it received the request from to X-Forwarded-For, so the client is the entry that
many places from the right. Entries further left are whatever the client sent and are never trusted.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote
