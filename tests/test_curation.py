"""Editing the data as a table: export, edit, import, see what changed; bad tables change nothing.

Every test works on a copy of data/ in a temporary folder: the shipped data is never edited,
and what the tests add (a test source, its invented words) never reaches it.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib.namespace import DCTERMS, PROV

import citynet
from citynet import resources
from citynet.cli import main
from citynet.curate.change_report import CS, render_markdown, render_rdf
from citynet.curate.changes import compare
from citynet.curate.table_export import table_csv
from citynet.curate.table_import import import_table
from citynet.curate.table_kinds import KINDS
from citynet.curate.table_metadata import TABLES_FOLDER, metadata_name, render
from citynet.curate.table_reading import TableError
from citynet.curate.versions import load_version

TEST_SOURCE = """
source:test-bulletin a cn:Source ;
    rdfs:label "A network bulletin made up for a test"@en ;
    dct:language "en" ;
    cn:publisherName "citynet tests" ;
    cn:quote "Friedrichshafen left the network in 2022."@en ,
        "Szczecin joined the Union of the Baltic Cities in 2021."@en .
"""


def git(repository: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repository), "-c", "user.name=test", "-c", "user.email=test@example.org",
                           *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def copy_data(tmp_path: Path) -> Path:
    folder = tmp_path / "repo" / "data"
    shutil.copytree(resources.data_dir(), folder)
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.ttl"))}


def table(folder: Path, kind: str) -> list[dict[str, str]]:
    graph = citynet.KnowledgeGraph(sorted(folder.glob("*.ttl")))
    return list(csv.DictReader(io.StringIO(table_csv(graph, kind))))


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def old_version(tmp_path_factory) -> Path:
    """A repository whose data is the shipped data with a typo planted (UBC since 1919, not
    1991) and a test source, committed: the version the edit starts from."""
    folder = copy_data(tmp_path_factory.mktemp("old"))
    memberships = folder / "memberships.ttl"
    text = memberships.read_text(encoding="utf-8")
    assert text.count('"1991"^^xsd:gYear') == 1
    memberships.write_text(text.replace('"1991"^^xsd:gYear', '"1919"^^xsd:gYear'), encoding="utf-8")
    with (folder / "sources.ttl").open("a", encoding="utf-8") as stream:
        stream.write(TEST_SOURCE)
    repository = folder.parent
    git(repository, "init", "-q")
    git(repository, "add", ".")
    git(repository, "commit", "-qm", "the version before the edit")
    return repository


# ---------------------------------------------------------------- the round trip of the issue


def test_edit_the_memberships_table_import_it_and_see_exactly_what_changed(old_version, tmp_path, capsys):
    repository = tmp_path / "repo"
    shutil.copytree(old_version, repository)
    folder = repository / "data"
    rows = table(folder, "memberships")
    for row in rows:
        if row["membership"].endswith("/iapmc-friedrichshafen"):  # ends a membership, with its source
            row.update(until="2022", source="source:test-bulletin", quote="Friedrichshafen left the network in 2022.")
        if row["membership"].endswith("/ubc-rostock"):  # fixes the typo
            row["since"] = "1991"
    new = dict.fromkeys(rows[0], "")
    new.update(network="UBC", member="szczecin", since="2021", source="A network bulletin made up for a test",
               quote="Szczecin joined the Union of the Baltic Cities in 2021.")  # adds a member, by names
    edited = write_csv(tmp_path / "memberships.csv", [*rows, new])

    report = import_table(edited, "memberships", folder)
    assert [path.name for path in report.written] == ["memberships.ttl"]
    assert citynet.validate(sorted(folder.glob("*.ttl"))).passes()

    comparison = compare(load_version("HEAD", repository), load_version(str(folder), repository))
    assert [(change.kind, str(change.entity).rsplit("/", 1)[-1]) for change in comparison.changes] == [
        ("membership added", "ubc-szczecin"), ("membership ended", "iapmc-friedrichshafen"),
        ("changed", "ubc-rostock")]
    added, ended, fixed = comparison.changes
    assert [str(s).rsplit("/", 1)[-1] for s in added.sources] == ["test-bulletin"]
    assert [str(s).rsplit("/", 1)[-1] for s in ended.sources] == ["test-bulletin"]
    assert [(str(v.before[0]), str(v.after[0])) for v in fixed.values] == [("1919", "1991")]

    rdf = render_rdf(comparison)  # the versions in PROV, a changeset per entity
    [new_version] = rdf.subjects(PROV.wasRevisionOf, None)
    old_version_node = rdf.value(new_version, PROV.wasRevisionOf)
    activity = rdf.value(new_version, PROV.wasGeneratedBy)
    assert (activity, PROV.used, old_version_node) in rdf
    assert str(rdf.value(old_version_node, DCTERMS.identifier)) == git(repository, "rev-parse", "HEAD")
    assert {str(s) for s in rdf.objects(None, CS.subjectOfChange)} == {str(c.entity) for c in comparison.changes}
    assert "3 changes" in render_markdown(comparison)
    capsys.readouterr()
    assert main(["diff", "HEAD", "--repo", str(repository)]) == 0  # the same, as `citynet diff` prints it
    printed = capsys.readouterr().out
    assert "3 changes" in printed
    assert "Szczecin joins Union of the Baltic Cities" in printed and "since: 1919 → 1991" in printed
    assert "Friedrichshafen no longer in" in printed

    before = snapshot(folder)
    again = import_table(edited, "memberships", folder)
    assert again.changed == [] and again.written == [] and snapshot(folder) == before
    assert "ubc-szczecin" in (folder / "memberships.ttl").read_text(encoding="utf-8")
    assert main(["format", "--check", str(folder / "memberships.ttl")]) == 0  # an import writes the layout


@pytest.mark.parametrize("kind", KINDS)
def test_an_exported_table_imported_unchanged_changes_nothing(kind, tmp_path):
    folder = copy_data(tmp_path)
    before = snapshot(folder)
    report = import_table(write_csv(tmp_path / f"{kind}.csv", table(folder, kind)), kind, folder)
    assert report.rows > 0 and report.changed == [] and snapshot(folder) == before


def test_the_cli_offers_every_table():
    from citynet.cli import TABLE_KINDS

    assert tuple(KINDS) == TABLE_KINDS


def test_the_export_cli_writes_the_table_import_reads(tmp_path, capsys):
    folder = copy_data(tmp_path)
    target = tmp_path / "places.csv"
    assert main(["export", "--format", "csv", "--kind", "places", "-o", str(target)]) == 0
    assert main(["import", str(target), "--kind", "places", "--data", str(folder)]) == 0
    assert "nothing to change" in capsys.readouterr().out


def test_the_memberships_csv_is_the_query_plus_source_and_quote(graph):
    rows = table(resources.data_dir(), "memberships")
    assert list(rows[0]) == [*citynet.query("memberships", graph=graph).variables, "source", "quote"]
    assert all(row["source"] and row["quote"] for row in rows)
    rostock = next(row for row in rows if row["membership"].endswith("/icncm-rostock"))
    assert "Rostock" in rostock["quote"]


def test_a_place_edited_in_its_table(tmp_path):
    folder = copy_data(tmp_path)
    rows = table(folder, "places")
    for row in rows:
        if row["place"].endswith("/bordeaux"):
            row.update(name="Bordeaux (test)", source="source:reference-facts", quote="Bordeaux")
    import_table(write_csv(tmp_path / "places.csv", rows), "places", folder)
    text = (folder / "places.ttl").read_text(encoding="utf-8")
    assert 'rdfs:label "Bordeaux (test)"@en , "Bordeaux"@fr ;' in text and '"Bordeaux"@en' not in text


def test_a_new_source_from_the_sources_table(tmp_path):
    folder = copy_data(tmp_path)
    rows = table(folder, "sources")
    new = dict.fromkeys(rows[0], "")
    new.update(name="A test page", url="https://example.org/test", language="en", quoteLanguage="en",
               quote="First words.\nSecond words.")
    import_table(write_csv(tmp_path / "sources.csv", [*rows, new]), "sources", folder)
    text = (folder / "sources.ttl").read_text(encoding="utf-8")
    assert "source:a-test-page a cn:Source" in text
    assert 'cn:quote "First words."@en , "Second words."@en' in text


# ---------------------------------------------------------------- bad tables


def edited_memberships(tmp_path: Path, edit) -> tuple[Path, Path, dict[str, bytes]]:
    folder = copy_data(tmp_path)
    rows = table(folder, "memberships")
    edit(rows)
    return write_csv(tmp_path / "edited.csv", rows), folder, snapshot(folder)


def _row(rows, slug):
    return next(row for row in rows if row["membership"].endswith("/" + slug))


def _new_row(rows, **cells):
    row = dict.fromkeys(rows[0], "")
    row.update(cells)
    rows.append(row)


BAD_TABLES = {  # edit, the row it makes bad (a membership's slug, or "last" for an added row), column, words
    "missing source": (lambda rows: _row(rows, "icncm-berlin").update(source=""), "icncm-berlin", "source", "source"),
    "missing quote": (lambda rows: _row(rows, "icncm-berlin").update(quote=" "), "icncm-berlin", "quote", "quote"),
    "unknown name": (lambda rows: _new_row(rows, network="UBC", member="Rostok", source="source:rostock-page-en",
                                           quote="Rostock"), "last", "member", "no place is named 'Rostok'"),
    "impossible date": (lambda rows: _row(rows, "icncm-rostock").update(since="2021-13-45"), "icncm-rostock",
                        "since", "not a date"),
    "duplicate row": (lambda rows: rows.append(dict(rows[5])), "last", None, "duplicate of row 7"),
    "formula": (lambda rows: _row(rows, "icncm-berlin").update(quote='=HYPERLINK("https://example.org")'),
                "icncm-berlin", "quote", "formula"),
    "read-only cell": (lambda rows: _row(rows, "icncm-berlin").update(memberName="Berlin (edited)"), "icncm-berlin",
                       "memberName", "read-only"),
}


@pytest.mark.parametrize("case", BAD_TABLES)
def test_a_bad_table_gives_row_and_column_and_writes_nothing(case, tmp_path):
    edit, bad_row, column, words = BAD_TABLES[case]
    edited, folder, before = edited_memberships(tmp_path, edit)
    with pytest.raises(TableError) as caught:
        import_table(edited, "memberships", folder)
    [error] = caught.value.errors
    rows = list(csv.DictReader(edited.open(encoding="utf-8")))
    index = len(rows) - 1 if bad_row == "last" else next(
        i for i, row in enumerate(rows) if row["membership"].endswith("/" + bad_row))
    assert (error.row, error.column) == (index + 2, column)  # the header is row 1
    assert words in error.message
    assert snapshot(folder) == before


def test_an_unknown_name_lists_the_candidates(tmp_path):
    edited, folder, _ = edited_memberships(tmp_path, lambda rows: _new_row(
        rows, network="UBC", member="Rostok", source="source:rostock-page-en", quote="Rostock"))
    with pytest.raises(TableError, match="did you mean: Rostock"):
        import_table(edited, "memberships", folder)


def test_the_export_guard_is_undone_exactly(tmp_path):
    """Words that start with = are written '=… by the export; import reads them as =…, and only
    the guard's own ' goes: a ' the words begin with stays."""
    folder = copy_data(tmp_path)
    rows = table(folder, "memberships")
    _row(rows, "icncm-berlin").update(quote="'=not a formula, words")
    _row(rows, "icncm-paris").update(quote="'quoted words'")
    edited = write_csv(tmp_path / "guarded.csv", rows)
    import_table(edited, "memberships", folder)
    text = (folder / "sources.ttl").read_text(encoding="utf-8")
    assert '"=not a formula, words"@en' in text and '"\'quoted words\'"@en' in text
    before = snapshot(folder)
    assert import_table(edited, "memberships", folder).changed == [] and snapshot(folder) == before


