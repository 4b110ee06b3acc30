"""Every statement about the world is what a cited source says: general rules over data/,
its sources' quotes and the reference material in ../shared/reference/.

Each rule names no entity of the data. Where a value cannot be found in its sources'
words for a good reason, the reason is in EXCEPTIONS, and a test checks that each
exception is still needed.

The checks read words, not meaning: a number found anywhere in a cited quote counts as
found ("eight commissions" gives 8, as "Rostock and seven other member cities" does not
in so many words). They find values that are missing from their sources; they do not
prove that a value found is the one the source means.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

import pytest
from babel import Locale, UnknownLocaleError
from babel.dates import get_month_names
from num2words import num2words
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS

from citynet import resources
from citynet.namespace import CN

from .conftest import REFERENCE, needs_reference
from .test_data import data_graph

GN = Namespace("http://www.geonames.org/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
WGS = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # rdflib's XSD warns when pytest inspects the module
ID = "https://w3id.org/citynet/id/"

pytestmark = needs_reference

# Values that no cited quote or reference row gives in so many words, and why they stand.
# Keys: (entity IRI after .../id/, property, value as written in data/).
EXCEPTIONS: dict[tuple[str, str, str], str] = {
    # The 2021 edition's own 8 passes only by the chance "eight commissions" of another source it cites.
    ("claim/crisis-conference-2021-eight-cities", "rdf:object", "8"):
        'The page counts "the City of Rostock and seven other member cities": 1 + 7.',
    ("event/crisis-conference-2006", "cn:year", "2006"):
        'RIA Novosti announces the conference for "6. - 9. Juni" in an article of 12 May 2006.',
    ("event/crisis-conference-2006", "schema:startDate", "2006-06-06"):
        'RIA Novosti announces the conference for "6. - 9. Juni" in an article of 12 May 2006.',
    ("event/crisis-conference-2006", "schema:endDate", "2006-06-09"):
        'RIA Novosti announces the conference for "6. - 9. Juni" in an article of 12 May 2006.',
    ("event/crisis-conference-2014", "cn:year", "2014"):
        'Österreich Journal gives "Seit 28.09." and "endet am 1. Oktober"; its address (…/!2014/0914/…) the year.',
    ("event/crisis-conference-2014", "schema:startDate", "2014-09-28"):
        'Österreich Journal gives "Seit 28.09."; the year is in its address (…/!2014/0914/…).',
    ("event/crisis-conference-2014", "schema:endDate", "2014-10-01"):
        'Österreich Journal gives "endet am 1. Oktober"; the year is in its address (…/!2014/0914/…).',
    ("event/crisis-conference-2017", "cn:year", "2017"):
        'The City of Ljubljana reports "letošnje 12. konferenca" (this year\'s 12th conference) on 23 June 2017.',
    ("event/memory-cities-colloquium-2019", "cn:year", "2019"):
        'The press release of 27 May 2019 speaks of "diesem vierten Jahrestreffen" (this fourth annual meeting).',
    ("statement/iapmc-members-hanseradio-2017", "cn:statedOn", "2017"):
        "SVR Hanseradio's article is in its 2017 archive (svr-hanseradio.de/archiv2017/…).",
}


# ---------------------------------------------------------------- words and numbers in a text


def fold(text: str) -> str:
    """Lower case, accents and everything but letters and digits removed: for comparing names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def _number_words(n: int, language: str, to: str = "cardinal") -> list[str]:
    try:
        return [num2words(n, lang=language, to=to).casefold()]
    except (NotImplementedError, OverflowError, ValueError, KeyError, TypeError, AttributeError):
        return []


@cache
def _reverse_number_words(language: str) -> dict[str, int]:
    """"zwölf" → 12 for 2 to 100 in the language (num2words), to read counts written out."""
    return {word: n for n in range(2, 101) for word in _number_words(n, language)}


def mentions_number(text: str, n: int, language: str) -> bool:
    """The text gives ``n`` as digits (not inside a larger number) or as a word of its language."""
    if re.search(rf"(?<![\d.,]){n}(?![\d]|[.,]\d)", text):
        return True
    words = _number_words(n, language)
    return any(re.search(rf"\b{re.escape(w)}\b", text, re.IGNORECASE) for w in words)


