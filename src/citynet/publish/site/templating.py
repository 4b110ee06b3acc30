"""The Jinja2 templates of every HTML page, the site's and the server's alike, and of the SVG map.

They live in ``templates/``: ``layout.html`` is the frame every page extends (head, navigation,
footer), ``macros.html`` writes values, links and tables, and each kind of page has its own
template. ``_("…")`` in a template is a message of the gettext catalog (:mod:`.i18n`), in the
language of the page being made. Autoescaping is on for every template: a text from the graph is always escaped, and
only what a template or a macro wrote is markup.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from citynet.publish.site import i18n

__all__ = ["Markup", "environment", "render"]


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("citynet.publish.site", "templates"),
        autoescape=True,  # every template is HTML or SVG
        undefined=StrictUndefined,  # a misspelt name is an error, not an empty string
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    # _("…") and {% trans %} in the language of the page being made (i18n.language)
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["current_language"] = i18n.current
    env.filters["number"] = i18n.number  # 1.234 on a German page, 1,234 on an English one
    env.filters["language_name"] = i18n.language_name
    return env


def render(template: str, **context: Any) -> Markup:
    """``template`` filled in with ``context``."""
    return Markup(environment().get_template(template).render(**context))  # noqa: S704 - autoescaped
