"""JSON-LD compacted with citynet's published @context, written straight from the triples.

A general JSON-LD processor compacts by expanding the whole graph into JSON first and then
searching term definitions for every value: at a million triples that takes a minute.
citynet's context is fixed and small, so each (property, kind of value) pair can be mapped
to its key once, and each subject written as it streams past, one node object per line.
This is the one writer of a format citynet keeps instead of a library's: pyoxigraph writes
JSON-LD expanded, without a context, and rdflib's compacting writer took 17 times as long
(benchmarks/README.md, "JSON-LD export"; the benchmark measures it with the other exports).

The choice of key keeps the meaning exact:
- a term whose ``@type`` is ``@id`` takes only IRIs and blank nodes;
- a term with a datatype takes only literals of that datatype, as plain strings;
- a ``@language`` container takes only language-tagged strings;
- a term with neither takes only plain strings (xsd:string);
anything else goes under the property's compact IRI (``prefix:local``, or the full IRI) as
an explicit value object, which means the same whatever the context says.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyoxigraph

from citynet import resources
from citynet.errors import InputError
from citynet.graph.terms import RDF_TYPE, XSD_STRING
from citynet.publish.blank_numbers import BlankNodeNumbers
from citynet.streams import SupportsWrite, TextChunks

_ID, _LANGUAGE, _PLAIN = "@id", "@language", "plain"
_BATCH = 64  # node objects per write: a few kilobytes


@dataclass(frozen=True)
class CompactionRules:
    """What citynet's context makes of each IRI and property."""

    prefixes: dict[str, str]           # namespace IRI -> prefix
    terms: dict[tuple[str, str], str]  # (property IRI, value kind) -> term
    id_key: str
    type_key: str
    reserved: frozenset[str]           # every name the context defines

    @classmethod
    def from_context(cls, context: dict[str, Any]) -> CompactionRules:
        if "@language" in context:
            # A default language would turn every bare string into a language-tagged one.
            raise ValueError("a context with a default @language is not supported")
        definitions = {k: v for k, v in context.items() if not k.startswith("@")}
        keywords = {v: k for k, v in definitions.items() if isinstance(v, str) and v.startswith("@")}
        prefix_names = {k: v for k, v in definitions.items()
                        if isinstance(v, str) and v.endswith(("/", "#"))}

        def expand(value: str) -> str:
            prefix, colon, local = value.partition(":")
            return prefix_names[prefix] + local if colon and prefix in prefix_names else value

        terms: dict[tuple[str, str], str] = {}
        for name, definition in definitions.items():
            if isinstance(definition, str):
                if definition.startswith("@") or name in prefix_names:
                    continue
                definition = {"@id": definition}
            if not isinstance(definition, dict) or "@id" not in definition:
                continue
            if definition.get("@container") == "@language":
                kind = _LANGUAGE
            elif "@container" in definition:
                continue  # no other container is used; never guess at one
            elif definition.get("@type") == "@id":
                kind = _ID
            elif "@type" in definition:
                kind = expand(definition["@type"])
            else:
                kind = _PLAIN
            terms.setdefault((expand(definition["@id"]), kind), name)
        return cls(prefixes={iri: name for name, iri in prefix_names.items()}, terms=terms,
                   id_key=keywords.get("@id", "@id"), type_key=keywords.get("@type", "@type"),
                   reserved=frozenset(definitions))

    def compact_iri(self, iri: str) -> str:
        """``prefix:local`` where a prefix of the context ends the namespace, else the IRI."""
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        prefix = self.prefixes.get(iri[:cut])
        local = iri[cut:]
        if prefix is not None and local and not local.startswith("//"):
            return f"{prefix}:{local}"
        return self.absolute(iri)

    def absolute(self, iri: str) -> str:
        """The IRI as written, when no reader could take it for a compact IRI."""
        scheme = iri.partition(":")[0]
        if scheme in self.reserved or scheme == "_":
            raise InputError(f"the IRI <{iri}> cannot be written in JSON-LD with citynet's context: "
                             f"its scheme {scheme!r} is a name the context defines",
                             hint="use an http(s) IRI")
        return iri


