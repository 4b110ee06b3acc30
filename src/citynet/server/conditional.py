"""Conditional GETs: an ``ETag`` and ``Last-Modified`` on what the server makes from the graph and
its own files (catalog, VoID, entity documents, the ontology, static assets), and
``304 Not Modified`` when the client already has it, so a harvester skips unchanged documents.

- The ETag is strong: a hash of the body, so each negotiated variant has its own.
- ``Last-Modified`` is the newest modification time of the files the answers are made from:
  the graph's files, the publication config, and citynet's own package (an upgrade changes it).
- ``If-None-Match`` is checked first; ``If-Modified-Since`` only where it is absent (RFC 9110, 13.2.2).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

# Headers a 304 repeats from the 200 it stands for (RFC 9110, 15.4.5).
_KEPT = ("cache-control", "content-location", "vary", "link", "content-security-policy")


def newest_modification(paths: Iterable[Path]) -> datetime:
    """The newest modification time among ``paths`` (whole seconds, as HTTP dates are)."""
    newest = max((path.stat().st_mtime for path in paths if path.is_file()), default=0.0)
    return datetime.fromtimestamp(int(newest), tz=UTC)


def source_files(graph_files: Iterable[Path], config: Path) -> list[Path]:
    """The files every served document depends on: the graph's, the config, citynet's own."""
    package = Path(__file__).resolve().parents[1]
    return [*graph_files, config, *package.rglob("*.py"), *package.glob("server/static/*")]


def entity_tag(body: bytes) -> str:
    return tag_of_digest(hashlib.sha256(body).hexdigest())


def tag_of_digest(sha256: str) -> str:
    """The ETag of a body whose SHA-256 (hexadecimal) is known, e.g. from the catalog."""
    return '"' + sha256[:32] + '"'


def answer(request: Request, body: bytes, last_modified: datetime, *, media_type: str | None = None,
           headers: Mapping[str, str] | None = None, response_class: type[Response] = Response) -> Response:
    """``body`` with its ETag and Last-Modified, or 304 without it when the request's
    conditions say the client has it already."""
    tag = entity_tag(body)
    all_headers = _validators(headers, tag, last_modified)
    if not_modified(request, tag, last_modified):
        return _not_modified(all_headers)
    return response_class(body, media_type=media_type, headers=all_headers)


def answer_file(request: Request, path: Path, sha256: str, last_modified: datetime, *, media_type: str,
                headers: Mapping[str, str] | None = None) -> Response:
    """The file at ``path`` (streamed, not read into memory), as :func:`answer` answers a body:
    its ETag from ``sha256``, the checksum of its bytes."""
    tag = tag_of_digest(sha256)
    all_headers = _validators(headers, tag, last_modified)
    if not_modified(request, tag, last_modified):
        return _not_modified(all_headers)
    return FileResponse(path, media_type=media_type, headers=all_headers)


def _validators(headers: Mapping[str, str] | None, tag: str, last_modified: datetime) -> dict[str, str]:
    return {**(headers or {}), "ETag": tag, "Last-Modified": format_datetime(last_modified, usegmt=True)}


def _not_modified(headers: Mapping[str, str]) -> Response:
    kept = {k: v for k, v in headers.items() if k.lower() in (*_KEPT, "etag", "last-modified")}
    return Response(status_code=304, headers=kept)


def not_modified(request: Request, tag: str, last_modified: datetime) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        # Weak comparison, as RFC 9110 asks for If-None-Match: W/"x" matches "x".
        tags = {part.strip().removeprefix("W/") for part in if_none_match.split(",")}
        return "*" in tags or tag in tags
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        moment = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as RFC 9110 says
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return last_modified <= moment
