"""citynet's one layout for Turtle, written from a :class:`~citynet.curate.turtle_syntax.Document`.

- The header comment, then ``@base`` and the ``@prefix`` lines, sorted by name and aligned.
  Every prefix is kept, used or not.
- The sections in their order; in each, its banner, then the statements sorted by subject
  (by full IRI; blank-node subjects after), one blank line between statements.
- Statements about the same subject are merged into one, in the section of the first.
- A subject's predicates are grouped, one group per predicate: ``a`` first, then names
  (``rdfs:label``, ``skos:prefLabel`` …) and dates, then the rest by full IRI, then notes
  (``rdfs:comment``, ``skos:note`` …) and ``dct:source`` last.
- A predicate's objects stay in the order written (people put the main source first); a
  duplicate is dropped. They share one line where it fits in :data:`WIDTH` columns, else
  each gets a line of its own.
- A blank node ``[ … ]`` stays on one line where it fits and holds no comment.
- Terms are written exactly as they were (quotes, escapes, prefixed names or full IRIs).
"""

from __future__ import annotations

from citynet.curate.turtle_syntax import RDF_TYPE, Collection, Document, Group, Node, PropertyList, Statement, Term

WIDTH = 100
INDENT = "    "
CONTINUATION = INDENT * 2

_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_SCHEMA = "https://schema.org/"
FIRST = [RDF_TYPE, f"{_RDFS}label", f"{_SKOS}prefLabel", f"{_SKOS}altLabel", f"{_SCHEMA}name",
         f"{_SCHEMA}alternateName", f"{_RDF}subject", f"{_RDF}predicate", f"{_RDF}object",
         f"{_SCHEMA}startDate", f"{_SCHEMA}endDate"]
"""Predicates that open a description, in this order."""
LAST = [f"{_RDFS}comment", f"{_SKOS}note", f"{_SKOS}definition", f"{_SCHEMA}description",
        f"{_RDFS}seeAlso", "http://purl.org/dc/terms/source"]
"""Predicates that close it, in this order: what is said about the entity, then where it comes from."""


def predicate_rank(iri: str) -> tuple[int, str]:
    if iri in FIRST:
        return FIRST.index(iri), ""
    if iri in LAST:
        return 200 + LAST.index(iri), ""
    return 100, iri


def render(document: Document) -> str:
    """The document as text in the layout (ending with one newline)."""
    merge_subjects(document)
    lines: list[str] = list(document.header)
    if document.base:
        lines.append(f"@base {document.base} .")
    if document.prefixes:
        width = max(len(name) for name in document.prefixes) + 2
        for name in sorted(document.prefixes):
            lines.append(f"@prefix {(name + ':').ljust(width)}<{document.prefixes[name]}> .")
    if lines:
        lines.append("")
    for section in document.sections:
        if section.banner:
            lines += [*section.banner, ""]
        for statement in sorted(section.statements, key=statement_key):
            lines += statement_lines(statement)
            lines.append("")
    if document.footer:
        lines += document.footer
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def statement_key(statement: Statement) -> tuple[int, str]:
    if statement.key is None:
        return 2, inline(statement.subject) or ""
    return (1, statement.key) if statement.key.startswith("_:") else (0, statement.key)


def merge_subjects(document: Document) -> None:
    """One statement per subject (the first one's place), one group per predicate."""
    first: dict[str, Statement] = {}
    for section in document.sections:
        kept = []
        for statement in section.statements:
            earlier = first.get(statement.key) if statement.key is not None else None
            if earlier is None:
                if statement.key is not None:
                    first[statement.key] = statement
                kept.append(statement)
                continue
            if statement.comments and statement.groups:
                statement.groups[0].comments[:0] = statement.comments
            elif statement.comments:
                earlier.trailer += statement.comments
            earlier.groups += statement.groups
            earlier.trailer += statement.trailer
        section.statements = kept
    for statement in document.statements():
        statement.groups = merge_groups(statement.groups)