@cache
def jsonld_context() -> dict[str, Any]:
    """citynet's published JSON-LD @context (ontology/context.jsonld): short, readable keys."""
    return json.loads((resources.resource_root() / "ontology" / "context.jsonld").read_text(encoding="utf-8"))


def write_jsonld(triples: Iterable[pyoxigraph.Triple | pyoxigraph.Quad], context: dict[str, Any] | None = None) -> str:
    """A JSON-LD document as text (see :func:`write_jsonld_into`): for small graphs."""
    out = io.BytesIO()
    write_jsonld_into(triples, out, context)
    return out.getvalue().decode("utf-8")


def write_jsonld_into(triples: Iterable[pyoxigraph.Triple | pyoxigraph.Quad], stream: SupportsWrite,
                      context: dict[str, Any] | None = None, *, stable_blank_nodes: bool = False) -> None:
    """A JSON-LD document written to ``stream`` as UTF-8 while the triples stream past:
    ``context`` (citynet's by default) embedded, then one node object per subject under
    ``@graph``, one a line. Triples of one subject are best given together (a store's order,
    or ``by_subject``): if not, the subject gets more than one node object, which JSON-LD
    merges when read. With ``stable_blank_nodes``, blank nodes are named ``b0``, ``b1``, … in
    order of first appearance, as the exports name theirs (the same text as renaming the
    triples first with :func:`citynet.publish.exports.stable_blank_nodes`)."""
    context = context if context is not None else jsonld_context()["@context"]
    rules = CompactionRules.from_context(context)
    head = json.dumps({"@context": context}, ensure_ascii=False, indent=1)[:-2]
    encode = _node_encoder()
    out = TextChunks(stream)
    out.write(head + ',\n "@graph": [\n')
    # Node objects joined a batch at a time: one write per batch rather than two per node.
    batch: list[str] = []
    separator = ""
    for node in _node_objects(triples, rules, stable_blank_nodes):
        batch.append(encode(node))
        if len(batch) == _BATCH:
            out.write(separator + ",\n".join(batch))
            batch.clear()
            separator = ",\n"
    if batch:
        out.write(separator + ",\n".join(batch))
    out.write("\n ]\n}\n")
    out.flush()


