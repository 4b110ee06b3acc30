"""Counts that show what the graph holds: entities per class, and each network's
listed members beside the member counts its sources state."""

from __future__ import annotations

from dataclasses import dataclass

from citynet.graph.knowledge_graph import KnowledgeGraph
from citynet.graph.prefixes import compact
from citynet.querying.execute import query


@dataclass(frozen=True)
class NetworkCounts:
    name: str
    listed_members: int
    stated: list[str]


def class_counts(graph: KnowledgeGraph | None = None) -> list[tuple[str, int]]:
    return [(row.label or compact(row["class"]), row.count) for row in query("class-counts", graph=graph)]


def network_counts(graph: KnowledgeGraph | None = None) -> list[NetworkCounts]:
    networks: dict[str, NetworkCounts] = {}
    for row in query("network-profile", graph=graph):
        entry = networks.setdefault(row.network, NetworkCounts(row.name, row.listedMembers or 0, []))
        if row.statedCount is not None:
            when = f", stated {row.statedOn}" if row.statedOn else ""
            entry.stated.append(f"{row.statedCount} ({row.statedPrecision}{when})")
    return list(networks.values())


def render_stats(graph: KnowledgeGraph | None = None) -> str:
    lines = ["Entities per class:"]
    lines += [f"  {count:>5}  {label}" for label, count in class_counts(graph)]
    lines.append("")
    lines.append("Networks: members listed in the graph, and member counts the sources state:")
    for network in network_counts(graph):
        stated = "; ".join(network.stated) if network.stated else "no count stated"
        lines.append(f"  {network.listed_members:>5}  {network.name}  (stated: {stated})")
    return "\n".join(lines)
