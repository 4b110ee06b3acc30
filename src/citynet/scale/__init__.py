"""Graphs at scale and shared triplestores: generated graphs, push, and remote queries."""
