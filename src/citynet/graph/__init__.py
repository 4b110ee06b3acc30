"""Loading the graph: RDF files, the Oxigraph store (in memory or on disk), terms and names."""

from citynet.graph.knowledge_graph import KnowledgeGraph, shipped_graph

__all__ = ["KnowledgeGraph", "shipped_graph"]
