"""Validation collects garbage less often while it runs, and gives the process its own pace back
(``citynet.validation.collector``), also when it fails or runs in several threads at once."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from citynet.errors import InputError
from citynet.validation import validate
from citynet.validation import validator as validator_module
from citynet.validation.collector import fewer_collections


@pytest.fixture(autouse=True)
def default_pace() -> Iterator[None]:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


def test_the_block_collects_less_often_and_gives_the_pace_back() -> None:
    with fewer_collections():
        assert gc.get_threshold() == (10_000, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)
    with pytest.raises(ZeroDivisionError), fewer_collections():
        1 / 0  # noqa: B018
    assert gc.get_threshold() == (700, 10, 10)


@pytest.mark.parametrize("threshold", [(50_000, 20, 20), (0, 10, 10)], ids=["slower", "off"])
def test_a_slower_pace_set_by_the_caller_is_kept(threshold: tuple[int, int, int]) -> None:
    gc.set_threshold(*threshold)
    with fewer_collections():
        assert gc.get_threshold() == threshold
    assert gc.get_threshold() == threshold


def test_overlapping_blocks_in_threads_give_the_pace_back_when_the_last_ends() -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[tuple[int, int, int]] = []

    def first() -> None:
        with fewer_collections():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with fewer_collections():
            second_in.set()
            first_out.wait(5)
            seen.append(gc.get_threshold())  # the first has ended, this one runs on

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == [(10_000, 10, 10)]
    assert gc.get_threshold() == (700, 10, 10)


def test_validate_runs_at_the_slower_pace_and_restores_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paces: list[tuple[int, int, int]] = []
    parse_files = validator_module.parse_files

    def recording(*args: object, **kwargs: object) -> object:
        paces.append(gc.get_threshold())
        return parse_files(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(validator_module, "parse_files", recording)
    data = tmp_path / "data.ttl"
    data.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n", encoding="utf-8")
    validate([data])
    data.write_text("ex:a ex:b .\n", encoding="utf-8")
    with pytest.raises(InputError):
        validate([data])
    assert paces == [(10_000, 10, 10)] * 2
    assert gc.get_threshold() == (700, 10, 10)
