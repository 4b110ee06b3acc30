"""benchmarks/targets.py: the table of issue 16's targets that every benchmark part adds rows to.
(The benchmark itself is not run here: it takes an hour.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def modules():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import export_memory
        import target_rows
        import targets

        yield targets, target_rows, export_memory
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_the_table_marks_each_row_and_replaces_only_its_own_section(modules, tmp_path):
    targets, target_rows, _ = modules
    target_rows.write_summary(tmp_path / "start.json", "cold start", [
        target_rows.target("a cold query within 1.5× the floor", "1.33×", True, "RESULTS-start.md")])
    target_rows.write_summary(tmp_path / "endpoint.json", "endpoint", [
        target_rows.target("one client at least 0.9× the Oxigraph server", "0.64×", False, "RESULTS-endpoint.md"),
        target_rows.target("eight clients", "not measured: no server", None, "RESULTS-endpoint.md")])
    assert not list(tmp_path.glob("*.partial"))  # written by rename
    section = targets.table(targets.summaries(tmp_path))
    rows = [line for line in section if line.startswith("| ✓") or line.startswith("| ✗") or line.startswith("| ?")]
    assert [row[2] for row in rows] == ["✓", "✗", "?"]
    assert "[RESULTS-endpoint.md](RESULTS-endpoint.md)" in rows[1]

    original = "# citynet benchmark results\n\nOlder sections.\n"
    once = targets.splice(original, section)
    assert targets.section_of(original) is None and targets.section_of(once) == section  # what run.py keeps
    assert once.startswith("# citynet benchmark results\n\n" + targets.BEGIN)
    assert once.endswith("Older sections.\n")
    again = targets.splice(once, [targets.BEGIN, "new", targets.END])
    assert again == "# citynet benchmark results\n\n" + "\n".join([targets.BEGIN, "new", targets.END]) + \
        "\n\nOlder sections.\n"


def test_the_export_targets_compare_each_peak_with_the_baseline_that_reads_every_quad(modules):
    _, _, export_memory = modules
    result = {"size": 10_000_000,
              "rss": {"baseline: every quad": [{"rss_mb": 1000.0}], "baseline: default graph": [{"rss_mb": 990.0}],
                      "turtle": [{"rss_mb": 1100.0}], "csv": [{"rss_mb": 1300.0}]},
              "times": {"jsonld": [[12.0, 10.0, 5, 9], [13.0, 10.0, 5, 9], [11.0, 10.0, 5, 9]]}}
    rows = {row["target"].split(" at ")[0]: row for row in export_memory.export_targets(result, "R.md")}
    assert rows["`export -o` turtle"]["met"] is True and rows["`export -o` turtle"]["measured"].startswith("1.10×")
    assert rows["`export -o` csv"]["met"] is False
    assert rows["JSON-LD export"]["measured"].startswith("1.20×") and rows["JSON-LD export"]["met"] is True


def test_an_unknown_part_is_refused_with_the_parts_named():
    done = subprocess.run([sys.executable, str(BENCHMARKS / "targets.py"), "--parts", "engines,nonsense"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "unknown parts: nonsense" in done.stderr
