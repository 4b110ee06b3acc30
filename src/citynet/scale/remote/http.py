"""HTTP to triplestores: a client with the right authentication, errors that say what to do,
and retries with backoff for the requests that may safely be sent again."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from typing import Literal as Choice

import httpx

from citynet.errors import CitynetError
from citynet.scale.remote.addresses import redact_url, without_secrets, without_userinfo
from citynet.scale.remote.hints import hint_for, is_lasting

Auth = Choice["basic", "digest"]
T = TypeVar("T")

# Worth another try: the store was busy, restarting or briefly unreachable. 500 is among them
# because Virtuoso answers a deadlock (SR172) with it; the caller only retries what is idempotent.
_TRANSIENT_STATUS = {500, 502, 503, 504}


class RemoteError(CitynetError):
    """A triplestore that cannot be reached, refuses us, or answers with an error."""

    def __init__(self, message: str, *, hint: str | None = None, status: int | None = None,
                 transient: bool = False) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.transient = transient


@dataclass(frozen=True)
class Connection:
    """How to talk to one store: credentials, the time one request may take, and how often an
    idempotent request is sent again after a transient failure (waiting ``backoff`` seconds,
    then twice as long each time)."""

    user: str | None = None
    password: str | None = None
    auth: Auth = "basic"
    timeout: float = 600.0
    retries: int = 3
    backoff: float = 0.5

    def __post_init__(self) -> None:
        if self.auth not in ("basic", "digest"):
            raise CitynetError(f"unknown authentication {self.auth!r}", hint="use basic or digest")
        if not self.timeout > 0:
            raise CitynetError(f"the timeout must be a positive number of seconds, got {self.timeout!r}")
        if self.retries < 0:
            raise CitynetError(f"retries must be 0 or more, got {self.retries!r}")

    def client(self) -> httpx.Client:
        credentials: httpx.Auth | None = None
        if self.user is not None:
            # CITYNET_REMOTE_PASSWORD: the name this API read before it shared the CLI's.
            secret = self.password if self.password is not None else (
                os.environ.get("CITYNET_PASSWORD") or os.environ.get("CITYNET_REMOTE_PASSWORD", ""))
            credentials = httpx.DigestAuth(self.user, secret) if self.auth == "digest" else httpx.BasicAuth(
                self.user, secret)
        return httpx.Client(auth=credentials, timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
                            trust_env=False)

    def retrying(self, step: Callable[[], T], *, sleep: Callable[[float], None] = time.sleep) -> T:
        """Run ``step`` (an idempotent request) until it succeeds, a failure is not transient,
        or the retries are used up; the last error is raised."""
        for attempt in range(self.retries + 1):
            try:
                return step()
            except RemoteError as error:
                if not error.transient or attempt == self.retries:
                    raise
                sleep(self.backoff * 2 ** attempt)
        raise AssertionError("unreachable")


def send(client: httpx.Client, method: str, url: str, endpoint: str, **options: Any) -> httpx.Response:
    """One request, with transport failures turned into RemoteError. A ``user:password@`` in
    ``url`` is not sent (the client's authentication carries it); messages name ``endpoint``
    with its password masked."""
    endpoint = redact_url(endpoint)
    try:
        return client.request(method, without_userinfo(url), **options)
    except httpx.ConnectError as error:
        reason = "connection refused" if "refused" in str(error).lower() else redact_url(str(error))
        raise RemoteError(f"cannot connect to {endpoint}: {reason}",
                          hint="is the triplestore running, and is this its address and port?",
                          transient=True) from None
    except httpx.TimeoutException:
        raise RemoteError(f"{endpoint} did not answer within the timeout",
                          hint="give more time with --timeout (seconds). A store that answers queries but "
                               "not writes may be waiting on locks of an earlier, stalled load "
                               "(Virtuoso: restart it)", transient=True) from None
    except httpx.StreamConsumed:
        raise RemoteError(f"{endpoint} asked to authenticate again after the body was sent",
                          hint="check the user name and password") from None
    except httpx.InvalidURL as error:
        raise RemoteError(f"{endpoint} is not a valid URL: {redact_url(str(error))}",
                          hint="for example http://127.0.0.1:7878/store") from None
    except httpx.HTTPError as error:
        raise RemoteError(f"request to {endpoint} failed: {redact_url(str(error))}", transient=True) from None


def check(response: httpx.Response, endpoint: str, what: str) -> httpx.Response:
    """The response, or a RemoteError that names the status, the store's words (no password
    among them) and a hint."""
    status = response.status_code
    if status < 300:
        return response
    endpoint = redact_url(endpoint)
    detail = without_secrets(" ".join(response.text.split()), response.request)[:400]
    if status in (401, 403):
        raise RemoteError(f"{endpoint} refused the credentials (HTTP {status})", status=status,
                          hint="check --user and the password; Virtuoso's Graph Store and /sparql-auth want --digest")
    if status == 404:
        raise RemoteError(f"no {what} at {endpoint} (HTTP 404)", status=status,
                          hint="Oxigraph: /store, /query and /update; "
                               "Virtuoso: /sparql-graph-crud-auth and /sparql-auth")
    raise RemoteError(f"{endpoint} answered HTTP {status}: {detail}", status=status, hint=hint_for(detail),
                      transient=status in _TRANSIENT_STATUS and not is_lasting(detail))