def mentions_ordinal(text: str, n: int, language: str) -> bool:
    """The text numbers something ``n``-th: "15.", "15th", "vierten", "first"."""
    if re.search(rf"(?<![\d.,]){n}(?:\.|st\b|nd\b|rd\b|th\b)(?!\d)", text):
        return True
    return any(re.search(rf"\b{re.escape(w)}", text, re.IGNORECASE) for w in _number_words(n, language, "ordinal"))


def mentions_decimal(text: str, value: Decimal) -> bool:
    return any(_decimal(found) == value for found in re.findall(r"-?\d+\.\d+", text))


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


@cache
def _month_names(language: str, month: int) -> tuple[str, ...]:
    names = set()
    for code in {language, "en"}:
        try:
            locale = Locale.parse(code)
        except (ValueError, UnknownLocaleError):
            continue
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                names.add(get_month_names(width, context, locale)[month].casefold().rstrip("."))
    return tuple(sorted(names, key=len, reverse=True))


def mentions_date(text: str, year: int, month: int, day: int, language: str) -> bool:
    """The text gives the date: ISO, "27.05.2019", "Vom 27. bis 29. September 2021", "6 to 8 May 2024"."""
    if f"{year:04d}-{month:02d}-{day:02d}" in text:
        return True
    if not mentions_number(text, year, language):
        return False
    if re.search(rf"(?<![\d.])0?{day}\.\s?0?{month}\.", text):
        return True
    for name in _month_names(language, month):
        if re.search(rf"(?<![\d.])0?{day}\b\.?[^\d\n]{{0,6}}(?:\d{{1,2}}\.?[^\d\n]{{0,6}})?{re.escape(name)}", text,
                     re.IGNORECASE) or re.search(rf"{re.escape(name)}\s+{day}\b", text, re.IGNORECASE):
            return True
    return False


def without_scheme(address: str) -> str:
    return re.sub(r"^(https?://)?(www\.)?", "", address.strip()).rstrip("/").casefold()


# ---------------------------------------------------------------- the data and its evidence


@cache
def graph() -> Graph:
    return data_graph()


@cache
def ontology() -> Graph:
    return Graph().parse(resources.ontology_path(), format="turtle")


def local(node: URIRef) -> str:
    return str(node).removeprefix(ID)


def curie(prop: URIRef) -> str:
    return graph().namespace_manager.normalizeUri(prop)


def names(node: URIRef) -> set[str]:
    """Every name of the node, folded, three characters or more."""
    props = (RDFS.label, SKOS.prefLabel, SKOS.altLabel, SCHEMA.name, SCHEMA.alternateName, CN.abbreviation)
    found = {fold(str(o)) for p in props for o in graph().objects(node, p) if isinstance(o, Literal)}
    return {n for n in found if len(n) >= 3}


def names_in(text: str, node: URIRef) -> bool:
    folded = fold(text)
    return any(name in folded for name in names(node))


@dataclass(frozen=True)
class Passage:
    """Words that evidence comes from: a quote of a source, or a row of a reference file."""

    source: URIRef
    text: str
    language: str


def quotes(source: URIRef) -> list[Passage]:
    return [Passage(source, str(q), q.language or "en") for q in graph().objects(source, CN.quote)
            if isinstance(q, Literal)]


@cache
def reference_rows(source: URIRef) -> tuple[tuple[dict[str, str], str], ...]:
    """The rows of the reference files (facts*.csv, evidence*.csv) that a source's title names."""
    files = re.findall(r"[\w-]+\.csv\b", str(graph().value(source, RDFS.label) or ""))
    rows = []
    for name in files:
        with (REFERENCE / name).open(encoding="utf-8", newline="") as f:
            rows += [(fields, ",".join(fields.values())) for fields in csv.DictReader(f)]
    return tuple(rows)


def row_names(fields: dict[str, str]) -> set[str]:
    found = set()
    for column in ("name_in_page", "english_name", "local_name"):
        for part in re.split(r" / |[(),;]", fields.get(column) or ""):
            if len(fold(part)) >= 3:
                found.add(fold(part))
    return found


