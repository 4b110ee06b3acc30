"""Where Oxigraph's answer to a SHACL-SPARQL query could differ from rdflib's.

pySHACL runs SPARQL constraints in rdflib. citynet runs them in Oxigraph, on a copy of the
data, only where both engines must give the same rows on that copy. They can differ in
four ways, each checked here on the query's algebra and on what the copy holds:

* Oxigraph merges literals rdflib keeps apart (``1.5`` and ``1.50``): counts differ;
* Oxigraph holds some literals in a canonical form (``"+5"^^xsd:int`` as ``"5"^^xsd:integer``):
  a query that reads lexical forms, language tags or datatypes sees other values;
* a value the query computes and returns (``?v * 2``, ``SUM``) is written by each engine in
  its own way (``3.0`` or ``3``);
* the engines compare some values differently: a double with a decimal (rdflib compares
  Python values exactly, Oxigraph promotes to double), a string with a number, language-
  tagged strings of different languages, dates with and without time zones, ``xsd:gYear``,
  durations, datatypes of one's own. A comparison counts as safe only where both sides are
  of one family (IRIs and blank nodes, strings, booleans, or integers and decimals), as far
  as the query and the data show. An aggregate that picks a value (MIN, MAX, SAMPLE) is
  returned only where it cannot pick differently;
* some functions differ outright: REGEX and REPLACE (Python's regular expressions against
  Rust's), casts and other functions named by IRI, and isNUMERIC of an ill-typed literal.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import RDF, BNode, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.plugins.sparql.parserutils import CompValue

from citynet.validation.oxigraph_copy import OxigraphCopy

NODE = "node"  # the kind of IRIs and blank nodes
UNKNOWN = "unknown"

# Functions whose answer depends on the lexical form, language tag or datatype of a literal.
_READS_LEXICAL_FORMS = {
    "Builtin_STR", "Builtin_LANG", "Builtin_LANGMATCHES", "Builtin_DATATYPE", "Builtin_STRLEN",
    "Builtin_SUBSTR", "Builtin_UCASE", "Builtin_LCASE", "Builtin_STRSTARTS", "Builtin_STRENDS",
    "Builtin_CONTAINS", "Builtin_STRBEFORE", "Builtin_STRAFTER", "Builtin_ENCODE_FOR_URI",
    "Builtin_CONCAT", "Builtin_REGEX", "Builtin_REPLACE", "Builtin_MD5", "Builtin_SHA1",
    "Builtin_SHA256", "Builtin_SHA384", "Builtin_SHA512", "Builtin_STRDT", "Builtin_STRLANG",
    "Builtin_IRI", "Aggregate_GroupConcat", "Function",  # casts read lexical forms too
}
# Functions the engines evaluate differently, whatever the data.
_ENGINE_SPECIFIC = {"Builtin_REGEX", "Builtin_REPLACE", "Function"}
# Expressions both engines answer with the same term: true or false, or a count.
_SAME_TERM_RESULTS = {
    "RelationalExpression", "ConditionalAndExpression", "ConditionalOrExpression", "UnaryNot",
    "Builtin_BOUND", "Builtin_isIRI", "Builtin_isBLANK", "Builtin_isLITERAL", "Builtin_isNUMERIC",
    "Builtin_sameTerm", "Builtin_EXISTS", "Builtin_NOTEXISTS", "Builtin_STRSTARTS",
    "Builtin_STRENDS", "Builtin_CONTAINS", "Builtin_LANGMATCHES", "Aggregate_Count",
}
_READS_LANGUAGE_TAGS = {"Builtin_LANG", "Builtin_LANGMATCHES"}
_LANG_STRING = str(RDF.langString)
_STRING = str(XSD.string)
_INTEGER = str(XSD.integer)
_BOOLEAN = str(XSD.boolean)
# What each kind of expression gives, where that does not depend on its arguments.
_RESULT_KINDS = {
    **dict.fromkeys(["Builtin_STR", "Builtin_LANG", "Builtin_SUBSTR", "Builtin_UCASE", "Builtin_LCASE",
                     "Builtin_STRBEFORE", "Builtin_STRAFTER", "Builtin_ENCODE_FOR_URI", "Builtin_CONCAT",
                     "Builtin_REPLACE"], _STRING),
    **dict.fromkeys(["Builtin_STRLEN", "Aggregate_Count"], _INTEGER),
    **dict.fromkeys(["Builtin_DATATYPE", "Builtin_IRI"], NODE),
    **dict.fromkeys(_SAME_TERM_RESULTS - {"Aggregate_Count"}, _BOOLEAN),
}
# Families of values both engines compare alike within a family.
_NUMBER = "number"
_INTEGERS = ("int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
             "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")
_FAMILIES = {NODE: NODE, _STRING: _STRING, str(RDF.langString): str(RDF.langString), _BOOLEAN: _BOOLEAN,
             str(XSD.decimal): _NUMBER, _INTEGER: _NUMBER, **{str(XSD[t]): _NUMBER for t in _INTEGERS}}


def disagreement(algebra: CompValue, copy: OxigraphCopy) -> str | None:
    """Why Oxigraph could answer ``algebra`` (a SELECT query) otherwise than rdflib on
    ``copy``'s data; None if both give the same rows."""
    if not copy.injective:
        return "the data has literals that Oxigraph would merge (such as 1.5 and 1.50)"
    names = {node.name for node in walk(algebra) if isinstance(node, CompValue)}
    specific = names & _ENGINE_SPECIFIC
    if specific:
        listed = ", ".join(sorted(n.removeprefix("Builtin_") for n in specific))
        return f"it uses {listed}, which the engines evaluate differently"
    if "Builtin_isNUMERIC" in names and copy.has_ill_typed:
        return "it uses isNUMERIC, and the data has ill-typed literals, which the engines judge differently"
    kinds = _Kinds(algebra, copy)
    reader = _reads_changed_forms(algebra, kinds, copy.lossy_kinds)
    if reader is not None:
        return (f"it reads lexical forms, language tags or datatypes ({reader}), and the data has literals "
                "that Oxigraph holds in another form")
    computed = _computed_projection(algebra)
    if computed is not None:
        return f"it returns a computed value (?{computed}), which each engine writes in its own way"
    compared = _uncertain_comparison(algebra, kinds)
    if compared is not None:
        return f"it compares values that the engines compare differently ({compared})"
    return None


