"""Publication metadata: who publishes citynet, where, under which licence.

The values live in ``config/publication.toml`` (found through
:func:`citynet.resources.resource_root`) and are read into the typed dataclasses
below. :mod:`citynet.publish.catalog` turns them, together with what the graph itself
says, into DCAT-AP.de, VoID and schema.org descriptions.

A config that cannot be used is an :class:`~citynet.errors.InputError` that names
the file and the key, e.g. ``publication.toml: contact.email: 'x' is not an
email address``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

from citynet import resources
from citynet.errors import InputError

CONFIG_FILE = "publication.toml"

CONTRIBUTORS = "http://dcat-ap.de/def/contributors/"
"""Namespace of GovData's contributor ids (``dcatde:contributorID``)."""
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
"""Namespace of the EU Publications Office vocabularies (themes, languages, file types, …)."""
DATA_THEMES = f"{EU_AUTHORITY}data-theme"
"""The EU data-theme scheme (``dcat:themeTaxonomy``); themes are ``{DATA_THEMES}/CODE``."""

_EMAIL = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\".]+")
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class Agent:
    """The publisher: a ``foaf:Agent`` with a name, an IRI and an ADMS publisher type."""

    name: str
    iri: str
    type: str | None = None
    """An IRI from http://purl.org/adms/publishertype/1.0, e.g. ``…/LocalAuthority``."""
    homepage: str | None = None


@dataclass(frozen=True)
class Contact:
    """The contact point (a vCard organisation); it has an email address, a URL, or both."""

    name: str
    email: str | None = None
    """A plain address (``someone@example.org``); written as a ``mailto:`` IRI."""
    url: str | None = None


@dataclass(frozen=True)
class Licence:
    """The licence of the data: the DCAT-AP.de licence IRI and the licence document."""

    iri: str
    """From http://dcat-ap.de/def/licenses, e.g. ``…/cc-by/4.0``."""
    document: str
    """The licence text's own address (used by schema.org)."""
    type: str | None = None
    """An IRI from http://purl.org/adms/licencetype/1.0."""
    attribution: str | None = None
    """``dcatde:licenseAttributionByText``: the attribution the licence asks for."""


@dataclass(frozen=True)
class Paths:
    """Paths below the base URL. Each is joined to ``base_url`` as it is."""

    catalog: str
    dataset: str
    downloads: str
    file_stem: str
    sparql: str
    entities: str


@dataclass(frozen=True)
class CatalogText:
    """Title and description of the catalog, by language tag."""

    title: Mapping[str, str]
    description: Mapping[str, str]
    homepage: str | None = None


@dataclass(frozen=True)
class DatasetText:
    """What the config says about the dataset; counts and dates come from the graph."""

    title: Mapping[str, str]
    description: Mapping[str, str]
    keywords: Mapping[str, tuple[str, ...]]
    themes: tuple[str, ...]
    """EU data themes (http://publications.europa.eu/resource/authority/data-theme/…)."""
    languages: tuple[str, ...]
    """EU languages (http://publications.europa.eu/resource/authority/language/…)."""
    spatial: tuple[str, ...]
    """Spatial coverage: IRIs of a controlled vocabulary (GeoNames, EU countries or places)."""
    accrual_periodicity: str | None = None
    access_rights: str | None = None
    availability: str | None = None
    """EU planned availability of the distributions (``dcatap:availability``)."""


@dataclass(frozen=True)
class PublicationConfig:
    """Everything ``config/publication.toml`` holds, checked."""

    path: Path
    base_url: str
    paths: Paths
    publisher: Agent
    contact: Contact
    licence: Licence
    contributor_id: str
    catalog: CatalogText
    dataset: DatasetText
    distribution_description: Mapping[str, str]
    """Description of each RDF download (the whole graph), by language tag."""
    labels: Mapping[str, Mapping[str, str]]
    """Labels of the concepts (and the theme scheme) used above, by IRI, then language tag."""

    def url(self, path: str) -> str:
        """An address below the base URL."""
        return self.base_url + path

    @property
    def catalog_iri(self) -> str:
        return self.url(self.paths.catalog)

    @property
    def dataset_iri(self) -> str:
        return self.url(self.paths.dataset)

    @property
    def sparql_endpoint(self) -> str:
        return self.url(self.paths.sparql)

    @property
    def uri_space(self) -> str:
        return self.url(self.paths.entities)

    def download_url(self, suffix: str) -> str:
        """Where the export with file suffix ``suffix`` (``.ttl``) is published."""
        return self.url(f"{self.paths.downloads}{self.paths.file_stem}{suffix}")