def row_is_about(fields: dict[str, str], nodes: Iterable[URIRef]) -> bool:
    """A reference row is about a node if a name of the row and a name of the node contain one another."""
    wanted = {n for node in nodes for n in names(node)}
    return any(a in b or b in a for a in row_names(fields) for b in wanted)


def linked(node: URIRef) -> set[URIRef]:
    """The node, the entities it links to, and those linked from them (an edition's series' network)."""
    near = {node} | {o for o in graph().objects(node) if isinstance(o, URIRef) and str(o).startswith(ID)}
    return near | {o for n in near for o in graph().objects(n) if isinstance(o, URIRef) and str(o).startswith(ID)}


def evidence(node: URIRef) -> list[Passage]:
    """The quotes of the sources the node cites, and the reference rows about it: about the node
    itself where a row names it (a place), else about what it links to (an edition's network)."""
    passages = []
    for source in graph().objects(node, DCTERMS.source):
        passages += quotes(source)
        rows = reference_rows(source)
        own = [line for fields, line in rows if row_is_about(fields, [node])]
        passages += [Passage(source, line, "en") for line in own or
                     [line for fields, line in rows if row_is_about(fields, linked(node))]]
    return passages


def entities() -> list[URIRef]:
    """Everything described under .../id/ but the sources themselves (checked against the reference notes)."""
    found = {s for s in graph().subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(ID)}
    return sorted(s for s in found if (s, RDF.type, CN.Source) not in graph())


def own_values(node: URIRef) -> Iterator[tuple[URIRef, Literal | URIRef]]:
    """The node's statements, those of blank nodes below it (a membership's period) included."""
    todo: list[URIRef | BNode] = [node]
    while todo:
        subject = todo.pop()
        for prop, value in graph().predicate_objects(subject):
            if isinstance(value, BNode):
                todo.append(value)
            else:
                yield prop, value


@cache
def identifier_properties() -> frozenset[URIRef]:
    """Properties whose values identify something elsewhere: the ontology's schema:sameAs
    subproperties (Wikidata, GeoNames), homepages, country codes and abbreviations."""
    same_as = set(ontology().subjects(RDFS.subPropertyOf, SCHEMA.sameAs))
    return frozenset(same_as | {FOAF.homepage, GN.countryCode, CN.abbreviation})


NUMBERS_AND_DATES = {XSD.integer, XSD.decimal, XSD.gYear, XSD.date}


def checked_values() -> Iterator[tuple[URIRef, URIRef, Literal | URIRef]]:
    for node in entities():
        for prop, value in own_values(node):
            if (isinstance(value, Literal) and value.datatype in NUMBERS_AND_DATES) or prop in identifier_properties():
                yield node, prop, value


def found_in(value: Literal | URIRef, prop: URIRef, passage: Passage) -> bool:
    text, language = passage.text, passage.language
    if isinstance(value, URIRef):
        if (prop, RDFS.subPropertyOf, SCHEMA.sameAs) in ontology():
            identifier = str(value).rstrip("/").rsplit("/", 1)[-1]
            return re.search(rf"(?<![\w]){re.escape(identifier)}(?!\d)", text) is not None
        return without_scheme(str(value)) in without_scheme(re.sub(r"https?://(www\.)?", "", text))
    lexical = str(value)
    if value.datatype == XSD.integer:  # a count ("sechs Länder") or an ordinal ("vierten Jahrestreffen")
        return mentions_number(text, int(lexical), language) or mentions_ordinal(text, int(lexical), language)
    if value.datatype == XSD.decimal:
        return mentions_decimal(text, Decimal(lexical))
    if value.datatype == XSD.gYear:
        return mentions_number(text, int(lexical[:4]), language)
    if value.datatype == XSD.date:
        year, month, day = (int(p) for p in lexical[:10].split("-"))
        return mentions_date(text, year, month, day, language)
    return re.search(rf"(?<![A-Za-z]){re.escape(lexical)}(?![A-Za-z])", text) is not None


def unsupported_values() -> list[tuple[str, str, str]]:
    missing = []
    for node, prop, value in checked_values():
        passages = evidence(node)
        if prop == CN.statedOn:  # the date a source stated a count is the source's own date
            passages += [Passage(s, str(d), "en") for s in graph().objects(node, DCTERMS.source)
                         for d in graph().objects(s, DCTERMS.issued)]
        if not any(found_in(value, prop, p) for p in passages):
            missing.append((local(node), curie(prop), str(value)))
    return missing


