"""``citynet import``: a table's rows into the Turtle of ``data/``, with their sources.

Each row becomes a plan for one entity: the values of the table's columns (the table is
authoritative for those: an emptied cell removes the value), the source the row names (added to
the entity's sources, never removing one) and the quoted words (added to the source's quotes
where they are not among them yet). Names resolve as query parameters do.

Nothing is written until every row is read without error, the edited files parse, and the
resulting graph passes validation; then every changed file is replaced atomically. A table that
says what the data already says changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from citynet.curate.changes import description
from citynet.curate.table_kinds import (
    CN,
    EVENT_KINDS,
    KINDS,
    MEMBERSHIPS,
    ORG,
    PLACE_KINDS,
    SCHEMA,
    TIME,
    Column,
    TableKind,
)
from citynet.curate.table_reading import CellError, Table, TableError, read_table
from citynet.curate.turtle_edits import DataFiles, structure
from citynet.curate.writing import stage_and_validate, write_all
from citynet.errors import CitynetError, InputError
from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.graph.names import normalise
from citynet.graph.prefixes import PREFIXES
from citynet.validation.xsd_lexical import problem

_YEAR = re.compile(r"-?\d{4}")
_DATE = re.compile(r"-?\d{4}-\d{2}-\d{2}")
_SLUG_DROP = re.compile(r"[^a-z0-9]+")


@dataclass
class Plan:
    """What one row says about one entity."""

    row: int
    entity: URIRef
    new: bool
    values: dict[tuple[URIRef, str | None], list[Node]] = field(default_factory=dict)
    """(predicate, language or None) to the wanted values."""
    interval: tuple[Literal | None, Literal | None] | None = None
    sources: list[URIRef] = field(default_factory=list)
    quotes: list[tuple[URIRef, Literal]] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    """Predicate IRI to the column that sets it, for validation findings."""


@dataclass(frozen=True)
class ImportReport:
    table: Path
    kind: str
    rows: int
    changed: list[URIRef]
    written: list[Path]


def import_table(path: Path, kind: str, data_folder: Path) -> ImportReport:
    """Import the table at ``path`` (CSV or XLSX) of ``kind`` into the Turtle files of
    ``data_folder``. Raises :class:`TableError` (every error, with row and column) and writes
    nothing when any row is wrong or the result does not validate."""
    table_kind = KINDS.get(kind)
    if table_kind is None:
        raise InputError(f"unknown table kind {kind!r}", hint=f"kinds: {', '.join(KINDS)}")
    files = sorted(data_folder.glob("*.ttl"))
    if not files:
        raise InputError("no Turtle files here", path=data_folder)
    table = read_table(path)
    graph = KnowledgeGraph(files)
    reader = _RowReader(table_kind, graph, table)
    plans = reader.plans()
    data = DataFiles(files)
    changed = [plan.entity for plan in plans if _apply(plan, table_kind, data, graph.rdflib_graph)]
    staged = data.rendered()
    if not staged:
        return ImportReport(path, kind, len(plans), [], [])
    findings = stage_and_validate(files, staged)
    if findings:
        rows = {str(plan.entity): plan for plan in plans}
        errors = []
        for about, predicate, message in findings:
            plan = rows.get(about)
            column = plan.columns.get(predicate) if plan is not None and predicate else None
            errors.append(CellError(plan.row if plan else 0, column, f"{message} ({about})"))
        raise TableError(path, errors, hint="the table was read, but the data it makes fails validation")
    write_all(staged)
    return ImportReport(path, kind, len(plans), changed, sorted(staged))


# ---------------------------------------------------------------- reading rows


class _RowReader:
    def __init__(self, kind: TableKind, graph: KnowledgeGraph, table: Table) -> None:
        self.kind = kind
        self.graph = graph
        self.rdf = graph.rdflib_graph
        self.table = table
        self.errors: list[CellError] = []

    def plans(self) -> list[Plan]:
        self._check_header()
        plans: list[Plan] = []
        seen_rows: dict[tuple[str, ...], int] = {}
        seen_entities: dict[URIRef, int] = {}
        for number, cells in self.table.rows:
            signature = tuple(cells.get(name, "") for name in self.table.header)
            if signature in seen_rows:
                self.error(number, None, f"duplicate of row {seen_rows[signature]}")
                continue
            seen_rows[signature] = number
            before = len(self.errors)
            plan = self.row(number, cells)
            if plan is None or len(self.errors) > before:
                continue
            if plan.entity in seen_entities:
                self.error(number, self.kind.key.name,
                           f"{plan.entity} is also in row {seen_entities[plan.entity]}: one row per entity")
                continue
            seen_entities[plan.entity] = number
            plans.append(plan)
        if self.errors:
            raise TableError(self.table.path, self.errors)
        return plans

    def error(self, row: int, column: str | None, message: str) -> None:
        self.errors.append(CellError(row, column, message))

    def _check_header(self) -> None:
        known = set(self.kind.column_names)
        unknown = [name for name in self.table.header if name not in known]
        missing = [column.name for column in self.kind.columns
                   if (column.required or column.role == "key") and column.name not in self.table.header]
        if unknown:
            self.error(1, unknown[0], f"unknown column; a {self.kind.name} table has: "
                                      f"{', '.join(self.kind.column_names)}")
        if missing:
            self.error(1, None, f"missing column(s): {', '.join(missing)}")
        if self.errors:
            raise TableError(self.table.path, self.errors)

    # -- one row

    def row(self, number: int, cells: dict[str, str]) -> Plan | None:
        kind = self.kind
        entity, new = self.entity(number, cells)
        if entity is None:
            return None
        plan = Plan(number, entity, new)
        for column in kind.columns[1:]:
            if column.name not in cells:
                continue  # a column left out of the table is left alone
            cell = cells[column.name].strip()
            plan.columns[str(column.predicate)] = column.name
            if column.required and not cell:
                self.error(number, column.name, "required: " + (
                    "every row names a source and quotes its words" if column.role in ("source", "quote")
                    else column.description))
                continue
            if column.role == "value":
                self.value(plan, column, cell)
            elif column.role == "link":
                self.link(plan, column, cell)
            elif column.role == "reference":
                self.reference(plan, column, cell)
            elif column.role == "class":
                self.classes(plan, column, cell)
        if kind is MEMBERSHIPS:
            self.membership(plan, cells)
        if kind.name == "sources":
            self.source_quotes(plan, cells)
        else:
            self.evidence(plan, cells)
        return plan

    def entity(self, number: int, cells: dict[str, str]) -> tuple[URIRef | None, bool]:
        key = self.kind.key.name
        text = cells.get(key, "").strip()
        if text:
            iri = URIRef(_expand(text))
            if not any((iri, RDF.type, cls) in self.rdf for cls in self.kind.classes):
                self.error(number, key, f"no {self.kind.name[:-1]} <{iri}> in the data; leave the cell empty "
                                        "for a new one")
                return None, False
            return iri, False
        minted = self.mint(number, cells)
        if minted is not None and any((minted, RDF.type, cls) in self.rdf for cls in self.kind.classes):
            return minted, False  # the same IRI is the same entity: importing a new row twice adds it once
        if minted is not None and (minted, None, None) in self.rdf:
            self.error(number, key, f"<{minted}> is in the data as something else; give the row another name")
            return None, False
        return minted, True

    def mint(self, number: int, cells: dict[str, str]) -> URIRef | None:
        if self.kind is MEMBERSHIPS:
            network = self.resolve(number, "network", cells, fallback=("networkName", "abbreviation"))
            member = self.resolve(number, "member", cells, fallback=("memberName",))
            if network is None or member is None:
                return None
            return URIRef(f"{self.kind.iri_base}{_last_segment(network)}-{_last_segment(member)}")
        name = cells.get("name", "").strip()
        if not name:
            self.error(number, "name", "a new row needs a name, to make its IRI from")
            return None
        if self.kind.name == "places":
            kind = cells.get("kind", "").strip().lower()
            if kind not in PLACE_KINDS:
                return None  # reported by the kind column
            return URIRef(f"{self.kind.iri_base}{kind if kind == 'city' else 'region'}/{slug(name)}")
        return URIRef(f"{self.kind.iri_base}{slug(name)}")

    def resolve(self, number: int, column_name: str, cells: dict[str, str],
                fallback: tuple[str, ...] = ()) -> URIRef | None:
        column = self.kind.column(column_name)
        text = cells.get(column_name, "").strip() or next(
            (cells[name].strip() for name in fallback if cells.get(name, "").strip()), "")
        if not text:
            self.error(number, column_name, f"required: {column.description}")
            return None
        return self.name(number, column, text)

    def name(self, number: int, column: Column, text: str) -> URIRef | None:
        iri = _expand(text)
        if iri.startswith(("http://", "https://")) and column.kind == "source":
            for source in self.rdf.subjects(SCHEMA.url, URIRef(iri)):  # a source by its address
                return URIRef(str(source))
        try:
            return URIRef(self.graph.names.resolve(iri, column.kind or "entity", tuple(map(str, column.classes))))
        except CitynetError as error:
            self.error(number, column.name, str(error).replace("\n  hint: ", "; "))
            return None

    def value(self, plan: Plan, column: Column, cell: str) -> None:
        if column.predicate is None:
            return
        key = (column.predicate, column.language)
        if not cell:
            plan.values[key] = []
            return
        if column.datatype is not None:
            found = problem(cell, str(column.datatype))
            if found:
                self.error(plan.row, column.name, f"{cell!r}: {found}")
                return
            plan.values[key] = [Literal(cell, datatype=column.datatype)]
        else:
            plan.values[key] = [Literal(cell, lang=column.language)]

    def link(self, plan: Plan, column: Column, cell: str) -> None:
        assert column.predicate is not None
        if cell and (not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", cell)):
            self.error(plan.row, column.name, f"{cell!r} is not an http(s) address")
            return
        plan.values[(column.predicate, None)] = [URIRef(cell)] if cell else []

    def reference(self, plan: Plan, column: Column, cell: str) -> None:
        assert column.predicate is not None
        names = [part.strip() for part in cell.split(";")] if column.multiple else [cell]
        found = [self.name(plan.row, column, name) for name in names if name]
        if all(node is not None for node in found):
            if plan.new or column.name not in ("network", "member"):
                plan.values[(column.predicate, None)] = found  # type: ignore[assignment]
            elif found != [self.rdf.value(plan.entity, column.predicate)]:
                self.error(plan.row, column.name, "the network and member of a membership cannot change; end "
                                                  "this one (until) and add a row for the new one")

    def classes(self, plan: Plan, column: Column, cell: str) -> None:
        names = PLACE_KINDS if self.kind.name == "places" else EVENT_KINDS
        wanted = [part.strip().lower() for part in cell.split(";") if part.strip()]
        unknown = [name for name in wanted if name not in names]
        if unknown:
            self.error(plan.row, column.name, f"{unknown[0]!r} is not one of: {', '.join(names)}")
            return
        classes: list[Node] = [names[name] for name in wanted]
        current = [cls for cls in names.values() if (plan.entity, RDF.type, cls) in self.rdf]
        if self.kind.name == "places" and not plan.new and current != classes:
            self.error(plan.row, column.name, "a place's kind is in its IRI and cannot change")
            return
        plan.values[(RDF.type, None)] = classes
        plan.columns[str(RDF.type)] = column.name

    def membership(self, plan: Plan, cells: dict[str, str]) -> None:
        network = plan.values.get((ORG.organization, None), [self.rdf.value(plan.entity, ORG.organization)])[0]
        member = plan.values.get((ORG.member, None), [self.rdf.value(plan.entity, ORG.member)])[0]
        if network is None or member is None:
            if plan.new:  # minted from the name columns
                network = self.resolve(plan.row, "network", cells, ("networkName", "abbreviation"))
                member = self.resolve(plan.row, "member", cells, ("memberName",))
                plan.values[(ORG.organization, None)] = [network] if network else []
                plan.values[(ORG.member, None)] = [member] if member else []
            if network is None or member is None:
                return
        self.read_only(plan, cells, network, member)  # type: ignore[arg-type]
        if "since" in cells or "until" in cells:
            since = self.instant(plan, "since", cells.get("since", "").strip())
            until = self.instant(plan, "until", cells.get("until", "").strip())
            plan.interval = (since, until)
            plan.columns[str(ORG.memberDuring)] = "until" if until is not None else "since"
        if plan.new:
            plan.values[(RDF.type, None)] = [ORG.Membership]
            plan.values[(RDFS.label, "en")] = [Literal(self.membership_label(network, member), lang="en")]  # type: ignore[arg-type]

    def instant(self, plan: Plan, column: str, cell: str) -> Literal | None:
        if not cell:
            return None
        datatype = XSD.gYear if _YEAR.fullmatch(cell) else XSD.date if _DATE.fullmatch(cell) else None
        found = (problem(cell, str(datatype)) if datatype is not None
                 else "expected a year (2016) or a date (2016-05-27)")
        if found:
            self.error(plan.row, column, f"{cell!r} is not a date: {found}")
            return None
        return Literal(cell, datatype=datatype)

    def membership_label(self, network: URIRef, member: URIRef) -> str:
        """As the network's other memberships are named ("Rostock in the Union of the Baltic
        Cities", "Ypres in Memory Cities"), else "member in network"."""
        member_name = _english(self.rdf, member)
        for other in self.rdf.subjects(ORG.organization, network):
            label, other_member = _english_or_none(self.rdf, other), self.rdf.value(other, ORG.member)
            if label and other_member is not None:
                prefix = _english(self.rdf, other_member) + " in "
                if label.startswith(prefix):
                    return member_name + " in " + label[len(prefix):]
        return f"{member_name} in {_english(self.rdf, network)}"

    def read_only(self, plan: Plan, cells: dict[str, str], network: URIRef, member: URIRef) -> None:
        expected = {
            "networkName": _english_or_none(self.rdf, network) or "",
            "abbreviation": str(self.rdf.value(network, CN.abbreviation) or ""),
            "memberName": _english_or_none(self.rdf, member) or "",
            "kind": "region" if (member, RDF.type, CN.Region) in self.rdf else "city",
            "country": str(self.rdf.value(member, URIRef("http://www.geonames.org/ontology#countryCode")) or ""),
            "lat": str(self.rdf.value(member, URIRef("http://www.w3.org/2003/01/geo/wgs84_pos#lat")) or ""),
            "long": str(self.rdf.value(member, URIRef("http://www.w3.org/2003/01/geo/wgs84_pos#long")) or ""),
        }
        for name, value in expected.items():
            cell = cells.get(name, "").strip()
            if cell and cell != value and not (plan.new and name in ("networkName", "abbreviation", "memberName")
                                               and not cells.get(name.replace("Name", ""), "").strip()):
                where = "the places table" if name not in ("networkName", "abbreviation") else "the networks' Turtle"
                self.error(plan.row, name, f"read-only here: the data says {value!r}, the table {cell!r}; "
                                           f"edit it in {where}, or leave the cell as exported")

    def evidence(self, plan: Plan, cells: dict[str, str]) -> None:
        source_text, quote = cells.get("source", "").strip(), cells.get("quote", "").strip()
        if not source_text or not quote:
            return  # reported as required
        source = self.name(plan.row, self.kind.column("source"), source_text)
        if source is None:
            return
        plan.sources.append(source)
        quotes = [q for q in self.rdf.objects(source, CN.quote) if isinstance(q, Literal)]
        if any(_words(quote) in _words(str(q)) for q in quotes):
            return
        language = self.rdf.value(source, DCTERMS.language)
        tags = {q.language for q in quotes}
        tag = str(language) if language is not None else (next(iter(tags)) if len(tags) == 1 else None)
        if not tag:
            self.error(plan.row, "quote", f"these words are not among the quotes of {source}, and its language "
                                          "is unknown: give the source a language in the sources table first")
            return
        plan.quotes.append((source, Literal(quote, lang=tag)))

    def source_quotes(self, plan: Plan, cells: dict[str, str]) -> None:
        tag = cells.get("quoteLanguage", "").strip()
        if tag and not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*", tag):
            self.error(plan.row, "quoteLanguage", f"{tag!r} is not a language tag (de, en, zxx …)")
            return
        lines = [line.strip() for line in cells.get("quote", "").splitlines() if line.strip()]
        plan.values[(CN.quote, None)] = [Literal(line, lang=tag) for line in lines]
        plan.columns[str(CN.quote)] = "quote"
        if plan.new:
            plan.values[(RDF.type, None)] = [CN.Source]


