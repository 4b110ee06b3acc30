"""HTTP/1.1 exchanges written by hand over a socket: the request goes out byte for byte as
a test describes it (method, path, headers, body), with no client adding or fixing anything.
For the W3C protocol tests, whose requests are given exactly in the manifest."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

TIMEOUT = 60


@dataclass
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def exchange(host: str, port: int, method: str, target: str, headers: list[tuple[str, str]] | None = None,
             body: bytes | None = None) -> Reply:
    """Send one request (with ``Host``, ``Content-Length`` when there is a body, and
    ``Connection: close``) and read the whole reply."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers or []]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
    with socket.create_connection((host, port), timeout=TIMEOUT) as connection:
        connection.sendall(request)
        received = bytearray()
        while chunk := connection.recv(65536):
            received += chunk
    return parse_reply(bytes(received), head_only=method == "HEAD")


def parse_reply(data: bytes, *, head_only: bool = False) -> Reply:
    head, _, rest = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    status = int(status_line.split(" ", 2)[1])
    if head_only:
        return Reply(status, headers)
    if headers.get("transfer-encoding", "").lower() == "chunked":
        rest = _unchunk(rest)
    return Reply(status, headers, rest)


def _unchunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += data[:size]
        data = data[size + 2:]
    return bytes(out)
