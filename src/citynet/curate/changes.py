"""What changed between two versions of the data, entity by entity.

Both graphs are canonicalised first (rdflib's canonical graph, which names every blank node
after what it holds), so a blank node that says the same in both is the same node and only
real changes remain. Each changed triple belongs to an entity: its subject, or for a blank node
(a membership's interval) the entity the node hangs from. Per entity the report gives:

- memberships added, ended (an end date appeared) or removed;
- members added or removed (places: cities and regions);
- other entities added or removed;
- values changed, each as the property path with the values before and after;

and, for each, its sources: those the change added, or else all the entity's sources.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from citynet.curate.versions import Version

CN = Namespace("https://w3id.org/citynet/def#")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")

Path = tuple[URIRef, ...]

SINCE = (ORG.memberDuring, TIME.hasBeginning)
UNTIL = (ORG.memberDuring, TIME.hasEnd)

KINDS = ("membership added", "membership ended", "membership removed", "member added", "member removed",
         "added", "removed", "changed")
"""Kinds of change, in the order a report lists them."""


@dataclass(frozen=True)
class ValueChange:
    path: Path
    before: tuple[Node, ...]
    after: tuple[Node, ...]


@dataclass
class Change:
    entity: URIRef
    kind: str
    label: str
    values: list[ValueChange] = field(default_factory=list)
    sources: list[URIRef] = field(default_factory=list)
    network: URIRef | None = None
    member: URIRef | None = None


@dataclass
class Comparison:
    old: Version
    new: Version
    changes: list[Change]
    added: Graph
    """The triples only in the new version (canonical blank nodes)."""
    removed: Graph
    new_graph: Graph
    old_graph: Graph

    def of_kind(self, kind: str) -> list[Change]:
        return [change for change in self.changes if change.kind == kind]


def compare(old: Version, new: Version) -> Comparison:
    before, after = _canonical(old.graph), _canonical(new.graph)
    added, removed = after - before, before - after
    owners = {*_owners(added, after), *_owners(removed, before)}
    changes = [change for entity in sorted(owners) if (change := _change(entity, before, after)) is not None]
    changes.sort(key=lambda change: (KINDS.index(change.kind), str(change.entity)))
    return Comparison(old, new, changes, added, removed, after, before)


def _canonical(graph: Graph) -> Graph:
    canonical = Graph()
    for triple in to_canonical_graph(graph):
        canonical.add(triple)
    return canonical


def _owners(triples: Graph, graph: Graph) -> Iterator[URIRef]:
    for subject, _, _ in triples:
        owner = owner_of(subject, graph)
        if owner is not None:
            yield owner


def owner_of(node: Node, graph: Graph, seen: frozenset[Node] = frozenset()) -> URIRef | None:
    """The IRI a blank node hangs from (itself for an IRI)."""
    if isinstance(node, URIRef):
        return node
    if node in seen:
        return None
    for parent in graph.subjects(None, node):
        owner = owner_of(parent, graph, seen | {node})
        if owner is not None:
            return owner
    return None


def description(entity: URIRef, graph: Graph) -> dict[Path, set[Node]]:
    """The entity's values by property path, blank nodes followed (their type is a value too)."""
    values: dict[Path, set[Node]] = defaultdict(set)

    def walk(node: Node, path: Path, seen: frozenset[Node]) -> None:
        for predicate, value in graph.predicate_objects(node):
            here = (*path, cast(URIRef, predicate))  # a predicate is an IRI
            if isinstance(value, BNode) and value not in seen:
                before = sum(len(v) for v in values.values())
                walk(value, here, seen | {value})
                if sum(len(v) for v in values.values()) == before:
                    values[here].add(BNode("empty"))
            else:
                values[here].add(value)

    walk(entity, (), frozenset({entity}))
    return values


def _change(entity: URIRef, before: Graph, after: Graph) -> Change | None:
    old, new = description(entity, before), description(entity, after)
    if old == new:
        return None  # only a blank node's name moved
    graph = after if new else before
    label = label_of(entity, graph)
    types = set(graph.objects(entity, RDF.type))
    network = _iri(graph.value(entity, ORG.organization))
    member = _iri(graph.value(entity, ORG.member))
    values = [ValueChange(path, _sorted(old.get(path, set())), _sorted(new.get(path, set())))
              for path in sorted(set(old) | set(new)) if old.get(path, set()) != new.get(path, set())]
    added_sources = [s for s in new.get((DCTERMS.source,), set()) - old.get((DCTERMS.source,), set())
                     if isinstance(s, URIRef)]
    sources = sorted(added_sources or [s for s in new.get((DCTERMS.source,), set()) if isinstance(s, URIRef)])
    is_membership = ORG.Membership in types
    is_place = bool(types & {CN.City, CN.Region})
    if not old:
        kind = "membership added" if is_membership else "member added" if is_place else "added"
    elif not new:
        kind = "membership removed" if is_membership else "member removed" if is_place else "removed"
        sources = sorted(s for s in old.get((DCTERMS.source,), set()) if isinstance(s, URIRef))
    elif is_membership and _ends(old) is None and _ends(new) is not None:
        kind = "membership ended"
    else:
        kind = "changed"
    return Change(entity, kind, label, values, sources, network if is_membership else None,
                  member if is_membership else None)


def _iri(node: Node | None) -> URIRef | None:
    return node if isinstance(node, URIRef) else None


def _sorted(values: set[Node]) -> tuple[Node, ...]:
    return tuple(sorted(values, key=str))


def _ends(values: dict[Path, set[Node]]) -> Node | None:
    for path, found in values.items():
        if path[:2] == UNTIL and path[-1] in (TIME.inXSDgYear, TIME.inXSDDate):
            return next(iter(found))
    return None


def label_of(entity: Node, graph: Graph) -> str:
    """The English label, any label, or the IRI's last segment."""
    labels = [*graph.objects(entity, RDFS.label), *graph.objects(entity, SKOS.prefLabel)]
    for label in labels:
        if isinstance(label, Literal) and (label.language or "").startswith("en"):
            return str(label)
    if labels:
        return str(labels[0])
    return str(entity).rstrip("/").rsplit("/", 1)[-1]


def dates(values: dict[Path, set[Node]], path: Path) -> list[str]:
    return sorted(str(v) for p, found in values.items() if p[:2] == path for v in found if isinstance(v, Literal))