# ---------------------------------------------------------------- applying a plan


def _apply(plan: Plan, kind: TableKind, data: DataFiles, rdf: Graph) -> bool:
    """Edit the files as ``plan`` says; whether anything changed."""
    changed = False
    ordered = sorted(plan.values.items(), key=lambda item: item[0][0] != RDF.type)  # a new entity: its type first
    for (predicate, language), wanted in ordered:
        changed |= data.set_objects(plan.entity, predicate, wanted, kind.file, language)
    if plan.interval is not None and _interval_differs(plan, rdf):
        since, until = plan.interval
        data.set_structure(plan.entity, ORG.memberDuring, _interval(since, until), kind.file)
        changed = True
    if plan.sources:
        changed |= data.add_objects(plan.entity, DCTERMS.source, list(plan.sources), kind.file)
    for source, quote in plan.quotes:
        changed |= data.add_objects(source, CN.quote, [quote], "sources.ttl")
    return changed


def _interval(since: Literal | None, until: Literal | None):
    if since is None and until is None:
        return None
    pairs: list = [(RDF.type, TIME.Interval)]
    for predicate, value in ((TIME.hasBeginning, since), (TIME.hasEnd, until)):
        if value is not None:
            slot = TIME.inXSDgYear if value.datatype == XSD.gYear else TIME.inXSDDate
            pairs.append((predicate, [(RDF.type, TIME.Instant), (slot, value)]))
    return structure(pairs)