def test_a_table_that_is_not_utf8_is_refused_with_row_and_column(tmp_path):
    folder = copy_data(tmp_path)
    before = snapshot(folder)
    path = tmp_path / "latin1.csv"
    text = table_csv(citynet.KnowledgeGraph(sorted(folder.glob("*.ttl"))), "memberships")
    path.write_bytes(text.encode("utf-8").replace("Düsseldorf".encode(), "Düsseldorf".encode("latin-1")))
    with pytest.raises(TableError) as caught:
        import_table(path, "memberships", folder)
    rows = list(csv.DictReader(io.StringIO(text)))
    expected = [(index + 2, column) for index, row in enumerate(rows) for column, cell in row.items()
                if "Düsseldorf" in cell]
    assert len(expected) >= 2  # the member's name, its quote …
    assert [(error.row, error.column) for error in caught.value.errors] == expected
    assert all("not UTF-8" in error.message for error in caught.value.errors)
    assert snapshot(folder) == before


def test_data_that_fails_validation_is_not_written(tmp_path):
    """Ending a member of the crisis network breaks its complete member list of 22: refused."""
    edited, folder, before = edited_memberships(tmp_path, lambda rows: _row(rows, "icncm-moscow").update(
        until="2022", source="source:rostock-page-en", quote="Moscow"))
    with pytest.raises(TableError, match="member list is declared complete"):
        import_table(edited, "memberships", folder)
    assert snapshot(folder) == before


