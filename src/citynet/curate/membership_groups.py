"""The ``memberships`` stored query's rows a stretch at a time, so that no answer holds the
whole table.

The stored query sorts its rows (by network name, member name, membership, then every other
column): Oxigraph holds every row of the graph to sort them, 1.2 GB at 10 million triples. The
rows of one network name are one stretch of that order, and so, within it, are the rows whose
member names fall in a range. The table asks for them stretch by stretch: the names in the order
ORDER BY gives them, a name with more than ``_PART_MEMBERSHIPS`` memberships in parts by member
name. The text asked is the stored query's with the name written in, the range as a filter, and
three OPTIONALs nested as below (with a substitution instead, or the OPTIONALs as they are,
Oxigraph evaluates patterns for the whole graph for every answer).
``tests/test_membership_groups.py`` compares the rows with the stored query's, in order, and the
table with the one made from the stored query's whole answer.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator

import pyoxigraph

from citynet.curate.table_kinds import ORG, PLACE_KINDS
from citynet.errors import QueryError
from citynet.graph.lookups import (
    DEFAULT_GRAPH,
    RDF_TYPE,
    RDFS_LABEL,
    EnglishNames,
    english_names,
    holds,
    objects,
    order_key,
)
from citynet.graph.terms import OxigraphTerm, lexical
from citynet.querying.stored_queries import catalogue

Row = dict[str, str]
Part = tuple[str | None, str | None]  # member names from (inclusive) and up to (exclusive); None: no bound

_ORG_ORGANIZATION = pyoxigraph.NamedNode(str(ORG.organization))
_ORG_MEMBER = pyoxigraph.NamedNode(str(ORG.member))
_PLACE_KINDS = tuple(pyoxigraph.NamedNode(str(kind)) for kind in PLACE_KINDS.values())
_PART_MEMBERSHIPS = 5_000  # a network name with more memberships is asked for in parts of about as many
_SAMPLES = 2_000  # memberships whose member names set the bounds of the parts
_NAME = re.compile(r"\?networkName\b")

# Oxigraph evaluates an OPTIONAL of two patterns, or with a path of three steps, once for the
# whole graph and joins it by hash; nested as here (the same solutions: the filter keeps the
# right side's rows that the unnested pattern has), it is evaluated for each row that reaches it.
_NESTED = (
    ("OPTIONAL { ?member wgs:lat ?lat ; wgs:long ?long . }",
     "OPTIONAL { ?member wgs:lat ?lat OPTIONAL { ?member wgs:long ?long . } FILTER (BOUND(?long)) }"),
    ("OPTIONAL { ?membership org:memberDuring/time:hasBeginning/(time:inXSDgYear|time:inXSDDate) ?since . }",
     "OPTIONAL { ?membership org:memberDuring/time:hasBeginning ?begins "
     "OPTIONAL { ?begins time:inXSDgYear|time:inXSDDate ?since . } FILTER (BOUND(?since)) }"),
    ("OPTIONAL { ?membership org:memberDuring/time:hasEnd/(time:inXSDgYear|time:inXSDDate) ?until . }",
     "OPTIONAL { ?membership org:memberDuring/time:hasEnd ?ends "
     "OPTIONAL { ?ends time:inXSDgYear|time:inXSDDate ?until . } FILTER (BOUND(?until)) }"),
)


def network_names(store: pyoxigraph.Store) -> list[pyoxigraph.Literal]:
    """The English name of every network a membership names (the ``?networkName`` values of the
    query), each once, in the order ORDER BY puts them."""
    names: set[pyoxigraph.Literal] = set()
    previous = None
    for quad in store.quads_for_pattern(None, _ORG_ORGANIZATION, None, DEFAULT_GRAPH):
        if quad.object != previous:  # the index gives a network's memberships one after another
            previous = quad.object
            names.update(english_names(store, quad.object))
    return sorted(names, key=order_key)


def rows_query(name: pyoxigraph.Literal, part: Part = (None, None)) -> str:
    """The stored query, for the rows whose network name is ``name`` (and whose member name is
    in ``part``: from its first value on, up to its second)."""
    # Without the header's comments, which could hold the words edited below.
    text = "\n".join(line for line in catalogue().get("memberships").text.splitlines()
                     if not line.lstrip().startswith("#"))
    for stored, nested in _NESTED:
        if stored not in text:
            raise RuntimeError(f"the memberships query no longer has {stored!r}: update membership_groups._NESTED")
        text = text.replace(stored, nested)
    select, rest = text.split("WHERE {", 1)
    where, order = rest.rsplit("}", 1)
    if not _NAME.search(select) or not _NAME.search(where):
        raise RuntimeError("the memberships query no longer selects and binds ?networkName: update membership_groups")
    where = _NAME.sub(lambda _: str(name), where)  # (a function: a replacement string would read backslashes)
    low, high = part
    # STR(?memberName) compares as ORDER BY does the names' texts: code point by code point.
    where += "".join(f"  FILTER (STR(?memberName) {operator} {pyoxigraph.Literal(bound)})\n"
                     for operator, bound in ((">=", low), ("<", high)) if bound is not None)
    # An N-Triples literal (str of a pyoxigraph Literal) is a SPARQL literal: quotes, backslashes
    # and line breaks come escaped.
    return _NAME.sub(lambda _: f"({name} AS ?networkName)", select, count=1) + "WHERE {" + where + "}" + order


def membership_groups(store: pyoxigraph.Store) -> Iterator[tuple[OxigraphTerm, list[Row]]]:
    """Each membership with the rows of the stored query that come first for it: its rows with
    the first network name and member name it has (in ORDER BY's order), in the query's order,
    values as text ("" where unbound). Memberships come in the order of their first rows.

    A membership has rows for every pair of its networks' names and its members' names, and its
    roles and bodies (the columns the table joins) are the same under each pair. So the rows that
    come first for it, those with its first network name and first member name, hold them all."""
    networks = EnglishNames(store)
    for name in network_names(store):
        for part in _parts(store, name):
            met: set[OxigraphTerm] = set()  # the memberships of this part's runs so far
            run: dict[OxigraphTerm, list[Row]] = {}  # rows with one member name, by membership
            member_name = None
            for variables, solution in _solutions(store, rows_query(name, part)):
                if solution["memberName"] != member_name:
                    yield from _first_rows(store, networks, name, member_name, part[0], run, met)
                    run, member_name = {}, solution["memberName"]
                row = {variable: lexical(term) or "" for variable, term in zip(variables, solution, strict=True)}
                run.setdefault(solution["membership"], []).append(row)
            yield from _first_rows(store, networks, name, member_name, part[0], run, met)


def _solutions(store: pyoxigraph.Store, text: str) -> Iterator[tuple[list[str], pyoxigraph.QuerySolution]]:
    """The answer's rows, each with the variables' names; the store's errors as :class:`QueryError`."""
    try:
        answer = store.query(text)
        assert isinstance(answer, pyoxigraph.QuerySolutions)  # a SELECT query
        variables = [variable.value for variable in answer.variables]
        for solution in answer:
            yield variables, solution
    except (OSError, RuntimeError, ValueError) as error:  # not SyntaxError: the text is ours
        raise QueryError(f"query failed: {error}") from None


def _first_rows(store: pyoxigraph.Store, networks: EnglishNames, name: pyoxigraph.Literal,
                member_name: OxigraphTerm | None, low: str | None, run: dict[OxigraphTerm, list[Row]],
                met: set[OxigraphTerm]) -> Iterator[tuple[OxigraphTerm, list[Row]]]:
    """The memberships of a run of rows (network name ``name``, one member name) whose first rows
    these are: the first run of the part they are in, ``name`` the first of their networks'
    names and, in a part after the first (from ``low`` on), the member name the first of their
    members' names. (Names compared whole: two that ORDER BY ties are not taken for one.)"""
    for membership, rows in run.items():
        if membership in met or not isinstance(member_name, pyoxigraph.Literal):
            continue
        met.add(membership)
        if _first_name(membership, _ORG_ORGANIZATION, networks.of, store) != name:
            continue
        if low is not None and _first_name(membership, _ORG_MEMBER, _place_names(store), store) != member_name:
            continue
        yield membership, rows


def _first_name(membership: OxigraphTerm, predicate: pyoxigraph.NamedNode,
                names: Callable[[OxigraphTerm], list[pyoxigraph.Literal]],
                store: pyoxigraph.Store) -> pyoxigraph.Literal:
    """The first, in ORDER BY's order, of the names of a membership's networks or members."""
    return min((name for linked in objects(store, membership, predicate) for name in names(linked)), key=order_key)


def _place_names(store: pyoxigraph.Store) -> Callable[[OxigraphTerm], list[pyoxigraph.Literal]]:
    """The English names of a member that is a city or a region
    (``?member a ?class FILTER (?class IN (cn:City, cn:Region))``); none for another."""
    def names(member: OxigraphTerm) -> list[pyoxigraph.Literal]:
        is_place = any(holds(store, member, RDF_TYPE, kind) for kind in _PLACE_KINDS)
        return english_names(store, member) if is_place else []
    return names


def _parts(store: pyoxigraph.Store, name: pyoxigraph.Literal) -> list[Part]:
    """Ranges of member names that split the rows of one network name into answers of about
    ``_PART_MEMBERSHIPS`` memberships each (one range for most names). The bounds are the member
    names of every so many memberships: an even split, not an exact one, is all they are for."""
    count = sum(1 for _ in _memberships_named(store, name))
    if count <= _PART_MEMBERSHIPS:
        return [(None, None)]
    step = max(1, count // _SAMPLES)
    sample = sorted(label.value for membership in itertools.islice(_memberships_named(store, name), 0, None, step)
                    for member in objects(store, membership, _ORG_MEMBER) for label in english_names(store, member))
    every = max(1, len(sample) * _PART_MEMBERSHIPS // count)
    edges: list[str | None] = [None, *sorted(set(sample[every::every])), None]
    return list(itertools.pairwise(edges))


def _memberships_named(store: pyoxigraph.Store, name: pyoxigraph.Literal) -> Iterator[OxigraphTerm]:
    """The memberships of the networks that have ``name`` (any subject with that label a membership names)."""
    for labelled in store.quads_for_pattern(None, RDFS_LABEL, name, DEFAULT_GRAPH):
        for quad in store.quads_for_pattern(None, _ORG_ORGANIZATION, labelled.subject, DEFAULT_GRAPH):
            yield quad.subject