# ---------------------------------------------------------------- every value is in its sources


def test_every_number_date_and_identifier_is_in_a_cited_quote_or_reference_row():
    """Items 9 and 10 of issue 12, and the rule behind all values: a count, year, date,
    coordinate, Wikidata or GeoNames id, homepage, country code or abbreviation appears in
    a quote of a source the entity cites, or in a row about it of a reference file it cites."""
    unexplained = [v for v in unsupported_values() if v not in EXCEPTIONS]
    assert unexplained == [], "values that no cited quote or reference row gives (cite it, or explain in EXCEPTIONS)"


def test_every_exception_is_still_needed():
    assert sorted(set(EXCEPTIONS) - set(unsupported_values())) == []


def test_every_source_carries_the_words_used():
    """Item 10: data sets too are quoted (the rows used), so that every value can be checked."""
    unquoted = [local(s) for s in graph().subjects(RDF.type, CN.Source) if not list(graph().objects(s, CN.quote))]
    assert unquoted == []


@cache
def reference_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(REFERENCE.glob("*")) if p.suffix in {".md", ".csv"})


@cache
def reference_words() -> str:
    """All the reference material's words: its files as they are, and the CSV fields unquoted."""
    parts = [(REFERENCE / name).read_text(encoding="utf-8") for name in ("source-page.txt", "network-evidence.md")]
    for path in sorted(REFERENCE.glob("*.csv")):
        parts.append(path.read_text(encoding="utf-8"))  # a quoted row, as the file has it
        with path.open(encoding="utf-8", newline="") as f:
            parts += [field for row in csv.reader(f) for field in row]
    return re.sub(r"\s+", " ", "\n".join(parts))


def test_every_quote_is_verbatim_in_the_reference_material():
    """Quotes are the sources' words as the reference material retrieved them: each part
    between "..." elisions stands there as it is (whitespace aside)."""
    words = reference_words()
    altered = [(local(s), part) for s, quote in graph().subject_objects(CN.quote)
               for part in re.split(r"\s*\.\.\.\s*", str(quote))
               if part and re.sub(r"\s+", " ", part) not in words]
    assert altered == []


def test_every_source_address_and_date_is_in_the_reference_notes():
    """Sources are described as the reference notes give them: no guessed address or date."""
    text = reference_text()
    bare = without_scheme(re.sub(r"https?://(www\.)?", "", text))
    wrong = []
    for source in graph().subjects(RDF.type, CN.Source):
        for url in graph().objects(source, SCHEMA.url):
            if without_scheme(str(url)) not in bare:
                wrong.append((local(source), str(url)))
        for issued in graph().objects(source, DCTERMS.issued):
            year, month, day = (int(p) for p in str(issued).split("-"))
            if not mentions_date(text, year, month, day, "en"):
                wrong.append((local(source), str(issued)))
    assert wrong == []


# ---------------------------------------------------------------- item 1: an edition belongs to its series


def test_a_series_link_is_made_by_a_source():
    """Item 1: an event is an edition of a series only where a source it cites numbers it
    in the series or names the network that organises the series. A title such as
    "international crisis management conference" alone does not tie an event to a network."""
    unsupported = []
    for edition, series in graph().subject_objects(SCHEMA.superEvent):
        number = graph().value(edition, CN.editionNumber)
        networks = list(graph().objects(series, SCHEMA.organizer))
        passages = [p for s in graph().objects(edition, DCTERMS.source) for p in quotes(s)]
        if not any((number is not None and mentions_ordinal(p.text, int(number), p.language))
                   or any(names_in(p.text, n) for n in networks) for p in passages):
            unsupported.append(local(edition))
    assert unsupported == [], "record the link as a cn:Claim with the words that suggest it"


# ---------------------------------------------------------------- item 2: what a place is to a network


# The reference table's words for what a place is to a network, and how data/ says it.
REFERENCE_ROLES = {"initiator": CN.initiatedBy, "founding place": SCHEMA.foundingLocation}


def reference_place_rows() -> Iterator[dict[str, str]]:
    for name in ("facts.csv", "facts-more.csv"):
        for row in csv.DictReader((REFERENCE / name).open(encoding="utf-8")):
            if not row["kind"].startswith("network"):
                yield row


