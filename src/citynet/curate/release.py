"""``citynet release VERSION``: record a release of the data in the repository.

A release is made from committed data. It writes, atomically:

- ``releases/citynet-VERSION.trig``: the dump (ontology and data, a named graph per file),
  the bytes ``citynet export --format trig`` writes;
- a record in ``releases/releases.json``: the version, the previous one, the digest of the
  graph, and ``modified``: the date of the commit that last changed the graph (a commit that
  changes only the layout of the files does not count), never the clock;
- an entry in ``CHANGELOG.md``: what changed since the previous release, from ``citynet diff``.

The catalog and VoID read the record (:mod:`citynet.publish.catalog`).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from citynet.curate.change_report import render_markdown
from citynet.curate.changes import Comparison, compare
from citynet.curate.releases import (
    CHANGELOG_FILE,
    RELEASES_FOLDER,
    Release,
    ReleaseHistory,
    graph_digest,
    version_key,
)
from citynet.curate.versions import DATA_FOLDER, Version, git, read_dump, resolve_commit
from citynet.curate.writing import write_all
from citynet.errors import InputError
from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.publish.exports import export
from citynet.validation.validator import validate

ONTOLOGY_PATH = "ontology/citynet.ttl"
CHANGELOG_INTRO = """# Changelog

Releases of the data (`data/`), newest first, as `citynet release` writes them: what changed,
entity by entity, with the sources. The records that portals read are in
`releases/releases.json`, each release's dump beside them.
"""
_COUNTS_QUERY = """
PREFIX cn: <https://w3id.org/citynet/def#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
SELECT ?what (COUNT(DISTINCT ?s) AS ?n) WHERE {
  VALUES (?class ?what) { (cn:CityNetwork "networks") (cn:City "cities") (cn:Region "regions")
                          (org:Membership "memberships") (cn:ConferenceEdition "conference editions")
                          (cn:Claim "claims") (cn:Source "sources") }
  ?s a ?class .
} GROUP BY ?what
"""


def release_graph(repository: Path) -> KnowledgeGraph:
    files = sorted((repository / DATA_FOLDER).glob("*.ttl"))
    if not files:
        raise InputError("no data to release: the data folder holds no Turtle files", path=repository / DATA_FOLDER)
    return KnowledgeGraph(files)


def make_release(version: str, repository: Path, notes: str | None = None) -> tuple[Release, str]:
    """Record release ``version`` of the data in ``repository``; return the record and the
    changelog entry. Refuses uncommitted or invalid data, a version that exists or is not
    newer than the last, and a release that would change nothing."""
    history = ReleaseHistory.load(repository)
    latest = history.latest
    if history.get(version) is not None:
        raise InputError(f"release {version} exists already", path=history.path)
    if latest is not None and version_key(version) <= version_key(latest.version):
        raise InputError(f"release {version} is not newer than the last one, {latest.version}", path=history.path)
    version_key(version)
    head = _committed(repository)
    graph = release_graph(repository)
    report = validate(graph)
    if not report.passes():
        raise InputError(f"the data fails validation ({len(report.violations)} violation(s)): a release must pass",
                         path=repository / DATA_FOLDER, hint="run `citynet validate` for the findings")
    digest = graph_digest(graph)
    if latest is not None and latest.digest == digest:
        raise InputError(f"the graph is the one of release {latest.version}: nothing to release",
                         path=repository / DATA_FOLDER)
    modified = last_change(repository, digest)
    dump = f"{RELEASES_FOLDER}/citynet-{version}.trig"
    data = _data_graph(graph)
    if latest is None:
        summary = first_release_notes(graph)
        body = summary
    else:
        old = Version(latest.version, read_dump(repository / latest.dump), iri=latest.iri, commit=latest.commit)
        new = Version(version, data, commit=head)
        comparison = compare(old, new)
        summary = change_summary(comparison)
        body = render_markdown(comparison, heading_level=3).rstrip()
    if notes:
        summary = f"{notes.strip()} {summary}"
        body = f"{notes.strip()}\n\n{body}"
    release = Release(version=version, modified=modified, commit=head, digest=digest, triples=len(graph),
                      dump=dump, notes=summary, previous=latest.version if latest else None)
    entry = f"## {version} ({modified})\n\n{body}\n"
    write_all({
        repository / dump: export(graph, "trig"),
        history.path: history.with_release(release).to_json(),
        repository / CHANGELOG_FILE: _changelog(repository / CHANGELOG_FILE, entry),
    })
    return release, entry


def _committed(repository: Path) -> str:
    status = git(repository, "status", "--porcelain", "--", DATA_FOLDER, ONTOLOGY_PATH)
    head = resolve_commit("HEAD", repository)
    if status is None or head is None:
        raise InputError("a release is made from a git commit, and this is no git repository (or has no commit)",
                         path=repository)
    if status.strip():
        changed = ", ".join(line[3:] for line in status.splitlines()[:5])
        raise InputError(f"the data has changes that are not committed ({changed})", path=repository,
                         hint="commit them first: a release records the commit its data comes from, and its date")
    return head


def last_change(repository: Path, digest: str, limit: int = 500) -> str:
    """The date of the commit that made the graph what it is now: going back through the
    commits that touched the data or the ontology, the oldest that already had this graph."""
    log = git(repository, "log", f"-{limit}", "--format=%H %cs", "--", DATA_FOLDER, ONTOLOGY_PATH) or ""
    date = None
    for line in log.splitlines():
        commit, day = line.split()
        if _digest_at(repository, commit) != digest:
            break
        date = day
    if date is None:  # no commit touched them: the head's date
        date = (git(repository, "log", "-1", "--format=%cs") or "").strip()
    return date


def _digest_at(repository: Path, commit: str) -> str | None:
    from citynet.curate.versions import commit_graph

    graph = commit_graph(commit, repository)
    ontology = git(repository, "show", f"{commit}:{ONTOLOGY_PATH}")
    if ontology is None:
        return None
    graph.parse(data=ontology, format="turtle")
    return graph_digest(graph)


def _data_graph(graph: KnowledgeGraph) -> Graph:
    data = Graph()
    for turtle in graph.data_files:
        data.parse(turtle, format="turtle")
    return data


def first_release_notes(graph: KnowledgeGraph) -> str:
    from citynet.querying.execute import run

    counts = {str(what): int(str(n)) for what, n in run(_COUNTS_QUERY, graph, {}).lexical_rows()}
    singular = {"cities": "city", "regions": "region"}
    listed = ", ".join(f"{counts[what]} {singular.get(what, what[:-1]) if counts[what] == 1 else what}"
                       for what in ("networks", "cities", "regions", "memberships", "conference editions",
                                    "claims", "sources") if counts.get(what))
    return f"First release: {listed}; every statement cites its source with the words quoted from it."


def change_summary(comparison: Comparison) -> str:
    from citynet.curate.change_report import HEADINGS

    parts = [f"{len(comparison.of_kind(kind))} {heading.lower()}" for kind, heading in HEADINGS.items()
             if comparison.of_kind(kind)]
    return f"{len(comparison.changes)} change(s) since {comparison.old.name}: " + "; ".join(parts) + "." \
        if parts else f"No change to the data since {comparison.old.name}."


def _changelog(path: Path, entry: str) -> str:
    text = path.read_text(encoding="utf-8") if path.is_file() else CHANGELOG_INTRO
    marker = text.find("\n## ")
    if marker < 0:
        return text.rstrip("\n") + "\n\n" + entry
    return text[: marker + 1] + entry + "\n" + text[marker + 1:]
