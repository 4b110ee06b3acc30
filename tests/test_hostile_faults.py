"""The hostile catalogue (``../shared/reference/hostile-catalogue.md``), section 3: faults. A
``kill -9`` at points of ``export -o``, ``publish``, a store build and ``push`` leaves the old
result whole, and the next run leaves nothing behind, but never removes what a run that is
still going is working on (issue 15, cause 5); a full disk is exit 2 with the old file kept
(cause 3).

Catalogue row → test:

- kill -9 during ``export -o`` → test_a_killed_export_leaves_the_old_file_and_the_next_run_cleans_up
- kill -9 during ``publish`` → test_a_killed_publish_leaves_the_old_site_and_the_next_run_cleans_up,
  test_a_publish_killed_between_its_renames_gets_its_site_back
- kill -9 during the persistent store build → test_a_killed_store_build_is_rebuilt_and_cleaned_up
- kill -9 during ``push`` → test_a_killed_push_leaves_no_temporary_file,
  test_a_push_still_going_has_no_named_file_and_another_push_leaves_it_be, and on the Oxigraph
  server tests/test_push.py::test_a_push_killed_part_way_leaves_the_previous_graph_and_nothing_local
- disk full: ``export -o`` → test_a_full_disk_keeps_the_old_file_and_is_exit_2
  (and tests/test_hostile_cli.py::test_a_full_device_is_exit_2_naming_it);
  ``publish`` → test_a_full_disk_keeps_the_old_site_and_is_exit_2;
  the store build → test_a_full_disk_during_a_store_build_leaves_no_partial_store

The catalogue filled a loop-mounted 3 MB file system, which needs root and a mount: here a
file-size limit (``RLIMIT_FSIZE``) makes the same writes fail, and a node of the full device gives the
real "No space left on device".
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from citynet import leftovers
from citynet.graph.knowledge_graph import shipped_graph
from tests.hostile import citynet, citynet_killed, fake_store, python, starts_with_dot, was_killed

EXPORT = ["export", "--format", "ntriples", "-o", "out.nt"]


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """One cache folder for the module: publish validates once, then reuses the verdict."""
    return tmp_path_factory.mktemp("cache")


def start_blocked(setup: str, *args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """The citynet command, stopped for good at the point ``setup`` names (``block_at``)."""
    prelude = ("import os, sys, time\n"
               "def block_at(owner, name):\n"
               "    def wait(*args, **kwargs):\n"
               "        time.sleep(300)\n"
               "    setattr(owner, name, wait)\n")
    code = prelude + setup + "\nfrom citynet.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    environment = {**os.environ, **(env or {})}
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=cwd, env=environment,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(find, seconds: float = 120):
    """What ``find()`` returns once it is truthy (the outcome this waits for), else fail."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = find()
        if found:
            return found
        time.sleep(0.1)
    pytest.fail("the process did not get to the point the test waits for")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


# ---------------------------------------------------------------- export -o


@pytest.mark.parametrize("setup", [
    "kill_before(os, 'fsync')",  # written, not yet flushed to disk
    "kill_before(os, 'replace', lambda src, dst: Path(dst).name == 'out.nt')",  # complete, not yet renamed
], ids=["while writing", "before the rename"])
def test_a_killed_export_leaves_the_old_file_and_the_next_run_cleans_up(tmp_path, setup):
    (tmp_path / "out.nt").write_text("old\n")
    killed = citynet_killed(setup, *EXPORT, cwd=tmp_path)
    assert was_killed(killed), killed.stderr
    assert (tmp_path / "out.nt").read_text() == "old\n"
    assert len(starts_with_dot(tmp_path, "out.nt")) == 1  # what the killed run left
    again = citynet(*EXPORT, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "out.nt").read_text().count("\n") > 1000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.nt"]


def test_an_export_still_going_keeps_its_temporary_file(tmp_path):
    running = start_blocked("block_at(os, 'fsync')", *EXPORT, cwd=tmp_path)
    try:
        theirs = wait_for(lambda: starts_with_dot(tmp_path, "out.nt"))
        assert f"-{running.pid}-" in theirs[0]
        assert citynet(*EXPORT, cwd=tmp_path).returncode == 0
        assert starts_with_dot(tmp_path, "out.nt") == theirs  # a run still going: left alone
    finally:
        stop(running)
    assert citynet(*EXPORT, cwd=tmp_path).returncode == 0
    assert starts_with_dot(tmp_path, "out.nt") == []


# ---------------------------------------------------------------- publish