def place_of(row: dict[str, str]) -> URIRef:
    found = {*graph().subjects(RDF.type, CN.City), *graph().subjects(RDF.type, CN.Region)}
    matches = sorted({p for p in found if names(p) & {fold(n) for n in re.split(r" / ", row["name_in_page"])}})
    assert len(matches) == 1, (row["name_in_page"], matches)
    return matches[0]


def network_named(name: str) -> URIRef:
    matches = [n for n in graph().subjects(RDF.type, CN.CityNetwork) if fold(name) in names(n)]
    assert len(matches) == 1, name
    return matches[0]


def roles_in(kind: str) -> Iterator[tuple[str, URIRef]]:
    """("member", network) and ("initiator", network) … from "city (member, Memory Cities; IAPMC Executive Board)"."""
    inside = re.search(r"\((.*)\)", kind)
    for part in (inside.group(1).split(";") if inside else []):
        part = part.strip()
        if part.startswith("member, "):
            yield "member", network_named(part.removeprefix("member, "))
        for role in REFERENCE_ROLES:
            if part.endswith(f" {role}"):
                yield role, network_named(part.removesuffix(f" {role}"))


def is_member(place: URIRef, network: URIRef) -> bool:
    return any((m, ORG.organization, network) in graph() for m in graph().subjects(ORG.member, place))


def test_what_the_reference_says_a_place_is_to_a_network_is_what_the_data_says():
    """Item 2: a member is a member; an initiator or founding place is recorded as such, and
    is not made a member unless a source says so as well."""
    wrong = []
    for row in reference_place_rows():
        place = place_of(row)
        roles = list(roles_in(row["kind"]))
        members_of = {network for role, network in roles if role == "member"}
        for role, network in roles:
            if role == "member" and not is_member(place, network):
                wrong.append((row["name_in_page"], "not a member of", local(network)))
            if role in REFERENCE_ROLES:
                if (network, REFERENCE_ROLES[role], place) not in graph():
                    wrong.append((row["name_in_page"], f"not recorded as {role} of", local(network)))
                if network not in members_of and is_member(place, network):
                    wrong.append((row["name_in_page"], f"{role}, but also recorded as member of", local(network)))
    assert wrong == []


def test_every_membership_names_its_member_in_a_cited_quote():
    unnamed = []
    for membership in graph().subjects(RDF.type, ORG.Membership):
        member = graph().value(membership, ORG.member)
        passages = [p for s in graph().objects(membership, DCTERMS.source) for p in quotes(s)]
        if not any(names_in(p.text, member) for p in passages):
            unnamed.append(local(membership))
    assert unnamed == []


# ---------------------------------------------------------------- claims: items 4 to 7


def agree(a: Literal | URIRef, b: Literal | URIRef) -> bool:
    """Whether two claimed values can both be true: the same value, or a year (or date) and a
    text that names the decade it lies in. ontology/shapes.ttl spells out the same test."""
    if a == b:
        return True
    for year, text in ((a, b), (b, a)):
        if (isinstance(year, Literal) and year.datatype in {XSD.gYear, XSD.date}
                and isinstance(text, Literal) and text.language
                and re.search(rf"{str(year)[:3]}0(s|er)", str(text))):
            return True
    return False


def claims() -> list[URIRef]:
    return sorted(graph().subjects(RDF.type, CN.Claim))


def claimed(claim: URIRef) -> tuple[URIRef, URIRef, Literal | URIRef]:
    return (graph().value(claim, RDF.subject), graph().value(claim, RDF.predicate), graph().value(claim, RDF.object))


def conflicting(a: URIRef, b: URIRef) -> bool:
    return (a, CN.conflictsWith, b) in graph() or (b, CN.conflictsWith, a) in graph()


def rivals(claim: URIRef) -> list[URIRef]:
    subject, prop, value = claimed(claim)
    return [other for other in claims() if other != claim and claimed(other)[:2] == (subject, prop)
            and not agree(value, claimed(other)[2])]


