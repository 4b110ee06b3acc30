"""citynet.publish.blank_numbers: the exports' blank-node numbers, in little memory."""

from __future__ import annotations

import random
import tracemalloc

import pyoxigraph
import pytest

from citynet.publish.blank_numbers import IN_DICT, BlankNodeNumbers

# All in the table, moved there part way, and all in the dict.
IN_DICT_SIZES = [0, 1_000, IN_DICT]


def first_seen(nodes: list[pyoxigraph.BlankNode]) -> list[int]:
    """The numbers as a dict of terms gives them (what the exports did before)."""
    numbers: dict[pyoxigraph.BlankNode, int] = {}
    return [numbers.setdefault(node, len(numbers)) for node in nodes]


@pytest.mark.parametrize("in_dict", IN_DICT_SIZES)
def test_numbers_in_order_of_first_appearance_through_many_growths(in_dict):
    rng = random.Random(7)  # noqa: S311 - a repeatable order, not a secret
    made = [pyoxigraph.BlankNode() for _ in range(20_000)]  # the table doubles several times
    met = made + [rng.choice(made) for _ in range(40_000)]
    rng.shuffle(met)
    numbering = BlankNodeNumbers(in_dict)
    assert [numbering.number(node) for node in met] == first_seen(met)
    assert len(numbering) == len(made)


@pytest.mark.parametrize("ids", [
    [f"b{i}" for i in range(5_000)],  # labels that read as hex numbers
    [format(i << 64, "x") for i in range(1, 5_000)],  # ids that differ only in their high bits
])
def test_ids_with_a_pattern_are_numbered_too(ids):
    nodes = [pyoxigraph.BlankNode(label) for label in ids]
    numbering = BlankNodeNumbers(in_dict=0)
    assert [numbering.number(node) for node in nodes + nodes[::-1]] == first_seen(nodes + nodes[::-1])


@pytest.mark.parametrize("in_dict", [0, 3])
@pytest.mark.parametrize("ids", [
    # spellings that int(…, 16) reads as the same number, and labels that are not numbers
    ["ab", "0ab", "AB", "a_b", "0xab", "x", "ab"],
    ["1", "01", "0", "00", "١"],  # an Arabic-Indic one: int() reads Unicode digits
    # the largest 128-bit id, one past it, and ids that agree on their low or high 64 bits
    ["f" * 32, "1" + "0" * 32, "1" + "0" * 16, "2" + "0" * 16, "1", "2", "f" * 32],
])
def test_ids_stay_apart_as_oxigraph_keeps_them(ids, in_dict):
    nodes = [pyoxigraph.BlankNode(label) for label in ids]
    numbering = BlankNodeNumbers(in_dict)
    assert [numbering.number(node) for node in nodes + nodes[::-1]] == first_seen(nodes + nodes[::-1])


@pytest.mark.parametrize("in_dict", IN_DICT_SIZES)
def test_labelled_and_numbered_nodes_share_one_sequence(in_dict):
    nodes = [pyoxigraph.BlankNode("x"), pyoxigraph.BlankNode(), pyoxigraph.BlankNode("y")]
    numbering = BlankNodeNumbers(in_dict)
    assert [numbering.number(node) for node in [*nodes, *reversed(nodes)]] == [0, 1, 2, 2, 1, 0]


def test_past_the_dict_a_node_takes_a_few_dozen_bytes():
    # A dict of terms takes about 250 bytes a node (benchmarks/README.md). The table's slots
    # take 20 bytes, and it is at least 3/8 full (just after it doubles).
    nodes = [pyoxigraph.BlankNode() for _ in range(200_000)]
    tracemalloc.start()
    try:
        numbering = BlankNodeNumbers(in_dict=1_000)
        for node in nodes:
            numbering.number(node)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held / len(nodes) < 20 / (3 / 8) + 1