def site_entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def publish(folder: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    return citynet("publish", "site", cwd=folder, env={"CITYNET_CACHE_DIR": str(cache)})


KILL_WHILE_WRITING = """
import citynet.publish.site.writer as writer
files = writer.site_files
def some_then_die(graph):
    for number, item in enumerate(files(graph)):
        if number == 20:
            die()
        yield item
writer.site_files = some_then_die
"""


@pytest.mark.parametrize("setup", [
    KILL_WHILE_WRITING,
    "import citynet.publish.site.writer as writer\nkill_before(writer, 'keep_times_of_unchanged_files')",
], ids=["while writing", "before the swap"])
def test_a_killed_publish_leaves_the_old_site_and_the_next_run_cleans_up(tmp_path, cache, setup):
    assert publish(tmp_path, cache).returncode == 0
    before = (tmp_path / "site" / "index.html").read_bytes()
    killed = citynet_killed(setup, "publish", "site", cwd=tmp_path, env={"CITYNET_CACHE_DIR": str(cache)})
    assert was_killed(killed), killed.stderr
    assert (tmp_path / "site" / "index.html").read_bytes() == before
    assert [name for name in site_entries(tmp_path) if ".building-" in name]  # what the killed run left
    again = publish(tmp_path, cache)
    assert again.returncode == 0, again.stderr
    assert site_entries(tmp_path) == ["site"]


def test_a_publish_killed_between_its_renames_gets_its_site_back(tmp_path, cache):
    assert publish(tmp_path, cache).returncode == 0
    setup = "kill_before(os, 'rename', lambda src, dst: '.building-' in str(src))"
    killed = citynet_killed(setup, "publish", "site", cwd=tmp_path, env={"CITYNET_CACHE_DIR": str(cache)})
    assert was_killed(killed), killed.stderr
    left = site_entries(tmp_path)
    assert "site" not in left and any(".old-" in n for n in left) and any(".building-" in n for n in left)
    again = publish(tmp_path, cache)
    assert again.returncode == 0, again.stderr
    assert site_entries(tmp_path) == ["site"]
    assert (tmp_path / "site" / ".citynet-site").is_file()


def test_a_publish_still_going_keeps_its_folder(tmp_path, cache):
    assert publish(tmp_path, cache).returncode == 0
    running = start_blocked("import citynet.publish.site.writer as writer\nblock_at(writer, 'site_files')",
                            "publish", "site", cwd=tmp_path, env={"CITYNET_CACHE_DIR": str(cache)})
    try:
        theirs = wait_for(lambda: [n for n in site_entries(tmp_path) if ".building-" in n])
        assert f"-{running.pid}-" in theirs[0]
        assert publish(tmp_path, cache).returncode == 0
        assert [n for n in site_entries(tmp_path) if ".building-" in n] == theirs
    finally:
        stop(running)
    assert publish(tmp_path, cache).returncode == 0
    assert site_entries(tmp_path) == ["site"]


# ---------------------------------------------------------------- the persistent store

BUILD = """
import citynet, pathlib
graph = citynet.KnowledgeGraph(persistent=True, cache_dir=pathlib.Path(sys.argv[1]))
print(len(graph))
"""


@pytest.mark.parametrize("setup", [
    "import citynet.graph.persistent as persistent\nkill_before(persistent, 'load_dataset')",
    "import citynet.graph.persistent as persistent\nkill_after(persistent, 'load_dataset')",
], ids=["before loading", "loaded, before the rename"])
def test_a_killed_store_build_is_rebuilt_and_cleaned_up(tmp_path, graph, setup):
    store_cache = tmp_path / "cache"
    killed = python(setup + BUILD, str(store_cache))
    assert was_killed(killed), killed.stderr
    staging = [p.name for p in store_cache.iterdir()]
    assert len(staging) == 1 and staging[0].startswith(".")  # what the killed build left
    again = python(BUILD, str(store_cache))
    assert again.returncode == 0, again.stderr
    assert int(again.stdout) == len(graph)
    names = [p.name for p in store_cache.iterdir()]
    assert len(names) == 1 and re.fullmatch(r"[0-9a-f]{32}", names[0])


def test_a_store_build_still_going_keeps_its_folder(tmp_path):
    store_cache = tmp_path / "cache"
    code = ("import sys, time\nimport citynet.graph.persistent as persistent\n"
            "persistent.load_dataset = lambda *args, **kwargs: time.sleep(300)\n" + BUILD)
    running = subprocess.Popen([sys.executable, "-c", code, str(store_cache)], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        theirs = wait_for(lambda: store_cache.is_dir() and [p.name for p in store_cache.iterdir()])
        assert python(BUILD, str(store_cache)).returncode == 0
        assert set(theirs) <= {p.name for p in store_cache.iterdir()}
    finally:
        stop(running)
    assert python(BUILD, str(store_cache)).returncode == 0
    assert not [p.name for p in store_cache.iterdir() if p.name.startswith(".")]


# ---------------------------------------------------------------- push


def push_args(url: str) -> list[str]:
    return ["push", "--endpoint", f"{url}/store", "--graph", "https://example.org/g"]


def test_a_killed_push_leaves_no_temporary_file(tmp_path):
    """The graph to send is written to a file without a name (the kernel frees it with the
    process): a push killed right after writing it leaves nothing, even before a next run."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {"TMPDIR": str(temporary)}
    with fake_store() as store:
        setup = "import citynet.scale.remote.chunks as chunks\nkill_after(chunks, '_write')"
        killed = citynet_killed(setup, *push_args(store.url), env=env)
        assert was_killed(killed), killed.stderr
        assert list(temporary.iterdir()) == []
        assert store.received == []  # the killed push sent nothing
        again = citynet(*push_args(store.url), env=env)
        assert again.returncode == 0, again.stderr
        assert list(temporary.iterdir()) == []
        assert store.graphs == {"https://example.org/g": len(shipped_graph())}


def test_a_push_still_going_has_no_named_file_and_another_push_leaves_it_be(tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {"TMPDIR": str(temporary)}
    with fake_store() as store:
        store.hold.clear()  # the store does not answer: the first push waits with its file
        running = subprocess.Popen([sys.executable, "-m", "citynet", *push_args(store.url)],
                                   env={**os.environ, **env}, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(lambda: store.received)
            assert list(temporary.iterdir()) == []
            second = subprocess.Popen([sys.executable, "-m", "citynet", *push_args(store.url)],
                                      env={**os.environ, **env}, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            wait_for(lambda: len(store.received) == 2)
            store.hold.set()
            assert second.wait(timeout=120) == 0
            assert running.wait(timeout=120) == 0
        finally:
            if running.poll() is None:
                stop(running)
    assert list(temporary.iterdir()) == []
    assert store.graphs == {"https://example.org/g": len(shipped_graph())}


# ---------------------------------------------------------------- a full disk


def test_a_full_disk_keeps_the_old_file_and_is_exit_2(tmp_path):
    (tmp_path / "out.nt").write_text("old\n")
    result = citynet(*EXPORT, cwd=tmp_path, file_size=50_000)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "out.nt: cannot write the file: File too large" in result.stderr
    assert "an existing file was left as it was" in result.stderr
    assert (tmp_path / "out.nt").read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.nt"]


def test_a_full_disk_keeps_the_old_site_and_is_exit_2(tmp_path, cache):
    assert publish(tmp_path, cache).returncode == 0
    before = (tmp_path / "site" / "index.html").read_bytes()
    result = citynet("publish", "site", cwd=tmp_path, env={"CITYNET_CACHE_DIR": str(cache)}, file_size=20_000)
    assert result.returncode == 2 and "cannot write the site" in result.stderr and "File too large" in result.stderr
    assert (tmp_path / "site" / "index.html").read_bytes() == before
    assert site_entries(tmp_path) == ["site"]


def test_a_full_disk_during_a_store_build_leaves_no_partial_store(tmp_path):
    code = ("import citynet, pathlib\nfrom citynet.errors import InputError\ntry:\n"
            "    citynet.KnowledgeGraph(persistent=True, cache_dir=pathlib.Path(sys.argv[1]))\n"
            "except InputError as error:\n    print(error)\n")
    result = python(code, str(tmp_path / "cache"), file_size=50_000)
    assert result.returncode == 0, result.stderr
    assert "cannot build the graph's on-disk store in the cache folder" in result.stdout
    assert "CITYNET_CACHE_DIR" in result.stdout
    assert list((tmp_path / "cache").iterdir()) == []


# ---------------------------------------------------------------- who owns a leftover


def _tag_of_a_child(*, stays: bool) -> tuple[str, subprocess.Popen]:
    """The owner tag of a new Python process, which ends at once or stays (for 5 minutes)."""
    child = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom citynet.leftovers import owner_tag\n"
                              "print(owner_tag(), flush=True)\nif sys.argv[1] == 'stay':\n    time.sleep(300)\n",
                              "stay" if stays else "go"], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    return child.stdout.readline().strip(), child


def _gone(tag: str) -> bool:
    host, pid, start, _ = tag.split("-")
    return leftovers.owner_gone(host, int(pid), int(start))


def test_the_owner_of_a_leftover_is_gone_only_when_its_process_is(tmp_path):
    ended, child = _tag_of_a_child(stays=False)
    child.wait(timeout=60)
    alive, sleeper = _tag_of_a_child(stays=True)
    try:
        assert _gone(ended)
        assert not _gone(alive)
        host, pid, start, token = alive.split("-")
        assert _gone(f"{host}-{pid}-{int(start) + 1}-{token}")  # that id, but a process started later
        assert not _gone(f"{'0' * 8 if host != '0' * 8 else '1' * 8}-{pid}-{start}-{token}")  # another host
        assert not leftovers.owner_gone(host, 0, 0)  # 0 is no process (it would name a process group)
        for tag in (ended, alive):
            (tmp_path / f".out.ttl.{tag}.tmp").write_text("x")
        (tmp_path / ".out.ttl.not-a-tag.tmp").write_text("someone else's")
        assert [p.name for p in leftovers.sweep(tmp_path, ".out.ttl.", ".tmp")] == [f".out.ttl.{ended}.tmp"]
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            [f".out.ttl.{alive}.tmp", ".out.ttl.not-a-tag.tmp"])
        sleeper.send_signal(signal.SIGKILL)
        assert wait_for(lambda: _gone(alive), seconds=10)  # killed, and not yet reaped: a zombie is gone too
    finally:
        if sleeper.poll() is None:
            sleeper.kill()
        sleeper.wait(timeout=30)