def merge_groups(groups: list[Group]) -> list[Group]:
    by_predicate: dict[str, Group] = {}
    for group in groups:
        kept = by_predicate.get(group.iri)
        if kept is None:
            by_predicate[group.iri] = kept = Group(group.verb, group.iri, [], list(group.comments))
        else:
            kept.comments += group.comments
        for item in group.objects:
            if isinstance(item, PropertyList):
                item.groups = merge_groups(item.groups)
            if not (isinstance(item, Term) and any(isinstance(o, Term) and o.text == item.text for o in kept.objects)):
                kept.objects.append(item)
    return sorted(by_predicate.values(), key=lambda group: predicate_rank(group.iri))


# ---------------------------------------------------------------- writing


def statement_lines(statement: Statement) -> list[str]:
    subject = subject_lines(statement.subject)
    lines = [*statement.comments]
    if not statement.groups:
        lines += [*subject[:-1], subject[-1] + " ."]
        return lines + statement.trailer
    groups = [group_lines(group, INDENT) for group in statement.groups]
    first = statement.groups[0]
    if not first.comments and len(subject) == 1:
        opening = group_lines(first, "", start=len(subject[0]) + 1)
        groups[0] = [subject[0] + " " + opening[0], *opening[1:]]
    else:
        lines += subject
    for index, group in enumerate(groups):
        end = " ." if index == len(groups) - 1 else " ;"
        lines += [*group[:-1], group[-1] + end]
    return lines + statement.trailer


def subject_lines(subject: Node) -> list[str]:
    text = inline(subject)
    if text is not None and (not isinstance(subject, PropertyList) or len(text) <= WIDTH):
        return [text]
    return node_lines(subject, "")


def group_lines(group: Group, indent: str, start: int | None = None) -> list[str]:
    """``pred o1 , o2`` at ``indent`` (or, for a statement's first group, after the subject on
    its line, from column ``start``), without the closing ``;`` or ``.``."""
    head = group.verb if start is not None else indent + group.verb
    lines = [f"{indent}{comment}" for comment in group.comments]
    inlined = [inline(item) for item in group.objects]
    if all(text is not None for text in inlined):
        one_line = head + " " + " , ".join(inlined)  # type: ignore[arg-type]
        terms_only = all(isinstance(item, Term) for item in group.objects)
        if (len(inlined) == 1 and terms_only) or (start or 0) + len(one_line) + 2 <= WIDTH:
            return [*lines, one_line]
        if terms_only:  # one object a line
            return [*lines, f"{head} {inlined[0]} ,", *(f"{CONTINUATION}{text} ," for text in inlined[1:-1]),
                    f"{CONTINUATION}{inlined[-1]}"]
    objects = [node_lines(item, indent) for item in group.objects]
    body = [head + " " + objects[0][0], *objects[0][1:]]
    for item in objects[1:]:
        body[-1] += " , " + item[0]
        body += item[1:]
    return lines + body


def node_lines(node: Node, indent: str) -> list[str]:
    """A term or collection on one line; a blank node over several (its first line follows
    what stands before it, the others are indented from ``indent``)."""
    if not isinstance(node, PropertyList):
        return [inline_required(node)]
    inner = indent + INDENT
    lines = ["["]
    for index, group in enumerate(node.groups):
        part = group_lines(group, inner)
        end = "" if index == len(node.groups) - 1 else " ;"
        lines += [*part[:-1], part[-1] + end]
    lines += [f"{inner}{comment}" for comment in node.trailer]
    lines.append(f"{indent}]")
    return lines


def inline_required(node: Node) -> str:
    text = inline(node)
    if text is None:
        raise LayoutError("a comment inside a blank node within a list ( … ) has no line of its own in the "
                          "layout; move the comment above the predicate")
    return text


class LayoutError(ValueError):
    """The layout cannot keep something the file holds (a comment in a place it has no line for)."""


def inline(node: Node) -> str | None:
    """The node on one line, or None where a comment inside needs lines of its own."""
    if isinstance(node, Term):
        return node.text
    if isinstance(node, Collection):
        return "( " + " ".join(inline_required(item) for item in node.items) + " )" if node.items else "()"
    if node.trailer or any(group.comments for group in node.groups):
        return None
    if not node.groups:
        return "[]"
    parts = []
    for group in node.groups:
        objects = [inline(item) for item in group.objects]
        if any(item is None for item in objects):
            return None
        parts.append(f"{group.verb} " + " , ".join(objects))  # type: ignore[arg-type]
    return "[ " + " ; ".join(parts) + " ]"