def _project(algebra: CompValue) -> CompValue:
    node = algebra.p
    while node.name in ("Slice", "Distinct", "Reduced", "OrderBy"):
        node = node.p
    return node


def _computed_projection(algebra: CompValue) -> str | None:
    """The first projected variable bound to an expression whose value the two engines
    may write differently."""
    projected = set(_project(algebra).PV)
    for extend in walk(algebra):
        if isinstance(extend, CompValue) and extend.name == "Extend" and extend.var in projected and not (
                _same_term_result(extend.expr, algebra)):
            return str(extend.var)
    return None


def _same_term_result(expression: object, algebra: CompValue) -> bool:
    if isinstance(expression, Variable):
        aggregate = _aggregate_for(expression, algebra)
        return aggregate is None or aggregate.name in _SAME_TERM_RESULTS or _samples_a_group_key(aggregate, algebra)
    if isinstance(expression, (URIRef, BNode)):
        return True
    if isinstance(expression, Literal):  # as Oxigraph parses it: only strings keep their form
        return expression.datatype in (None, XSD.string) and expression.language in (
            None, str(expression.language).lower())
    return isinstance(expression, CompValue) and expression.name in _SAME_TERM_RESULTS


def _samples_a_group_key(aggregate: CompValue, algebra: CompValue) -> bool:
    """SAMPLE of a GROUP BY variable (how rdflib projects a group key): one value per group."""
    keys = {v for node in walk(algebra) if isinstance(node, CompValue) and node.name == "Group"
            for v in (node.expr or [])}
    return aggregate.name == "Aggregate_Sample" and aggregate.vars in keys


def _aggregate_for(variable: Variable, algebra: CompValue) -> CompValue | None:
    """The aggregate behind an ``__agg_n__`` variable, if it is one."""
    for node in walk(algebra):
        if isinstance(node, CompValue) and node.name.startswith("Aggregate_") and node.get("res") == variable:
            return node
    return None


def _reads_changed_forms(algebra: CompValue, kinds: _Kinds, lossy: frozenset[str]) -> str | None:
    """The first function that reads the lexical form, language tag or datatype of a value
    that may be one the copy holds in another form (``lossy``: their kinds)."""
    if not lossy:
        return None
    case_blind = _case_blind_tags(algebra)
    for node in walk(algebra):
        if not (isinstance(node, CompValue) and node.name in _READS_LEXICAL_FORMS):
            continue
        # A language tag's case changes only what LANG sees; other changes, what the rest see.
        # Where LANG's value only meets LANGMATCHES (case-blind in both engines, as SPARQL
        # says) or is tested for being empty, the case changes nothing.
        if node.name == "Builtin_LANGMATCHES" or id(node) in case_blind:
            sensitive = lossy - {_LANG_STRING}
        elif node.name in _READS_LANGUAGE_TAGS:
            sensitive = lossy & {_LANG_STRING}
        else:
            sensitive = lossy - {_LANG_STRING}
        if not sensitive:
            continue
        arguments = set().union(*(kinds.of(value) for key, value in node.items() if not key.startswith("_")
                                  for value in (value if isinstance(value, list) else [value])))
        if UNKNOWN in arguments or arguments & sensitive:
            return node.name.removeprefix("Builtin_")
    return None


