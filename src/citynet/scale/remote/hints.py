"""What to do about the limits stores are known to have, recognised in their error messages.

Each hint names the setting that sets the limit, so that the one who runs the store can
change it; the README section "Using a triplestore" says more.
"""

from __future__ import annotations

import re

# (pattern in the store's message, hint, whether trying again may help). Virtuoso's codes:
# SR172 deadlock, SR353 sorted TOP, SR325 transaction log size, "estimated execution time" the cost estimator, S1TAT the
# time limit, SR186 a missing permission.
_KNOWN: list[tuple[re.Pattern[str], str, bool]] = [
    (re.compile(r"estimated execution time", re.IGNORECASE),
     "Virtuoso refused the query before running it: its cost estimate is above "
     "MaxQueryCostEstimationTime ([SPARQL] section of virtuoso.ini, in seconds; 0 turns the "
     "estimator off). Estimates grow with the data in all graphs, not only the one queried", False),
    (re.compile(r"SR353|Sorted TOP clause", re.IGNORECASE),
     "Virtuoso sorts at most MaxSortedTopRows rows for an ORDER BY with LIMIT/OFFSET ([Parameters] "
     "section of virtuoso.ini, 10,000 when absent); raise it, or query less at a time", False),
    (re.compile(r"SR172|Transaction deadlocked", re.IGNORECASE),
     "Virtuoso's loader deadlocked; citynet sends small requests, which load without lock "
     "waits. If it persists, lower --chunk-size", True),
    (re.compile(r"S1TAT|query interrupted by result timeout", re.IGNORECASE),
     "Virtuoso stopped the query at MaxQueryExecutionTime ([SPARQL] section of virtuoso.ini, in "
     "seconds) and would have sent partial results", False),
    (re.compile(r"SR325|log after image size", re.IGNORECASE),
     "Virtuoso's transaction log for one change is capped by TransactionAfterImageLimit ([Parameters] "
     "section of virtuoso.ini, in bytes; 50,000,000 by default)", False),
    (re.compile(r"SR186|No permission|SPARQL_UPDATE", re.IGNORECASE),
     "the account may not write: Virtuoso's SPARQL user needs the SPARQL_UPDATE role, or use "
     "dba with --digest", False),
]


def hint_for(message: str) -> str | None:
    """A hint for a store's error message, where the message shows a known limit."""
    return next((hint for pattern, hint, _ in _KNOWN if pattern.search(message)), None)


def is_lasting(message: str) -> bool:
    """Whether the message shows a limit that the same request would meet again."""
    return any(not transient for pattern, _, transient in _KNOWN if pattern.search(message))