def test_every_claim_with_a_rival_value_conflicts_with_it_and_is_not_asserted():
    """Items 4 and 5: where sources disagree, each value is a claim, marked as conflicting
    with the others, and the graph asserts none of them, not even within a name."""
    wrong = []
    for claim in claims():
        others = rivals(claim)
        if not others:
            continue
        subject, prop, value = claimed(claim)
        wrong += [(local(claim), "no cn:conflictsWith", local(o)) for o in others if not conflicting(claim, o)]
        if (subject, prop, value) in graph():
            wrong.append((local(claim), "asserted", str(value)))
        if isinstance(value, Literal) and value.language:
            wrong += [(local(claim), "within a name", str(n)) for p in (RDFS.label, SKOS.altLabel, SCHEMA.name,
                                                                         SCHEMA.alternateName)
                      for n in graph().objects(subject, p) if str(value).casefold() in str(n).casefold()]
    assert wrong == []


def test_claims_conflict_only_where_their_values_disagree():
    """Item 6: a year and a text naming its decade ("1986", "Mitte der 1980er Jahre") do not conflict."""
    agreeing = [(local(a), local(b)) for a, b in graph().subject_objects(CN.conflictsWith)
                if agree(claimed(a)[2], claimed(b)[2])]
    assert agreeing == []


def test_sources_an_entity_cites_do_not_give_different_counts_of_the_same_thing():
    """Item 4: where one source says "11 villes" and another "dix villes" about the same
    meeting, the count is disputed: two conflicting claims, not one asserted value. The
    thing counted is the word after the number in the source that gives the value."""
    disputed = []
    for node in entities():
        if (node, RDF.type, CN.Claim) in graph():
            continue
        sources = list(graph().objects(node, DCTERMS.source))
        for prop, value in own_values(node):
            if not (isinstance(value, Literal) and value.datatype == XSD.integer):
                continue
            for source in sources:
                for counted in counted_words(source, int(value)):
                    for other in sources:
                        if other == source:
                            continue
                        for number in counts_of(other, counted):
                            if number != int(value):
                                disputed.append((local(node), curie(prop), str(value), local(other), number))
    assert disputed == []


def _counts(passage: Passage) -> Iterator[tuple[int, str]]:
    """(number, the word after it) for every count in the passage, digits or a word of its language."""
    words = _reverse_number_words(passage.language)
    for match in re.finditer(r"(\w+)(?:\.|st|nd|rd|th)?\s+(\w+)", passage.text):
        first, after = match.group(1).casefold(), fold(match.group(2))
        if first.isdigit():
            yield int(first), after
        elif first in words:
            yield words[first], after


def counted_words(source: URIRef, n: int) -> set[str]:
    return {after for p in quotes(source) for number, after in _counts(p) if number == n}


def counts_of(source: URIRef, counted: str) -> set[int]:
    return {number for p in quotes(source) for number, after in _counts(p) if after == counted}


YEAR = re.compile(r"(?<![\d.,])(1[89]\d\d|20\d\d)(?![\w]|[.,]\d)")  # not a decade ("1980er")


def test_every_year_quoted_for_a_disputed_date_is_recorded():
    """Item 7: where sources disagree on a date, every year that a cited quote naming the
    subject gives is recorded: as a claim from that source, or as another dated statement
    about the subject or its neighbours (a membership's start, a source's date)."""
    unrecorded = []
    disputed = {(s, p) for claim in claims() for s, p, o in [claimed(claim)] if rivals(claim)
                and isinstance(o, Literal) and o.datatype in {XSD.gYear, XSD.date}}
    for subject, prop in sorted(disputed):
        own_claims = [c for c in claims() if claimed(c)[:2] == (subject, prop)]
        sources = set(graph().objects(subject, DCTERMS.source)) | {
            s for c in own_claims for s in graph().objects(c, DCTERMS.source)}
        nearby = linked(subject) | set(graph().subjects(None, subject))
        dated = {str(v)[:4] for n in nearby for _, v in own_values(n)
                 if isinstance(v, Literal) and v.datatype in {XSD.gYear, XSD.date}}
        dated |= {str(d)[:4] for s in sources for d in graph().objects(s, DCTERMS.issued)}
        for source in sorted(sources):
            claimed_here = {str(claimed(c)[2])[:4] for c in own_claims if (c, DCTERMS.source, source) in graph()}
            for passage in quotes(source):
                if names_in(passage.text, subject):
                    for year in YEAR.findall(passage.text):
                        if year not in claimed_here | dated:
                            unrecorded.append((local(subject), local(source), year))
    assert unrecorded == []


