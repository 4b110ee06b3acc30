"""The query page's editor: CodeMirror and its SPARQL mode, vendored unchanged by
scripts/codemirror.py (their sha256 recorded in SOURCE.md), served by the server from the
package, and loaded by the page over a plain textarea (tests/test_pages_browser.py checks the
highlighting and the page without script in chromium)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.server_harness import server_fixtures

server, http = server_fixtures()
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "codemirror.py"


def vendoring() -> ModuleType:
    spec = importlib.util.spec_from_file_location("codemirror_vendoring", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_vendored_files_are_the_ones_recorded_with_their_licence():
    script = vendoring()
    assert script.check() == []
    assert set(script.recorded()) == {"codemirror.js", "codemirror.css", "sparql.js", "LICENSE"}
    assert "MIT License" in (script.OUT / "LICENSE").read_text(encoding="utf-8")
    assert f"CodeMirror {script.VERSION}" in (script.OUT / "SOURCE.md").read_text(encoding="utf-8")


def test_a_changed_vendored_file_is_found(tmp_path, monkeypatch):
    script = vendoring()
    copy = tmp_path / "codemirror"
    shutil.copytree(script.OUT, copy)
    (copy / "sparql.js").write_text("// changed\n", encoding="utf-8")
    monkeypatch.setattr(script, "OUT", copy)
    assert script.check() == [f"{copy / 'sparql.js'}: changed (sha256 differs from SOURCE.md): "
                              "run scripts/codemirror.py"]


def test_a_tarball_that_is_not_the_registrys_is_refused(tmp_path):
    script = vendoring()
    tarball = tmp_path / f"codemirror-{script.VERSION}.tgz"
    tarball.write_bytes(b"not the package")
    with pytest.raises(SystemExit, match="not using it"):
        script.verified(tarball)


@pytest.mark.parametrize(("name", "media_type"), [
    ("codemirror/codemirror.js", "text/javascript"), ("codemirror/sparql.js", "text/javascript"),
    ("codemirror/codemirror.css", "text/css"), ("query.js", "text/javascript"),
])
def test_the_server_serves_the_editor_from_the_package(http, name, media_type):
    answer = http.get(f"/static/{name}")
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == media_type
    assert answer.content == (vendoring().OUT.parent / name).read_bytes()


@pytest.mark.parametrize("path", ["/static/codemirror/SOURCE.md", "/static/codemirror/../page.py",
                                  "/static/codemirror/", "/static/codemirror"])
def test_only_the_listed_assets_are_served(http, path):
    assert http.get(path).status_code == 404


@pytest.mark.parametrize("lang", ["", "de/"])
def test_the_query_page_loads_the_editor_over_a_plain_textarea(http, lang):
    page = http.get(f"/{lang}query", headers={"Accept": "text/html"}).text
    scripts = [f'<script src="/static/{name}" defer>'
               for name in ("codemirror/codemirror.js", "codemirror/sparql.js", "query.js")]
    assert all(s in page for s in scripts)
    assert [page.index(s) for s in scripts] == sorted(page.index(s) for s in scripts)  # the mode after the editor
    assert '<textarea id="query" name="query" spellcheck="false"' in page