def _node_encoder() -> Callable[[dict[str, Any]], str]:
    """``json.JSONEncoder(ensure_ascii=False).encode``, the same text, without building
    CPython's C encoder anew for every node object (``encode`` does: a fifth of its time on
    a node of a few keys). Node objects hold no cycles, so the check for them is left out."""
    encoder = json.JSONEncoder(ensure_ascii=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # a Python without the C accelerator
        return encoder.encode
    chunks = make(None, encoder.default, json.encoder.encode_basestring, None, encoder.key_separator,
                  encoder.item_separator, False, False, True)
    return lambda node: "".join(chunks(node, 0))


def by_subject(triples: Iterable[pyoxigraph.Triple]) -> list[pyoxigraph.Triple]:
    """``triples`` sorted so that each subject's come together, in a stable order."""
    return sorted(triples, key=lambda triple: (str(triple.subject), str(triple.predicate), str(triple.object)))


# How a value is written under its key.
_AS_CLASS, _IN_LANGUAGE_MAP, _AS_BARE_REFERENCE, _AS_BARE_STRING, _AS_VALUE_OBJECT = range(5)


def _node_objects(triples: Iterable[pyoxigraph.Triple | pyoxigraph.Quad], rules: CompactionRules,
                  stable_blank_nodes: bool = False) -> Iterator[dict[str, Any]]:
    """One node object per run of triples with the same subject. With ``stable_blank_nodes``,
    blank nodes are written ``_:b0``, ``_:b1``, … in order of first appearance (subject before
    object), as :func:`citynet.publish.exports.stable_blank_nodes` names them, without making
    a renamed copy of every triple; otherwise with their own labels.

    This loop runs once per triple of an export: it touches each term once, and works out how
    a (property, kind of value) pair is written only the first time it meets one."""
    literal_type, named_type, blank_type = pyoxigraph.Literal, pyoxigraph.NamedNode, pyoxigraph.BlankNode
    id_key, absolute = rules.id_key, rules.absolute
    # IRIs that rules.absolute would pass unchanged, told by a cheap test first: most are http(s).
    plain = tuple(f"{scheme}:" for scheme in ("http", "https") if scheme not in rules.reserved)
    classes: dict[pyoxigraph.NamedNode, str] = {}  # rdf:type's values: few, each compacted once
    # (property, datatype or language marker or _ID) -> key, how, kind; worked out once.
    plans: dict[tuple[Any, Any], tuple[str, int, str]] = {}
    number = BlankNodeNumbers().number

    def blank(term: pyoxigraph.BlankNode) -> str:
        return f"_:b{number(term)}" if stable_blank_nodes else f"_:{term.value}"

    node: dict[str, Any] = {}
    subject = None
    for triple in triples:
        term: Any = triple.subject
        if term != subject:
            if node:
                yield node
            subject = term
            if type(term) is blank_type:
                node = {id_key: blank(term)}
            else:
                iri = term.value
                node = {id_key: iri if iri.startswith(plain) else absolute(iri)}
        value: Any = triple.object
        # The plan's key: the property and what kind of value (the datatype term, not its IRI:
        # reading the IRI out costs a string per triple).
        if type(value) is literal_type:
            language = value.language
            marker: Any = _LANGUAGE if language else value.datatype
        elif type(value) is named_type or type(value) is blank_type:
            marker = _ID
        else:
            marker = _kind(value)  # raises: an RDF-star triple term
        plan = plans.get((predicate := triple.predicate, marker))
        if plan is None:
            kind = _kind(value)
            plan = plans[predicate, marker] = (*_plan(predicate.value, kind, rules), kind)
        key, how, kind = plan
        if how == _AS_BARE_STRING:
            item: Any = value.value
        elif how == _AS_BARE_REFERENCE:
            if type(value) is blank_type:
                item = blank(value)
            else:
                item = value.value
                if not item.startswith(plain):
                    item = absolute(item)
        elif how == _IN_LANGUAGE_MAP:
            _append(node.setdefault(key, {}), str(language), value.value)
            continue
        elif how == _AS_CLASS:
            if type(value) is blank_type:
                item = blank(value)
            else:
                item = classes.get(value)
                if item is None:
                    item = classes[value] = rules.compact_iri(value.value)
        elif kind == _ID:
            item = {"@id": blank(value) if type(value) is blank_type else absolute(value.value)}
        else:
            item = _value_object(value, kind, rules)
        # One value stays a value; a second turns it into a list (as _append, inlined: most
        # keys are met once).
        if key not in node:
            node[key] = item
        else:
            held = node[key]
            if type(held) is list:
                held.append(item)
            else:
                node[key] = [held, item]
    if node:
        yield node


def _plan(predicate: str, kind: str, rules: CompactionRules) -> tuple[str, int]:
    if predicate == RDF_TYPE and kind == _ID:
        return rules.type_key, _AS_CLASS
    term = rules.terms.get((predicate, kind))
    if term is None:
        return rules.compact_iri(predicate), _AS_VALUE_OBJECT
    if kind == _LANGUAGE:
        return term, _IN_LANGUAGE_MAP
    return term, _AS_BARE_REFERENCE if kind == _ID else _AS_BARE_STRING


def _kind(term: Any) -> str:
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return _LANGUAGE
        datatype = term.datatype.value
        return _PLAIN if datatype == XSD_STRING else datatype
    if isinstance(term, (pyoxigraph.NamedNode, pyoxigraph.BlankNode)):
        return _ID
    raise InputError(f"JSON-LD 1.1 cannot hold the RDF-star term {term}")


def _value_object(term: Any, kind: str, rules: CompactionRules) -> Any:
    """A literal under a key that does not say its kind (references are written inline)."""
    if kind == _LANGUAGE:
        return {"@value": term.value, "@language": term.language}
    if kind == _PLAIN:
        return term.value
    return {"@value": term.value, "@type": rules.compact_iri(kind)}


def _append(container: dict[str, Any], key: str, value: Any) -> None:
    """One value stays a value; a second turns it into a list."""
    if key not in container:
        container[key] = value
    elif isinstance(container[key], list):
        container[key].append(value)
    else:
        container[key] = [container[key], value]
