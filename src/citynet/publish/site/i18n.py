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

import datetime
import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from functools import cache
from importlib import resources
from io import BytesIO

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

__all__ = ["DEFAULT", "LANGUAGES", "N_", "current", "day", "days", "gettext", "language", "language_name", "ngettext",
           "number"]

#: Each language with its name in itself (for the language switch).
LANGUAGES: dict[str, str] = {"en": "English", "de": "Deutsch"}
DEFAULT = "en"
DOMAIN = "messages"
#: The locale whose dates and numbers each language writes ("27 September 2021", "27. September 2021").
LOCALES = {"en": "en_GB", "de": "de_DE"}

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


def number(value: float | int | str | Decimal, places: int | None = None) -> str:
    """A number as the page's language writes it (54.09, 54,09); ``places`` fixes the decimals."""
    fmt = None if places is None else "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=fmt, locale=LOCALES[current()])


def day(value: datetime.date) -> str:
    """27 September 2021 / 27. September 2021."""
    return format_date(value, format="long", locale=LOCALES[current()])


def days(first: datetime.date, last: datetime.date) -> str:
    """27–29 September 2021 / 27.–29. September 2021; 6 June – 9 July 2006 / 6. Juni – 9. Juli 2006."""
    locale, german = LOCALES[current()], current() == "de"
    if (first.year, first.month) == (last.year, last.month):
        return format_date(first, "d." if german else "d", locale=locale) + "–" + day(last)
    if first.year == last.year:
        return format_date(first, "d. MMMM" if german else "d MMMM", locale=locale) + " – " + day(last)
    return f"{day(first)} – {day(last)}"


_LANGUAGE_NAMES = {"en": N_("English"), "de": N_("German"), "fr": N_("French"), "pl": N_("Polish"),
                   "ru": N_("Russian"), "uk": N_("Ukrainian")}


def language_name(code: str) -> str:
    """The name of a language, in the page's language (the code where citynet has no name for it)."""
    name = _LANGUAGE_NAMES.get(code)
    return gettext(name) if name else code
