"""Small response helpers shared by the endpoints: errors as readable plain text, and
notes for the access log."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

LOG_NOTE = "citynet.log"


def note(request: Request, text: str) -> None:
    """Add a short word to this request's access-log line (e.g. ``timeout``, ``truncated``)."""
    notes = request.scope.get(LOG_NOTE)
    if isinstance(notes, list):
        notes.append(text)


def error(request: Request, status: int, message: str, *, log_note: str | None = None,
          headers: Mapping[str, str] | None = None) -> Response:
    """An error answer: the message as plain text, for people and for SPARQL clients
    (which show the body of a 400)."""
    note(request, log_note or str(status))
    return PlainTextResponse(message.rstrip() + "\n", status_code=status,
                             headers={"Cache-Control": "no-store", **(headers or {})})
