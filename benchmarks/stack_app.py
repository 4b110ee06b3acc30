"""The citynet app for other ASGI servers (``benchmarks/stacks.py``): default settings, the shipped graph."""

from citynet.server.app import create_app

app = create_app()
