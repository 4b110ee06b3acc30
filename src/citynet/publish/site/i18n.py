"""The site's languages: English, the language the code is written in, and German, from the
gettext catalog ``locale/de/LC_MESSAGES/messages.po`` (Babel reads it; ``scripts/translations.py``
extracts the messages from the templates and the code and updates it).

A page is made in one language at a time: :func:`language` sets it for everything that runs
inside (the templates' ``_()``, the code's :func:`gettext`, dates and labels), in a context
variable, so threads of a server each have their own.

Data is not translated: a label in the page's language is shown where the graph has one
(``@de``), else the English one, marked as English. Quotes from sources are never translated.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

__all__ = ["DEFAULT", "LANGUAGES", "N_", "current", "gettext", "language", "ngettext"]

#: Each language with its name in itself (for the language switch).
LANGUAGES: dict[str, str] = {"en": "English", "de": "Deutsch"}
DEFAULT = "en"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("citynet_site_language", default=DEFAULT)


def catalog_path(lang: str) -> str:
    return f"locale/{lang}/LC_MESSAGES/{DOMAIN}.po"


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``lang`` (none for English, the language of the messages)."""
    if lang == DEFAULT:
        return _gettext.NullTranslations()
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGUAGES)}")
    with resources.files("citynet.publish.site").joinpath(catalog_path(lang)).open("rb") as stream:
        catalog = read_po(stream, locale=lang, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def current() -> str:
    """The language of the page being made."""
    return _current.get()


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Make what runs inside in ``lang``."""
    translations(lang)  # an unknown language fails here
    token = _current.set(lang)
    try:
        yield lang
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """A message for the catalog, translated where it is shown (with :func:`gettext`)."""
    return message


_ = gettext
