"""Vendor CodeMirror 5 and its SPARQL mode for the server's query page, from the npm registry:
``src/citynet/server/static/codemirror/``. Run once per upgrade; the files are shipped with the
package, so that the page asks no other host for anything.

    python scripts/codemirror.py            # npm pack codemirror@VERSION, verify, copy the files
    python scripts/codemirror.py --check    # change nothing; exit 1 if a vendored file differs

The tarball is checked against the registry's integrity (sha512) recorded below before anything
is taken from it; the files are copied unchanged, with the licence, and ``SOURCE.md`` records the
version, the tarball and each file's sha256 (which ``--check`` and tests/test_query_editor.py
compare). CodeMirror is under the MIT licence (Copyright (C) 2017 by Marijn Haverbeke and others).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "5.65.21"
TARBALL = f"https://registry.npmjs.org/codemirror/-/codemirror-{VERSION}.tgz"
# `npm view codemirror@5.65.21 dist.integrity`
INTEGRITY = "sha512-6teYk0bA0nR3QP0ihGMoxuKzpl5W80FpnHpBJpgy66NK3cZv5b/d/HY8PnRvfSsCG1MTfr92u2WUl+wT0E40mQ=="
OUT = Path(__file__).resolve().parent.parent / "src" / "citynet" / "server" / "static" / "codemirror"
#: file in the npm package -> name served at /static/codemirror/<name>
FILES = {"package/lib/codemirror.js": "codemirror.js", "package/lib/codemirror.css": "codemirror.css",
         "package/mode/sparql/sparql.js": "sparql.js", "package/LICENSE": "LICENSE"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(folder: Path) -> Path:
    """The registry's tarball, by npm's own client (which also checks the integrity)."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is missing: install it (apt-get install npm), or give --tarball")
    # a fixed command: the version is ours, the folder a temporary one
    subprocess.run([npm, "pack", f"codemirror@{VERSION}", "--silent", "--pack-destination", str(folder)],  # noqa: S603
                   check=True, cwd=folder, stdout=subprocess.DEVNULL)
    return folder / f"codemirror-{VERSION}.tgz"


def verified(tarball: Path) -> bytes:
    data = tarball.read_bytes()
    algorithm, expected = INTEGRITY.split("-", 1)
    found = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if found != expected:
        raise SystemExit(f"{tarball}: {algorithm} is {found}, the registry says {expected}: not using it")
    return data


def extract(tarball: Path) -> dict[str, bytes]:
    files = {}
    with tarfile.open(tarball) as archive:
        for member, name in FILES.items():
            stream = archive.extractfile(member)
            if stream is None:
                raise SystemExit(f"{tarball}: no file {member}")
            files[name] = stream.read()
    return files


def source_note(files: dict[str, bytes]) -> str:
    rows = "\n".join(f"| `{name}` | `{member.removeprefix('package/')}` | `{sha256(files[name])}` |"
                     for member, name in FILES.items())
    return f"""# CodeMirror {VERSION} (vendored for the query page)

The query page's editor: [CodeMirror](https://codemirror.net/5/) {VERSION} and its SPARQL mode,
from the npm package `codemirror@{VERSION}` ({TARBALL}, integrity `{INTEGRITY}`),
fetched and checked by `scripts/codemirror.py`. The files are the package's, unchanged.
CodeMirror is under the MIT licence (`LICENSE`, Copyright (C) 2017 by Marijn Haverbeke and others).

The page works without it: the query is a plain `<textarea>`, which `query.js` turns into the editor.

| file | in the npm package | sha256 |
|---|---|---|
{rows}
"""


def recorded() -> dict[str, str]:
    """The sha256 of each vendored file, as SOURCE.md records it."""
    sums = {}
    for line in (OUT / "SOURCE.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip("|").split("|")]
        if len(cells) == 3 and cells[0] in FILES.values():
            sums[cells[0]] = cells[2]
    return sums


def check() -> list[str]:
    sums = recorded()
    problems = [f"{name}: not recorded in SOURCE.md" for name in FILES.values() if name not in sums]
    for name, digest in sums.items():
        path = OUT / name
        if not path.exists():
            problems.append(f"{path}: missing")
        elif sha256(path.read_bytes()) != digest:
            problems.append(f"{path}: changed (sha256 differs from SOURCE.md): run scripts/codemirror.py")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail if a vendored file differs")
    parser.add_argument("--tarball", type=Path, help="a codemirror tarball already fetched (it is verified)")
    args = parser.parse_args()
    if args.check:
        problems = check()
        print("\n".join(problems) or f"CodeMirror {VERSION}: every vendored file as recorded")
        return 1 if problems else 0
    with tempfile.TemporaryDirectory() as folder:
        tarball = args.tarball or fetch(Path(folder))
        verified(tarball)
        files = extract(tarball)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (OUT / name).write_bytes(data)
    (OUT / "SOURCE.md").write_text(source_note(files), encoding="utf-8")
    print(f"{OUT}: CodeMirror {VERSION}, {', '.join(f'{n} ({len(d)} bytes)' for n, d in files.items())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