def config_path() -> Path:
    """``config/publication.toml`` in the checkout, or in the installed package."""
    return resources.resource_root() / "config" / CONFIG_FILE


def load_config(path: Path | None = None) -> PublicationConfig:
    """Read and check the publication config (the shipped one unless ``path`` is given)."""
    path = path or config_path()
    try:
        with path.open("rb") as stream:
            document = tomllib.load(stream)
    except FileNotFoundError:
        raise InputError("publication config not found", path=path,
                         hint="citynet looks for config/publication.toml next to ontology/ and data/") from None
    except OSError as error:
        raise InputError(f"cannot read publication config: {error}", path=path) from None
    except tomllib.TOMLDecodeError as error:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        raise InputError(f"TOML syntax error: {error}", path=path,
                         line=int(where[1]) if where else None, column=int(where[2]) if where else None) from None
    return parse_config(document, path)


def parse_config(document: Mapping[str, Any], path: Path) -> PublicationConfig:
    """Check a parsed TOML document; ``path`` is named in errors."""
    root = _Table(document, path, "")
    base_url = root.url("base_url")
    if not base_url.endswith("/"):
        root.fail("base_url", f"{base_url!r} must end with '/'")
    paths = root.table("paths")
    publisher = root.table("publisher")
    contact = root.table("contact")
    licence = root.table("licence")
    govdata = root.table("govdata")
    catalog = root.table("catalog")
    dataset = root.table("dataset")
    distributions = root.table("distributions")
    config = PublicationConfig(
        path=path,
        base_url=base_url,
        paths=Paths(**{name: paths.relative(name) for name in
                       ("catalog", "dataset", "downloads", "file_stem", "sparql", "entities")}),
        publisher=Agent(name=publisher.text("name"), iri=publisher.url("iri"),
                        type=publisher.url("type", required=False),
                        homepage=publisher.url("homepage", required=False)),
        contact=_contact(contact),
        licence=Licence(iri=licence.url("iri"), document=licence.url("document"),
                        type=licence.url("type", required=False),
                        attribution=licence.text("attribution", required=False)),
        contributor_id=govdata.url("contributor_id", namespace=CONTRIBUTORS),
        catalog=CatalogText(title=catalog.languages("title"), description=catalog.languages("description"),
                            homepage=catalog.url("homepage", required=False)),
        dataset=DatasetText(
            title=dataset.languages("title"),
            description=dataset.languages("description"),
            keywords=dataset.keywords("keywords"),
            themes=dataset.urls("themes", namespace=f"{DATA_THEMES}/"),
            languages=dataset.urls("languages", namespace=f"{EU_AUTHORITY}language/"),
            spatial=dataset.urls("spatial"),
            accrual_periodicity=dataset.url("accrual_periodicity", required=False,
                                            namespace=f"{EU_AUTHORITY}frequency/"),
            access_rights=dataset.url("access_rights", required=False, namespace=f"{EU_AUTHORITY}access-right/"),
            availability=dataset.url("availability", required=False,
                                     namespace=f"{EU_AUTHORITY}planned-availability/"),
        ),
        distribution_description=distributions.languages("description"),
        labels=root.labels("labels"),
    )
    concepts = [*config.dataset.themes, DATA_THEMES, config.contributor_id, config.publisher.type,
                config.licence.type, config.dataset.availability]
    for concept in concepts:
        if concept is not None and concept not in config.labels:
            root.fail(f'labels."{concept}"', "missing: every concept the config uses needs its label")
    for table in (root, paths, publisher, contact, licence, govdata, catalog, dataset, distributions):
        table.check_no_unknown_keys()
    return config


def _contact(table: _Table) -> Contact:
    email = table.text("email", required=False)
    if email is not None:
        email = email.removeprefix("mailto:")
        if not _EMAIL.fullmatch(email):
            table.fail("email", f"{email!r} is not an email address")
    url = table.url("url", required=False)
    if email is None and url is None:
        table.fail("email", "the contact point needs an email address or a url (DCAT-AP.de requires one)")
    return Contact(name=table.text("name"), email=email, url=url)


