"""A version of the data to compare: a folder of Turtle files, a dump (``.trig``, ``.nq`` …),
a recorded release (``0.1.0``) or a git commit (``HEAD~1``, a tag, a hash) of the repository.

Only the data is compared: a dump's ontology graph and a commit's ``ontology/`` are left out,
since the vocabulary is versioned on its own (``owl:versionInfo``).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from citynet.errors import InputError
from citynet.graph.dataset import graph_name
from citynet.graph.files import RDF_SUFFIXES, collect_turtle_files, load_turtle_files, quiet_rdflib

DATA_FOLDER = "data"
_RDFLIB_FORMATS = {".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig", ".rdf": "xml",
                   ".owl": "xml", ".jsonld": "json-ld"}


@dataclass(frozen=True)
class Version:
    """One side of a comparison."""

    name: str
    """As the user gave it: a path, a version number or a git revision."""
    graph: Graph
    iri: str | None = None
    """An IRI for the version where it has one (a release, a folder); else it is a blank node in RDF."""
    commit: str | None = None
    """The full git commit hash, for a commit or a release made from one."""


def load_version(name: str, repository: Path) -> Version:
    """The version ``name`` names, looked for in this order: a folder or dump file, a release
    recorded in ``repository``, a git commit of ``repository``."""
    from citynet.curate.releases import ReleaseHistory

    path = Path(name)
    if path.is_dir():
        return Version(name, _turtle_graph(collect_turtle_files([path])), iri=path.resolve().as_uri() + "/")
    if path.is_file():
        return Version(name, read_dump(path), iri=path.resolve().as_uri())
    release = ReleaseHistory.load(repository).get(name)
    if release is not None:
        dump = repository / release.dump
        return Version(name, read_dump(dump), iri=release.iri, commit=release.commit)
    commit = resolve_commit(name, repository)
    if commit is None:
        raise InputError(f"{name!r} is no folder, dump file, recorded release or git commit",
                         hint=f"give a folder of Turtle files, a release (see {repository / 'releases'}) "
                              f"or a revision of the git repository at {repository}")
    return Version(name, commit_graph(commit, repository), commit=commit)


def _turtle_graph(files: list[Path]) -> Graph:
    graph = Graph()
    for turtle in load_turtle_files(files):
        graph += turtle.graph
    return graph


def read_dump(path: Path) -> Graph:
    """A dump's data: every triple but those of the ontology's named graph."""
    fmt = _RDFLIB_FORMATS.get(path.suffix)
    if fmt is None or path.suffix not in RDF_SUFFIXES:
        raise InputError(f"not an RDF file citynet reads (expected one of {', '.join(RDF_SUFFIXES)})", path=path)
    quiet_rdflib()
    dataset = Dataset()
    try:
        dataset.parse(path, format=fmt)
    except Exception as error:  # rdflib's parsers raise many kinds; all mean "cannot read this dump"
        raise InputError(f"cannot read the dump: {error}", path=path) from None
    ontology = URIRef(graph_name(Path("citynet.ttl")))
    graph = Graph()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if g != ontology:
            graph.add((s, p, o))
    return graph


def git(repository: Path, *args: str) -> str | None:
    """The output of a git command in ``repository``, or None where it fails (no git, no
    repository, no such revision)."""
    try:
        # git from PATH, with arguments as a list (no shell); a revision never starts with "-".
        done = subprocess.run(["git", "-C", str(repository), *args],  # noqa: S603, S607
                              capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.decode("utf-8") if done.returncode == 0 else None


def resolve_commit(revision: str, repository: Path) -> str | None:
    if revision.startswith("-"):  # never an option to git
        return None
    out = git(repository, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    return out.strip() if out else None


def commit_graph(commit: str, repository: Path) -> Graph:
    """The data of ``data/`` at ``commit``."""
    listing = git(repository, "ls-tree", "--name-only", f"{commit}:{DATA_FOLDER}")
    if listing is None:
        raise InputError(f"commit {commit[:12]} has no {DATA_FOLDER}/ folder", path=repository)
    quiet_rdflib()
    graph = Graph()
    for name in sorted(listing.split()):
        if not name.endswith(".ttl"):
            continue
        text = git(repository, "show", f"{commit}:{DATA_FOLDER}/{name}")
        if text is None:
            raise InputError(f"cannot read {DATA_FOLDER}/{name} at commit {commit[:12]}", path=repository)
        try:
            graph.parse(data=text, format="turtle", publicID=(repository / DATA_FOLDER / name).resolve().as_uri())
        except Exception as error:  # a commit with a broken file: say which
            raise InputError(f"{DATA_FOLDER}/{name} at commit {commit[:12]} cannot be parsed: {error}") from None
    return graph
