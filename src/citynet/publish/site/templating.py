"""The Jinja2 templates of every HTML page, the site's and the server's alike, and of the SVG map.

They live in ``templates/``: ``layout.html`` is the frame every page extends (head, navigation,
footer), ``macros.html`` writes values, links and tables, and each kind of page has its own
template. Autoescaping is on for every template: a text from the graph is always escaped, and
only what a template or a macro wrote is markup.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

__all__ = ["Markup", "environment", "render"]


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("citynet.publish.site", "templates"),
        autoescape=True,  # every template is HTML or SVG
        undefined=StrictUndefined,  # a misspelt name is an error, not an empty string
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )


def render(template: str, **context: Any) -> Markup:
    """``template`` filled in with ``context``."""
    return Markup(environment().get_template(template).render(**context))  # noqa: S704 - autoescaped
