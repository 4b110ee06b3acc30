"""Apache Jena in memory as a peer of the benchmark: compile benchmarks/jena/JenaBench.java
against Debian's Jena (``libapache-jena-java``) and drive it query by query.

:func:`start` gives a :class:`Jena` that has loaded the files and answers one query at a time
(so that the benchmark can take turns with pyoxigraph), or the reason it cannot run: no
``java``/``javac``, or no Jena jars. Not part of the test suite.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "jena" / "JenaBench.java"
JARS = Path("/usr/share/java")
PACKAGE = "libapache-jena-java"
_VERSIONED = re.compile(r"-\d[\d.]*$")  # jena-core-4.5.0.jar beside jena-core.jar


def classpath(folder: Path) -> str | None:
    """Debian's Jena jars and those of the packages it depends on (the unversioned names),
    or None where they are not installed.

    Debian's jena-core moves Xerces to the package ``xerces`` but leaves its message files
    under ``org/apache/jena/ext/xerces``: a folder with copies at the new place goes first
    (as in tests/test_sparql_clients.py)."""
    if shutil.which("dpkg-query") is None:
        return None
    listed = subprocess.run(["dpkg-query", "-W", "-f=${Status}|${Depends}", PACKAGE],  # noqa: S603, S607 - fixed programs
                            capture_output=True, text=True, check=False)
    status, _, depends = listed.stdout.partition("|")
    if listed.returncode != 0 or "installed" not in status.split():
        return None
    packages = [PACKAGE] + [d.split("(")[0].split("|")[0].strip() for d in depends.split(",") if d.strip()]
    jars: list[str] = []
    for package in packages:
        files = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=False).stdout  # noqa: S603, S607 - fixed programs
        for line in files.splitlines():
            path = Path(line)
            if path.parent == JARS and path.suffix == ".jar" and not _VERSIONED.search(path.stem) \
                    and "slf4j" not in path.name:
                jars.append(str(path))
    with zipfile.ZipFile(JARS / "jena-core.jar") as archive:
        for name in archive.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                target = folder / name.removeprefix("org/apache/jena/ext/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
    silent = [str(p) for p in (JARS / "slf4j-api.jar", JARS / "slf4j-nop.jar") if p.is_file()]
    return ":".join([str(folder), *jars, *silent])


def compile_harness(folder: Path) -> tuple[list[str] | None, str]:
    """The command that runs the harness (``java -cp … JenaBench``), or None and why not."""
    missing = [tool for tool in ("java", "javac") if shutil.which(tool) is None]
    if missing:
        return None, f"skipped: no {' or '.join(missing)} (apt-get install default-jdk-headless {PACKAGE})"
    path = classpath(folder / "resources")
    if path is None:
        return None, f"skipped: Jena is not installed (apt-get install {PACKAGE})"
    classes = folder / "classes"
    classes.mkdir(parents=True, exist_ok=True)
    built = subprocess.run(["javac", "-nowarn", "-cp", path, "-d", str(classes), str(SOURCE)],  # noqa: S603, S607 - fixed programs
                           capture_output=True, text=True, check=False)
    if built.returncode != 0:
        return None, f"skipped: JenaBench.java did not compile: {built.stderr.strip()[-500:]}"
    return ["java", "-Xmx8g", "-cp", f"{classes}:{path}", "JenaBench"], ""


def version() -> str:
    """The Jena version of the jars (from jena-arq's file name), or '?'."""
    found = sorted(JARS.glob("jena-arq-*.jar"))
    return found[-1].stem.removeprefix("jena-arq-") if found else "?"


class Jena:
    """A running harness that has loaded the data and answers one query a line."""

    def __init__(self, command: list[str], data: Sequence[Path]) -> None:
        arguments = [part for path in data for part in ("--data", str(path))]
        self.process = subprocess.Popen([*command, *arguments, "--serve"], stdin=subprocess.PIPE,  # noqa: S603
                                        stdout=subprocess.PIPE, text=True, encoding="utf-8")
        self.loaded: dict[str, Any] = self._answer()

    def _answer(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the Jena harness stopped (exit code {self.process.wait()})")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def run(self, query_file: Path, bindings: Mapping[str, str]) -> tuple[float, float, int]:
        """Run the query once: milliseconds of wall clock and of the evaluating thread's
        processor time (both measured inside the JVM), and rows.
        ``bindings`` maps variable names to terms in N-Triples syntax."""
        assert self.process.stdin is not None
        fields = [str(query_file), *(f"{name}={term}" for name, term in bindings.items())]
        self.process.stdin.write("\t".join(fields) + "\n")
        self.process.stdin.flush()
        answer = self._answer()
        return float(answer["ms"]), float(answer["cpu_ms"]), int(answer["rows"])

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