class _Table:
    """One TOML table, read key by key; every error names the file and the dotted key."""

    def __init__(self, values: Mapping[str, Any], path: Path, prefix: str) -> None:
        self.values = values
        self.path = path
        self.prefix = prefix
        self.read: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def fail(self, name: str, problem: str) -> NoReturn:
        raise InputError(f"{self.key(name)}: {problem}", path=self.path,
                         hint=f"fix key {self.key(name)!r} in the publication config")

    def get(self, name: str, kind: type | tuple[type, ...], required: bool) -> Any:
        self.read.add(name)
        if name not in self.values:
            if required:
                self.fail(name, "missing")
            return None
        value = self.values[name]
        if not isinstance(value, kind):
            expected = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
            self.fail(name, f"expected {expected}, got {type(value).__name__} {value!r}")
        return value

    def table(self, name: str) -> _Table:
        return _Table(self.get(name, dict, True), self.path, f"{self.key(name)}.")

    def text(self, name: str, required: bool = True) -> Any:
        value = self.get(name, str, required)
        if value is not None and not value.strip():
            self.fail(name, "is empty")
        return value

    def relative(self, name: str) -> str:
        """A path below the base URL: no scheme, no leading slash."""
        value = self.text(name)
        if value.startswith("/") or urlsplit(value).scheme or any(c.isspace() for c in value):
            self.fail(name, f"{value!r} must be a relative path (it is joined to base_url)")
        return value

    def url(self, name: str, required: bool = True, namespace: str | None = None) -> Any:
        value = self.text(name, required)
        if value is not None:
            self._check_url(name, value, namespace)
        return value

    def urls(self, name: str, namespace: str | None = None) -> tuple[str, ...]:
        values = self.get(name, list, True)
        if not values:
            self.fail(name, "needs at least one IRI")
        for value in values:
            if not isinstance(value, str):
                self.fail(name, f"expected IRIs (strings), got {value!r}")
            self._check_url(name, value, namespace)
        return tuple(values)

    def languages(self, name: str) -> dict[str, str]:
        """A table of texts by language tag: ``title.en = "…"``."""
        values = self.get(name, dict, True)
        if not values:
            self.fail(name, "needs a text in at least one language (title.en = \"…\")")
        for tag, text in values.items():
            if not _LANGUAGE_TAG.fullmatch(tag):
                self.fail(f"{name}.{tag}", f"{tag!r} is not a language tag")
            if not isinstance(text, str) or not text.strip():
                self.fail(f"{name}.{tag}", "expected a non-empty text")
        return dict(values)

    def labels(self, name: str) -> dict[str, dict[str, str]]:
        """A table of language maps by IRI: ``"http://…/GOVE" = { en = "…" }``."""
        values = self.get(name, dict, True)
        table = _Table(values, self.path, f"{self.key(name)}.")
        labels = {}
        for iri in values:
            quoted = f'"{iri}"'
            table._check_url(quoted, iri, None)
            labels[iri] = _Table({quoted: values[iri]}, self.path, table.prefix).languages(quoted)
        return labels

    def keywords(self, name: str) -> dict[str, tuple[str, ...]]:
        """A table of keyword lists by language tag: ``keywords.en = ["…"]``."""
        values = self.get(name, dict, True)
        for tag, words in values.items():
            if not _LANGUAGE_TAG.fullmatch(tag):
                self.fail(f"{name}.{tag}", f"{tag!r} is not a language tag")
            if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                self.fail(f"{name}.{tag}", "expected a list of non-empty texts")
        return {tag: tuple(words) for tag, words in values.items()}

    def _check_url(self, name: str, value: str, namespace: str | None) -> None:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
            self.fail(name, f"{value!r} is not an http(s) IRI")
        if namespace and (not value.startswith(namespace) or value == namespace):
            self.fail(name, f"{value!r} is not in the vocabulary {namespace}")

    def check_no_unknown_keys(self) -> None:
        unknown = sorted(set(self.values) - self.read)
        if unknown:
            self.fail(unknown[0], "unknown key (misspelt?)")