# ---------------------------------------------------------------- item 8: how exact a stated count is


@cache
def precision_words() -> dict[str, URIRef]:
    """The words that express each count precision ("über", "about"), from the ontology."""
    words = {}
    for precision in ontology().subjects(RDF.type, CN.CountPrecision):
        for prop in (RDFS.label, SKOS.altLabel):
            for word in ontology().objects(precision, prop):
                words[str(word).casefold()] = precision
    return words


def precision_in(text: str, n: int, language: str) -> set[URIRef]:
    """The precision that the words before each mention of ``n`` give (exact where none)."""
    found = set()
    spellings = [str(n), *_number_words(n, language)]
    for spelling in spellings:
        for match in re.finditer(rf"(?<![\d.,\w]){re.escape(spelling)}(?![\d\w])", text, re.IGNORECASE):
            before = text[: match.start()].casefold().rstrip()
            marked = [p for w, p in precision_words().items() if re.search(rf"(?<!\w){re.escape(w)}$", before)]
            found |= set(marked) or {CN.exact}
    return found


def test_the_precision_of_a_stated_count_is_the_source_s_words():
    """Item 8: "über 20" is more than 20, "about 100" approximate, a bare number exact."""
    wrong = []
    for statement in graph().subjects(RDF.type, CN.MemberCountStatement):
        count = int(graph().value(statement, CN.count))
        precision = graph().value(statement, CN.precision)
        passages = [p for s in graph().objects(statement, DCTERMS.source) for p in quotes(s)]
        said = set().union(*(precision_in(p.text, count, p.language) for p in passages))
        if precision not in said:
            wrong.append((local(statement), curie(precision), sorted(curie(p) for p in said)))
    assert wrong == []


# ---------------------------------------------------------------- the reference tables


def reference_rows_of_places() -> list[dict[str, str]]:
    """The rows, or none where the reference folder is absent (its tests are then skipped)."""
    return list(reference_place_rows()) if (REFERENCE / "facts.csv").is_file() else []


@pytest.mark.parametrize("row", reference_rows_of_places(), ids=lambda r: r["name_in_page"])
def test_place_values_are_those_of_the_reference_tables(row):
    """Every place the reference tables describe has their verified values, and none of
    those left empty (UNVERIFIED): the members-missing-data view shows what is unknown."""
    place = place_of(row)
    expected = {
        CN.wikidataEntity: URIRef(f"http://www.wikidata.org/entity/{row['wikidata_qid']}") if row["wikidata_qid"]
        and row["wikidata_qid"] != "UNVERIFIED" else None,
        CN.geonamesFeature: URIRef(f"https://sws.geonames.org/{row['geonames_id']}/") if row["geonames_id"] else None,
        GN.countryCode: Literal(row["country_code"]) if row["country_code"] else None,
    }
    for prop, value in expected.items():
        assert graph().value(place, prop) == value, (prop, value)
    for prop, column in ((WGS.lat, "lat"), (WGS.long, "lon")):
        value = graph().value(place, prop)
        assert (Decimal(str(value)) if value is not None else None) == (Decimal(row[column]) if row[column] else None)
    local_names = {fold(n) for n in re.split(r" / ", re.sub(r" \(.*\)$", "", row["local_name"]))}
    assert local_names <= {fold(str(n)) for n in graph().objects(place, RDFS.label)}, row["local_name"]


def test_the_missing_data_view_lists_exactly_the_unverified_values():
    from citynet import query

    rows = {r.name: r for r in query("members-missing-data")}
    expected = {}
    for row in reference_place_rows():
        place = place_of(row)
        if not any((m, RDF.type, ORG.Membership) in graph() for m in graph().subjects(ORG.member, place)):
            continue
        gaps = (not row["lat"], not row["country_code"], not row["wikidata_qid"], not row["geonames_id"])
        if any(gaps):
            expected[row["english_name"].split(" (")[0]] = gaps
    assert {name: (r.missingCoordinates, r.missingCountry, r.missingWikidata, r.missingGeonames)
            for name, r in rows.items()} == expected

