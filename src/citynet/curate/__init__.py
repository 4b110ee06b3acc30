"""Keeping the data current: Turtle in one layout (``format``), tables in and out
(``import``, the CSV export), what changed between two versions (``diff``) and releases."""