def test_the_cli_reports_a_bad_table_with_exit_code_2_and_no_traceback(tmp_path, capsys):
    edited, folder, before = edited_memberships(tmp_path, lambda rows: _row(rows, "icncm-berlin").update(source=""))
    assert main(["import", str(edited), "--kind", "memberships", "--data", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "column source" in err and "nothing was written" in err and "Traceback" not in err
    assert snapshot(folder) == before


# ---------------------------------------------------------------- XLSX and CSV on the Web


def test_an_xlsx_workbook_is_read_like_the_csv(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    folder = copy_data(tmp_path)
    rows = table(folder, "memberships")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    path = tmp_path / "memberships.xlsx"
    book.save(path)
    before = snapshot(folder)
    assert import_table(path, "memberships", folder).changed == [] and snapshot(folder) == before
    sheet.cell(row=3, column=16, value='=HYPERLINK("https://example.org")')
    book.save(path)
    with pytest.raises(TableError) as caught:
        import_table(path, "memberships", folder)
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "quote")]


@pytest.mark.parametrize("kind", KINDS)
def test_the_shipped_csvw_metadata_is_current_and_describes_the_export(kind, tmp_path, graph):
    shipped = resources.resource_root() / TABLES_FOLDER / metadata_name(kind)
    assert shipped.read_text(encoding="utf-8") == render(KINDS[kind]), \
        "run: python -m citynet.curate.table_metadata tables/"
    csvw = pytest.importorskip("csvw")
    shutil.copy(shipped, tmp_path)
    (tmp_path / f"{kind}.csv").write_text(table_csv(graph, kind), encoding="utf-8")
    described = csvw.Table.from_file(tmp_path / metadata_name(kind))
    rows = list(described.iterdicts(strict=True))
    assert len(rows) == len(table(resources.data_dir(), kind)) > 0
    assert described.check_primary_key()


def test_the_diff_cli_compares_a_commit_with_the_data_folder(old_version, capsys):
    assert main(["diff", "HEAD", "--repo", str(old_version)]) == 0
    assert "no changes" in capsys.readouterr().out
    assert main(["diff", "no-such-revision", "--repo", str(old_version)]) == 2
    assert "no folder, dump file, recorded release or git commit" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["import", "table.csv", "--kind", "places"], ["release", "9.9.9"]])
def test_an_installed_package_is_not_curated_in_place(command, monkeypatch, capsys):
    """From a wheel, data/ is a copy inside site-packages that the next install replaces: import and
    release refuse it (exit 2) and name the option that points them at a checkout."""
    installed = Path(resources.__file__).resolve().parent / "_resources"
    monkeypatch.setattr(resources, "resource_root", lambda: installed)
    assert main(command) == 2
    error = capsys.readouterr().err
    assert "installed package" in error and ("--data" in error and "--repo" in error), error
