"""Endpoint URLs as given by people: checked, their credentials taken out, their passwords
never shown.

A ``user:password@`` in an endpoint URL is sent in the Authorization header only (the request
line never carries it), and every URL in a message reads ``user:***@host``.
"""

from __future__ import annotations

import base64
import ipaddress
import re
from dataclasses import dataclass

import httpx

from citynet.errors import CitynetError

_HINT = "for example http://127.0.0.1:7878/store"
_USERINFO = re.compile(r"(//[^/@\s:]*):[^/@\s]*@")


@dataclass(frozen=True)
class Endpoint:
    """An endpoint URL as given: ``url`` without the user and password it may hold, ``shown``
    for messages (the password masked)."""

    url: str
    shown: str
    user: str | None = None
    password: str | None = None


def parse_endpoint(endpoint: str) -> Endpoint:
    """Check an endpoint URL and take any ``user:password@`` out of it. Raises CitynetError,
    naming the URL (its password masked), when it is not an http(s) URL."""
    shown = redact_url(endpoint)
    try:
        url = httpx.URL(endpoint)
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        raise CitynetError(f"the endpoint {shown!r} is not a valid URL: {redact_url(str(error))}", hint=_HINT) from None
    if url.scheme not in ("http", "https") or not url.host:
        raise CitynetError(f"the endpoint {shown!r} is not an http:// or https:// URL", hint=_HINT)
    if url.port is not None and not 0 < url.port < 65536:
        raise CitynetError(f"the endpoint {shown!r} has port {url.port}, which is not a port number (1 to 65535)",
                           hint=_HINT)
    return Endpoint(url=str(url.copy_with(username=None, password=None)), shown=shown,
                    user=url.username or None, password=url.password or None)


def without_userinfo(url: str) -> str:
    """``url`` as it goes on the wire: without a ``user:password@``."""
    if "@" not in url:
        return url
    return str(httpx.URL(url).copy_with(username=None, password=None))


def credentials(target: Endpoint, user: str | None, password: str | None) -> tuple[str | None, str | None]:
    """The user and password to send: those given, else those in the endpoint URL."""
    if user is None and target.user is not None:
        return target.user, password if password is not None else target.password
    return user, password


def readable_on_the_way(target: Endpoint, auth: str) -> bool:
    """Whether Basic authentication to ``target`` would cross a network unencrypted: plain
    http:// to a host that is not this machine (Digest sends no password, only a hash)."""
    url = httpx.URL(target.url)
    if auth != "basic" or url.scheme != "http":
        return False
    host = url.host.lower()
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def redact_url(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@host`` in it masked."""
    return _USERINFO.sub(r"\1:***@", text)


def without_secrets(text: str, request: httpx.Request | None) -> str:
    """A store's answer with passwords masked: those in URLs, and the one ``request`` sent in
    Basic authentication, as it is and as encoded (a store that echoes the request's headers
    would show it). Digest sends no password."""
    text = redact_url(text)
    sent = request.headers.get("Authorization", "") if request is not None else ""
    if sent[:6].lower() == "basic ":
        token = sent[6:].strip()
        try:
            secret = base64.b64decode(token).decode("utf-8").partition(":")[2]
        except ValueError:
            secret = ""
        text = text.replace(token, "***")
        if secret:
            text = text.replace(secret, "***")
    return text
