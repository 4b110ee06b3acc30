"""Extract the site's messages and update the German gettext catalog, with Babel.

    python scripts/translations.py           # update src/citynet/publish/site/locale/de/…/messages.po
    python scripts/translations.py --check   # exit 1 if a message is new, gone or untranslated

The messages are ``_("…")`` and ``{% trans %}`` in the templates (Jinja2's extractor) and
``gettext("…")``, ``ngettext`` and ``N_("…")`` in the site's code and the server's query page
(``server/page.py``). New messages enter the
catalog untranslated; a translator fills in ``msgstr``. tests/test_i18n.py runs ``--check``.
"""

from __future__ import annotations

import argparse
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

SITE = Path(__file__).resolve().parent.parent / "src" / "citynet" / "publish" / "site"
CATALOG = SITE / "locale" / "de" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHODS = [("templates/**.html", "jinja2.ext:babel_extract"), ("templates/**.svg", "jinja2.ext:babel_extract"),
           ("**.py", "python")]
# The server's pages that people read (the query page), in the site's frame and language.
SERVER = SITE.parent.parent / "server"
SERVER_METHODS = [("page.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"},
           "templates/**.svg": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}}


def extracted() -> Catalog:
    catalog = Catalog(locale="de", project="citynet", charset="utf-8")
    for folder, methods in ((SITE, METHODS), (SERVER, SERVER_METHODS)):
        for filename, lineno, message, comments, context in extract_from_dir(
                folder, methods, OPTIONS, keywords=KEYWORDS, comment_tags=("Translators:",)):
            catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def updated(template: Catalog) -> Catalog:
    if CATALOG.exists():
        with CATALOG.open("rb") as stream:
            catalog = read_po(stream, locale="de")
    else:
        catalog = Catalog(locale="de", project="citynet", charset="utf-8")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    return catalog


def as_text(catalog: Catalog) -> bytes:
    out = BytesIO()
    write_po(out, catalog, width=100, omit_header=False, sort_output=False, include_previous=False,
             no_location=True)
    return out.getvalue()


def problems(catalog: Catalog) -> list[str]:
    found = []
    for message in catalog:
        if message.id and (not message.string or (isinstance(message.string, tuple) and not all(message.string))):
            found.append(f"untranslated: {message.id!r}")
        elif message.id and message.fuzzy:
            found.append(f"fuzzy: {message.id!r}")
    return found


def _ids(catalog: Catalog) -> set[object]:
    return {message.id for message in catalog if message.id}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail if the catalog is not up to date")
    args = parser.parse_args()
    catalog = updated(extracted())
    text = as_text(catalog)
    if args.check:
        stale = not CATALOG.exists() or _ids(read_po(CATALOG.open("rb"), locale="de")) != _ids(extracted())
        found = problems(catalog) + (["the catalog is not up to date: run scripts/translations.py"] if stale else [])
        print("\n".join(found) or "the German catalog is complete")
        return 1 if found else 0
    CATALOG.parent.mkdir(parents=True, exist_ok=True)
    CATALOG.write_bytes(text)
    print(f"{CATALOG}: {len(catalog)} messages, {len(problems(catalog))} to translate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