def _case_blind_tags(algebra: CompValue) -> set[int]:
    """The ``LANG`` calls (by id) whose value goes only where its case cannot matter: the
    first argument of LANGMATCHES, or a side of ``=`` / ``!=`` with the empty string."""
    found: set[int] = set()
    for node in walk(algebra):
        if not isinstance(node, CompValue):
            continue
        if node.name == "Builtin_LANGMATCHES":
            sides = [node.arg1]
        elif node.name == "RelationalExpression" and node.op in ("=", "!="):
            sides = [node.expr] if node.other == Literal("") else [node.other] if node.expr == Literal("") else []
        else:
            continue
        found.update(id(side) for side in sides if isinstance(side, CompValue) and side.name == "Builtin_LANG")
    return found


def _uncertain_comparison(algebra: CompValue, kinds: _Kinds) -> str | None:
    """The first comparison whose sides may hold values the engines compare differently.
    Equality with an IRI or a blank node is term identity in both."""
    for expression in walk(algebra):
        if isinstance(expression, CompValue) and expression.name == "RelationalExpression" and (
                expression.op in ("=", "!=", "<", ">", "<=", ">=")):
            left, right = kinds.of(expression.expr), kinds.of(expression.other)
            if expression.op in ("=", "!=") and (left == {NODE} or right == {NODE}):
                continue
            families = {_FAMILIES.get(kind) for kind in left | right}
            ordered_languages = expression.op not in ("=", "!=") and str(RDF.langString) in families
            if len(families) != 1 or None in families or ordered_languages:
                return ", ".join(sorted(_short(kind) for kind in left | right))
    return None


class _Kinds:
    """What kinds of value an expression can have: NODE, a datatype IRI, or UNKNOWN.
    A variable's kinds come from the patterns that bind it, and from the data."""

    def __init__(self, algebra: CompValue, copy: OxigraphCopy) -> None:
        self._algebra, self._copy = algebra, copy
        self._subjects: set[Variable] = set()
        self._objects: dict[Variable, set[object]] = {}
        self._collect(algebra.p)

    def of(self, expression: object) -> set[str]:
        if isinstance(expression, Variable):
            return self._of_variable(expression)
        if isinstance(expression, (URIRef, BNode)):
            return {NODE}
        if isinstance(expression, Literal):
            return {str(expression.datatype or (RDF.langString if expression.language else XSD.string))}
        if isinstance(expression, CompValue) and expression.name in _RESULT_KINDS:
            return {_RESULT_KINDS[expression.name]}
        return {UNKNOWN}

    def _of_variable(self, variable: Variable) -> set[str]:
        aggregate = _aggregate_for(variable, self._algebra)
        if aggregate is not None:
            if aggregate.name == "Aggregate_Count":
                return {_INTEGER}
            picks = ("Aggregate_Sample", "Aggregate_Min", "Aggregate_Max")
            return self.of(aggregate.vars) if aggregate.name in picks else {UNKNOWN}
        if variable in self._subjects:
            return {NODE}
        predicates = self._objects.get(variable)
        if not predicates or not all(isinstance(p, URIRef) for p in predicates):
            return {UNKNOWN}  # bound by a path, a variable predicate or an expression
        return set().union(*(self._copy.object_kinds(p) for p in predicates))  # type: ignore[arg-type]

    def _collect(self, node: object) -> None:
        """Subjects of patterns every solution matches, and the predicates of patterns
        that bind a variable as object anywhere (a safe over-approximation of its kinds)."""
        for found in walk(node):
            if isinstance(found, CompValue) and found.name == "BGP":
                for _, p, o in found.triples:
                    if isinstance(o, Variable):
                        self._objects.setdefault(o, set()).add(p)
        self._subjects = _always_bound_subjects(node)


def _always_bound_subjects(node: object) -> set[Variable]:
    """Variables in subject or predicate position of a pattern every solution matches (not
    under OPTIONAL, UNION or MINUS): their values are IRIs or blank nodes."""
    if not isinstance(node, CompValue):
        return set()
    if node.name == "BGP":
        return {t for s, p, _ in node.triples for t in (s, p) if isinstance(t, Variable)}
    if node.name == "LeftJoin":
        return _always_bound_subjects(node.p1)
    if node.name == "Join":
        return _always_bound_subjects(node.p1) | _always_bound_subjects(node.p2)
    if node.name in ("Union", "Minus") or "p" not in node:
        return set()
    return _always_bound_subjects(node.p)


def _short(kind: str) -> str:
    return kind.replace(str(XSD), "xsd:")


def walk(node: object) -> Iterator[object]:
    """Every node of an rdflib algebra tree, depth first. The pattern of a FILTER (NOT)
    EXISTS comes twice: rdflib sets its translated form as the attribute ``graph`` and leaves
    the syntax form as the item, with its FILTERs taken out; both are walked, so that a
    FILTER inside EXISTS is seen as well as the syntax (an OPTIONAL, say) it was written in."""
    yield node
    if isinstance(node, CompValue):
        for key, value in node.items():
            if not key.startswith("_"):
                yield from walk(value)
        translated = vars(node).get("graph")
        if translated is not None and translated is not node.get("graph"):
            yield from walk(translated)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from walk(item)
