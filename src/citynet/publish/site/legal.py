"""What a German public body's site must have: an imprint (Impressum) and an accessibility
statement (Erklärung zur Barrierefreiheit). Both are filled from the publication configuration
(``config/publication.toml``: ``[publisher]``, ``[contact]``, ``[imprint]``, ``[accessibility]``).
What the configuration does not give is shown as a marked placeholder naming the key to set:
nothing about the publisher is made up here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from citynet.errors import InputError
from citynet.publish.publication import PublicationConfig, load_config
from citynet.publish.site.i18n import N_, current, gettext
from citynet.publish.site.layout import Page
from citynet.publish.site.paths import SITE_BASE, page_url
from citynet.publish.site.values import View

IMPRINT = SITE_BASE + "imprint"
ACCESSIBILITY = SITE_BASE + "accessibility"
_IMPRINT_KEYS = ("address", "represented_by", "responsible_for_content", "email", "phone", "vat_id")
_ACCESSIBILITY_KEYS = ("status", "prepared_on", "assessed_by", "known_issues", "feedback_email",
                       "enforcement_body", "enforcement_url")
STATUS = {"fully": N_("fully compliant"), "partially": N_("partially compliant"), "not": N_("not compliant")}


@dataclass(frozen=True)
class Entry:
    """One line of a legal page: its words and its value, or the key that would give it."""

    words: str
    value: Any = None  # text, a list of texts, or None
    href: str | None = None
    missing: str | None = None  # "[imprint] address": what to set in config/publication.toml


def _in_language(value: Any) -> Any:
    """A value given once, or per language (``key.en``, ``key.de``): the page's, else English."""
    if isinstance(value, Mapping):
        return value.get(current(), value.get("en"))
    return value


def _table(config: PublicationConfig, name: str, keys: tuple[str, ...]) -> dict[str, Any]:
    table = dict(config.site_texts.get(name, {}))
    unknown = sorted(set(table) - set(keys))
    if unknown:
        raise InputError(f"[{name}] {unknown[0]}: unknown key (misspelt?); known: {', '.join(keys)}",
                         path=config.path)
    return {key: _in_language(value) for key, value in table.items()}


def _entry(table: dict[str, Any], table_name: str, key: str, words: str, href: Callable[[str], str] | None = None
           ) -> Entry:
    value = table.get(key)
    if value in (None, "", []):
        return Entry(words, missing=f"[{table_name}] {key}")
    return Entry(words, value, href(str(value)) if href else None)


def imprint_page(view: View) -> Page:
    config = load_config()
    table = _table(config, "imprint", _IMPRINT_KEYS)
    contact = config.contact
    entries = [
        Entry(gettext("Published by"), config.publisher.name, config.publisher.homepage),
        _entry(table, "imprint", "address", gettext("Address")),
        _entry(table, "imprint", "represented_by", gettext("Represented by")),
        _entry(table, "imprint", "responsible_for_content", gettext("Responsible for the content")),
        Entry(gettext("Contact"), contact.name, contact.url),
    ]
    email = table.get("email") or contact.email
    entries.append(Entry(gettext("Email"), email, f"mailto:{email}") if email
                   else Entry(gettext("Email"), missing="[imprint] email"))
    for key, words in (("phone", gettext("Phone")), ("vat_id", gettext("VAT identification number"))):
        if table.get(key):
            entries.append(Entry(words, table[key]))
    data = {"entries": entries, "licence": config.licence, "base_url": config.base_url}
    return Page(path="imprint", title=gettext("Imprint"), template="imprint.html", data=data, section="",
                iri=IMPRINT, description=gettext("Who publishes this site, and how to reach them."),
                schema=[_web_page(gettext("Imprint"), "imprint", config)])


def accessibility_page(view: View) -> Page:
    config = load_config()
    table = _table(config, "accessibility", _ACCESSIBILITY_KEYS)
    status = table.get("status")
    if status is not None and status not in STATUS:
        raise InputError(f"[accessibility] status: {status!r} is not one of {', '.join(STATUS)}", path=config.path)
    feedback = table.get("feedback_email")
    contact = Entry(gettext("Contact"), config.contact.name, config.contact.url)
    data = {
        "status": Entry(gettext("Status"), gettext(STATUS[status])) if status
        else Entry(gettext("Status"), missing="[accessibility] status"),
        "prepared_on": _entry(table, "accessibility", "prepared_on", gettext("Prepared on")),
        "assessed_by": _entry(table, "accessibility", "assessed_by", gettext("How it was assessed")),
        "known_issues": table.get("known_issues") or [],
        "feedback": Entry(gettext("Email"), feedback, f"mailto:{feedback}") if feedback else
        (Entry(gettext("Email"), config.contact.email, f"mailto:{config.contact.email}") if config.contact.email
         else None),
        "contact": contact,
        "enforcement": _entry(table, "accessibility", "enforcement_body", gettext("Enforcement body"),
                              (lambda _: str(table["enforcement_url"])) if table.get("enforcement_url") else None),
        "base_url": config.base_url,
    }
    return Page(path="accessibility", title=gettext("Accessibility statement"), template="accessibility.html",
                data=data, iri=ACCESSIBILITY,
                description=gettext("How accessible this site is, and where to report barriers."),
                schema=[_web_page(gettext("Accessibility statement"), "accessibility", config)])


def _web_page(title: str, path: str, config: PublicationConfig) -> dict[str, Any]:
    return {"@context": "https://schema.org", "@type": "WebPage", "name": title, "inLanguage": current(),
            "url": page_url(path, current()),
            "publisher": {"@type": "Organization", "name": config.publisher.name, "url": config.publisher.homepage}}


#: The pages by IRI (``…/citynet/imprint``), as render.py looks them up.
LEGAL_PAGES: dict[str, Callable[[View], Page]] = {IMPRINT: imprint_page, ACCESSIBILITY: accessibility_page}