def _interval_differs(plan: Plan, rdf: Graph) -> bool:
    assert plan.interval is not None
    wanted = Graph()
    since, until = plan.interval
    if since is not None or until is not None:
        from rdflib import BNode

        interval = BNode()
        wanted.add((plan.entity, ORG.memberDuring, interval))
        wanted.add((interval, RDF.type, TIME.Interval))
        for predicate, value in ((TIME.hasBeginning, since), (TIME.hasEnd, until)):
            if value is not None:
                instant = BNode()
                wanted.add((interval, predicate, instant))
                wanted.add((instant, RDF.type, TIME.Instant))
                wanted.add((instant, TIME.inXSDgYear if value.datatype == XSD.gYear else TIME.inXSDDate, value))
    current = {path: values for path, values in description(plan.entity, rdf).items() if path[0] == ORG.memberDuring}
    target = {path: values for path, values in description(plan.entity, wanted).items()}
    return current != target


# ---------------------------------------------------------------- helpers


def slug(name: str) -> str:
    """A slug as the README says: the English name in lower case, hyphens, no accents."""
    return _SLUG_DROP.sub("-", normalise(name)).strip("-")


def _last_segment(iri: URIRef) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def _expand(text: str) -> str:
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return text


def _words(text: str) -> str:
    return " ".join(text.split())


def _english_or_none(rdf: Graph, node: Node) -> str | None:
    for predicate in (RDFS.label, SKOS.prefLabel):
        for label in rdf.objects(node, predicate):
            if isinstance(label, Literal) and label.language == "en":
                return str(label)
    return None


def _english(rdf: Graph, node: Node) -> str:
    return _english_or_none(rdf, node) or _last_segment(node)  # type: ignore[arg-type]
