"""The server's own small HTML pages: an entity's label and its statements, and the list
of ontology terms. They are the fallback for when :mod:`citynet.publish.site` is not there.
Every text is escaped; the pages load only the server's own stylesheet."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from citynet.graph.prefixes import compact

#: Only this server's own resources; no inline script.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
BUILT_IN_MARK = '<meta name="generator" content="citynet-server">'

Localise = Callable[[str], "str | None"]


def _page(title: str, body: str) -> str:
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">{BUILT_IN_MARK}'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{escape(title)}</title><link rel="stylesheet" href="/static/query.css"></head>\n'
            '<body><nav><a href="/">Home</a> · <a href="/query">Query</a> · <a href="/def">Ontology</a> · '
            '<a href="/queries">Stored queries</a> · <a href="/sparql">Service description</a></nav>\n'
            f'<main>{body}</main></body></html>\n')


def _label(rdf: Graph, node: Node) -> str | None:
    labels = [o for p in (RDFS.label, SKOS.prefLabel) for o in rdf.objects(node, p) if isinstance(o, Literal)]
    english = [str(x) for x in labels if x.language in ("en", None)]
    return (english or [str(x) for x in labels] or [None])[0]


def _node(rdf: Graph, node: Node, localise: Localise) -> str:
    if isinstance(node, URIRef):
        shown = escape(_label(rdf, node) or compact(node))
        href = localise(str(node)) or (str(node) if str(node).startswith(("http://", "https://")) else None)
        return f'<a href="{escape(href, quote=True)}">{shown}</a>' if href else shown
    if isinstance(node, BNode):
        return "[" + "; ".join(f"{escape(compact(p))} {_node(rdf, o, localise)}"
                               for p, o in sorted(rdf.predicate_objects(node))) + "]"
    text = escape(str(node))
    if isinstance(node, Literal) and node.language:
        text += f' <span class="lang">@{escape(node.language)}</span>'
    return text


def entity_page(rdf: Graph, iri: URIRef, localise: Localise) -> str:
    """The label of ``iri`` and a table of the statements about it and pointing to it."""
    title = _label(rdf, iri) or compact(iri)
    rows = [f"<tr><th>{escape(compact(p))}</th><td>{_node(rdf, o, localise)}</td></tr>"
            for p, o in sorted(rdf.predicate_objects(iri))]
    incoming = [f"<tr><td>{_node(rdf, s, localise)}</td><th>{escape(compact(p))}</th></tr>"
                for s, p in sorted(rdf.subject_predicates(iri))]
    body = (f"<h1>{escape(title)}</h1><p><code>{escape(str(iri))}</code></p>"
            f"<table>{''.join(rows)}</table>")
    if incoming:
        body += f"<h2>Pointing here</h2><table>{''.join(incoming)}</table>"
    path = localise(str(iri))
    if path:
        doc = path.replace("/id/", "/doc/", 1)
        body += (f'<p>Data: <a href="{escape(doc)}.ttl">Turtle</a> · <a href="{escape(doc)}.jsonld">JSON-LD</a>'
                 f' · <a href="{escape(doc)}.nt">N-Triples</a></p>')
    return _page(title, body)


def ontology_page(rdf: Graph, ontology_iri: str, localise: Localise) -> str:
    """The ontology's terms, one anchor per term so that ``/def#Term`` lands on it."""
    terms = sorted({s for s in rdf.subjects(RDF.type, None)
                    if isinstance(s, URIRef) and str(s).startswith(ontology_iri + "#")})
    rows = []
    for term in terms:
        name = str(term).split("#", 1)[1]
        kinds = ", ".join(sorted(compact(t) for t in rdf.objects(term, RDF.type) if t != OWL.NamedIndividual))
        comment = next((str(c) for p in (SKOS.definition, RDFS.comment) for c in rdf.objects(term, p)
                        if isinstance(c, Literal) and c.language in ("en", None)), "")
        rows.append(f'<tr id="{escape(name, quote=True)}"><th>{escape(name)}</th><td>{escape(_label(rdf, term) or "")}'
                    f"</td><td>{escape(kinds)}</td><td>{escape(comment)}</td></tr>")
    title = _label(rdf, URIRef(ontology_iri)) or "citynet ontology"
    body = (f"<h1>{escape(title)}</h1><p><code>{escape(ontology_iri)}</code> · "
            '<a href="/def.ttl">Turtle</a> · <a href="/def.jsonld">JSON-LD</a></p>'
            f"<table><tr><th>term</th><th>label</th><th>kind</th><th>definition</th></tr>{''.join(rows)}</table>")
    return _page(title, body)
